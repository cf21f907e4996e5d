// Writing safetensors checkpoints: streaming, sharded, atomic, byte-deterministic.
//
// Tensors are declared with their dtype and shape and a function that streams
// their bytes. finish() assigns them to shards in declaration order (a new
// shard starts when the next tensor would pass max_shard_bytes), writes each
// shard to a temporary name, fsyncs and renames it, and writes
// model.safetensors.index.json when there is more than one shard. The same
// declarations always give the same bytes.
#pragma once

#include "moecut/dtype.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace moecut {

// Receives a tensor's bytes; the producer must write exactly nbytes in total.
class ByteSink {
public:
    virtual ~ByteSink() = default;
    virtual void write(std::span<const std::byte> bytes) = 0;
    // Writes length bytes of the open file fd, from offset. This default reads
    // them through a buffer; the writer's own sink copies them in the kernel.
    virtual void write_from_file(int fd, std::uint64_t offset, std::uint64_t length);
};

using TensorProducer = std::function<void(ByteSink&)>;

struct WriterOptions {
    std::uint64_t max_shard_bytes = 5ull << 30;  // transformers' default 5 GB
    std::string shard_prefix = "model";           // model-00001-of-00003.safetensors
    std::map<std::string, std::string> metadata = {{"format", "pt"}};
    // Write only headers and leave the data as holes (sparse files); producers
    // are not called. For structural tests of huge checkpoints.
    bool sparse = false;
};

class CheckpointWriter {
public:
    CheckpointWriter(std::filesystem::path dir, WriterOptions options = {});
    ~CheckpointWriter();

    void add(std::string name, DType dtype, std::vector<std::int64_t> shape, TensorProducer producer);
    // Convenience: a tensor whose bytes are already in memory (copied).
    void add_bytes(std::string name, DType dtype, std::vector<std::int64_t> shape,
                   std::span<const std::byte> bytes);

    // Writes the shards and the index; returns the paths written.
    std::vector<std::filesystem::path> finish();

private:
    struct Pending {
        std::string name;
        DType dtype;
        std::vector<std::int64_t> shape;
        TensorProducer producer;
    };
    std::filesystem::path dir_;
    WriterOptions options_;
    std::vector<Pending> pending_;
    bool finished_ = false;
};

// Writes a single safetensors file atomically. tensors are written in the
// order given.
struct TensorToWrite {
    std::string name;
    DType dtype;
    std::vector<std::int64_t> shape;
    TensorProducer producer;
};
void write_safetensors_file(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                            const std::map<std::string, std::string>& metadata, bool sparse = false);

} // namespace moecut

// Writing GGUF v3 files as llama.cpp's loader expects them: metadata in the
// order given, tensor infos with exactly cumulative padded offsets, the data
// section aligned, every tensor (the last one too) zero-padded to the
// alignment, as ggml's gguf_write_to_file and gguf-py's GGUFWriter do.
//
//   GgufLayout layout;                       // alignment 32
//   layout.set("general.architecture", GgufValue::string("glm-dsa"));
//   layout.add_tensor("token_embd.weight", GgmlType::F32, {128, 2048});
//   GgufStreamWriter w(out_path, layout);    // writes the header to a temp file
//   w.append(bytes_of_tensor_0);             // one tensor at a time, any chunking
//   w.commit();                              // pads, fsyncs, renames onto out_path
#pragma once

#include "moecut/atomic_file.h"
#include "moecut/gguf.h"

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

class GgufLayout {
public:
    // alignment: a power of two; other than 32 it is recorded as general.alignment (UINT32).
    explicit GgufLayout(std::uint32_t alignment = kGgufDefaultAlignment);

    // Adds a key (std::invalid_argument for an empty or repeated key, a nested
    // array, or general.alignment, which the constructor owns).
    void set(std::string key, GgufValue value);
    // Replaces the value of an existing key, or adds it.
    void replace(std::string key, GgufValue value);
    // Appends a tensor; its offset follows the previous one. ne is in ggml
    // order (ne[0] contiguous). std::invalid_argument for a name that is
    // empty, repeated or over 63 bytes, more than 4 dims, a negative dim, or
    // ne[0] not a multiple of the type's block size.
    const GgufTensorInfo& add_tensor(std::string name, GgmlType type, std::vector<std::int64_t> ne);

    std::uint32_t alignment() const { return alignment_; }
    const std::vector<GgufKv>& metadata() const { return kv_; }
    const GgufValue* find(std::string_view key) const;
    const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }

    // The header bytes, padded to the alignment when there are tensors.
    std::vector<std::byte> header() const;
    std::uint64_t header_size() const;
    std::uint64_t data_size() const { return data_size_; }  // padded
    std::uint64_t file_size() const { return header_size() + data_size_; }

private:
    std::uint32_t alignment_;
    std::vector<GgufKv> kv_;
    std::vector<GgufTensorInfo> tensors_;
    std::uint64_t data_size_ = 0;
};

// Streams a GGUF to disk: the header on construction, then the tensors'
// bytes in layout order through append(), padding inserted between tensors.
// Atomic: nothing appears at `path` unless commit() succeeds.
class GgufStreamWriter {
public:
    GgufStreamWriter(const std::filesystem::path& path, const GgufLayout& layout);
    ~GgufStreamWriter();
    GgufStreamWriter(const GgufStreamWriter&) = delete;
    GgufStreamWriter& operator=(const GgufStreamWriter&) = delete;

    // Bytes of the current tensor (and, past its end, of the ones after it).
    // std::logic_error when more bytes arrive than the layout holds.
    void append(std::span<const std::byte> bytes);
    // Index of the tensor the next byte belongs to (tensors().size() when all are written).
    std::size_t current_tensor() const { return index_; }
    // std::logic_error unless every tensor is complete.
    void commit();

private:
    void pad_to_next();
    const GgufLayout& layout_;
    AtomicFile file_;
    std::size_t index_ = 0;
    std::uint64_t written_in_tensor_ = 0;
};

// Writes a whole file whose tensor data is in memory (tests, small files).
void write_gguf(const std::filesystem::path& path, const GgufLayout& layout,
                const std::vector<std::span<const std::byte>>& tensor_data);

} // namespace moecut

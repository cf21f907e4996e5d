// Reading a GGUF file: the header is validated as strictly as llama.cpp's
// loader (ggml/src/gguf.cpp + llama-model-loader) validates it, and tensor
// data is a zero-copy view of a read-only mmap.
//
// Rejected (InputError "FILE: problem", naming the key or tensor): a bad
// magic; a version other than 3 (2 is read, as gguf-py reads it; 1 and a
// byte-swapped file are named as such); a truncated file; an empty or
// duplicate key; an unknown value type or an array of arrays; a string over
// 1 GiB or an array over 2^30 elements; general.alignment that is not a
// UINT32 power of two; a tensor name that is empty, over 63 bytes or
// duplicated; more than 4 dims or a negative dim; an unknown or removed
// ggml type; ne[0] not a multiple of the type's block size; an offset other
// than the cumulative padded size of the tensors before it (this also
// rejects misaligned and overlapping tensors); tensor data past the end of
// the file.
#pragma once

#include "moecut/gguf.h"

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

class MappedFile;

class GgufFile {
public:
    // Reads and validates the header (and the file's size). No tensor data is read.
    static GgufFile open(const std::filesystem::path& path);
    // Validates a file held in memory (the whole file, or at least its
    // header); file_size is the size of the whole file. Used by open() and by
    // tests; `path_for_messages` names it in errors.
    static GgufFile parse(std::span<const std::byte> bytes, std::uint64_t file_size,
                          const std::filesystem::path& path_for_messages);

    GgufFile(GgufFile&&) noexcept;
    GgufFile& operator=(GgufFile&&) noexcept;
    ~GgufFile();

    const std::filesystem::path& path() const { return path_; }
    std::uint32_t version() const { return version_; }
    std::uint32_t alignment() const { return alignment_; }
    std::uint64_t file_size() const { return file_size_; }
    std::uint64_t data_offset() const { return data_offset_; }   // start of the data section
    std::uint64_t data_size() const { return data_size_; }       // padded sum of the tensors

    const std::vector<GgufKv>& metadata() const { return kv_; }  // file order
    const GgufValue* find(std::string_view key) const;
    const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }  // file order
    const GgufTensorInfo* find_tensor(std::string_view name) const;

    // Things llama.cpp tolerates but a careful writer avoids (missing
    // general.architecture, an unpadded last tensor, a quantized tensor
    // without general.quantization_version, ...), one line each.
    const std::vector<std::string>& warnings() const { return warnings_; }

    // The tensor's bytes (unpadded), from a read-only mmap made on first use.
    std::span<const std::byte> bytes(const GgufTensorInfo& t) const;

private:
    GgufFile() = default;
    std::filesystem::path path_;
    std::uint32_t version_ = 0;
    std::uint32_t alignment_ = kGgufDefaultAlignment;
    std::uint64_t file_size_ = 0, data_offset_ = 0, data_size_ = 0;
    std::vector<GgufKv> kv_;
    std::vector<GgufTensorInfo> tensors_;
    std::vector<std::string> warnings_;
    std::shared_ptr<MappedFile> map_;
};

} // namespace moecut

// Reading one safetensors file: strict header validation, lazy zero-copy mmap.
//
// Layout: 8-byte little-endian header length N, N bytes of JSON header, then
// the data section. Each header entry maps a tensor name to its dtype, shape
// and [begin, end) byte offsets relative to the data section; "__metadata__"
// maps strings to strings.
#pragma once

#include "moecut/dtype.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace moecut {

struct TensorInfo {
    std::string name;
    DType dtype{};
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;  // byte offsets into the data section
    std::uint64_t end = 0;

    std::int64_t numel() const;
    std::uint64_t nbytes() const { return end - begin; }
};

class MappedFile;

class SafetensorsFile {
public:
    // Largest header accepted (the reference implementation's limit).
    static constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

    // Reads and validates the header (nothing else). Throws InputError with a
    // message "FILE: [TENSOR: ]problem" on any violation.
    static SafetensorsFile open(const std::filesystem::path& path);

    // Validates a header held in memory, as if read from a file of file_size
    // bytes. Used by open() and by the fuzz target.
    static SafetensorsFile parse_header(std::string_view header_json, std::uint64_t file_size,
                                        const std::filesystem::path& path_for_messages);

    SafetensorsFile(SafetensorsFile&&) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
    ~SafetensorsFile();

    const std::filesystem::path& path() const { return path_; }
    std::uint64_t file_size() const { return file_size_; }
    std::uint64_t data_offset() const { return data_offset_; }  // 8 + N
    const std::vector<TensorInfo>& tensors() const { return tensors_; }  // in header order
    const TensorInfo* find(std::string_view name) const;
    const std::map<std::string, std::string>& metadata() const { return metadata_; }

    // The tensor's bytes, from a read-only mmap made on first use. Zero-copy.
    std::span<const std::byte> bytes(const TensorInfo& t) const;

private:
    SafetensorsFile() = default;
    std::filesystem::path path_;
    std::uint64_t file_size_ = 0;
    std::uint64_t data_offset_ = 0;
    std::vector<TensorInfo> tensors_;
    std::vector<std::uint32_t> by_name_;  // indices into tensors_, sorted by name
    std::map<std::string, std::string> metadata_;
    mutable std::unique_ptr<MappedFile> map_;
};

} // namespace moecut

// A read-only memory map of a whole file, made on first use (private to moecut_core).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>

namespace moecut {

class MappedFile {
public:
    // Nothing is opened until data() is first called. expected_size is the
    // size the file had when its header was read; a file that has changed size
    // since is an InputError.
    MappedFile(std::filesystem::path path, std::uint64_t expected_size);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    // The start of the mapping; thread-safe.
    const std::byte* data() const;
    std::uint64_t size() const { return size_; }

private:
    void map() const;

    std::filesystem::path path_;
    std::uint64_t size_;
    mutable std::once_flag once_;
    mutable const std::byte* data_ = nullptr;
};

} // namespace moecut

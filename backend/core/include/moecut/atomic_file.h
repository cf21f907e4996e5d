// Files and folders that appear complete or not at all.
#pragma once

#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace moecut {

// Writes to "<path>.tmp-<pid>" and, on commit(), fsyncs, renames onto path and
// fsyncs the parent folder. Destroyed without commit(), it removes the
// temporary file.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::span<const std::byte> bytes);
    void write(std::string_view text);
    // Extends the file by n zero bytes without writing them (a hole).
    void skip(std::uint64_t n);
    // Appends length bytes of the open file fd, from offset: copied in the
    // kernel (copy_file_range) where the filesystem allows, else read and written.
    void append_from(int fd, std::uint64_t offset, std::uint64_t length);
    std::uint64_t size() const { return size_; }
    void commit();

private:
    std::filesystem::path path_;
    std::filesystem::path tmp_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
    bool committed_ = false;
};

void write_file_atomic(const std::filesystem::path& path, std::string_view text);

// Builds a folder under "<path>.tmp-<pid>"; commit() fsyncs it and renames it
// onto path (which must not exist, or is replaced if replace is set).
class AtomicDir {
public:
    explicit AtomicDir(std::filesystem::path path, bool replace = false);
    ~AtomicDir();
    const std::filesystem::path& staging() const { return tmp_; }
    void commit();

private:
    std::filesystem::path path_;
    std::filesystem::path tmp_;
    bool replace_;
    bool committed_ = false;
};

} // namespace moecut

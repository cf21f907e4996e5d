#include "moecut/atomic_file.h"

#include "moecut/error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace moecut {
namespace {

[[noreturn]] void throw_errno(int err, const std::filesystem::path& p, std::string_view what) {
    throw std::system_error(err, std::generic_category(), p.string() + ": " + std::string(what));
}

std::filesystem::path with_suffix(const std::filesystem::path& p, std::string_view tag) {
    std::filesystem::path out = p;
    out += std::string(tag) + std::to_string(::getpid());
    return out;
}

void fsync_path(const std::filesystem::path& p, bool directory) {
    int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) throw_errno(errno, p, "cannot open to sync");
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL && err != EROFS) throw_errno(err, p, "fsync failed");
}

std::filesystem::path parent_of(const std::filesystem::path& p) {
    auto parent = p.parent_path();
    return parent.empty() ? std::filesystem::path(".") : parent;
}

// fsyncs every file and folder under dir, and dir itself.
void fsync_tree(const std::filesystem::path& dir) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.is_symlink()) continue;
        if (e.is_directory()) fsync_path(e.path(), true);
        else if (e.is_regular_file()) fsync_path(e.path(), false);
    }
    fsync_path(dir, true);
}

} // namespace

// ---- AtomicFile --------------------------------------------------------------

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)), tmp_(with_suffix(path_, ".tmp-")) {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd_ < 0) throw_errno(errno, path_, "cannot create");
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFile::write(std::span<const std::byte> bytes) {
    if (fd_ < 0) throw std::logic_error("AtomicFile::write after commit");
    const std::byte* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno(errno, path_, "write failed");
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    size_ += bytes.size();
}

void AtomicFile::write(std::string_view text) {
    write(std::as_bytes(std::span<const char>(text.data(), text.size())));
}

void AtomicFile::skip(std::uint64_t n) {
    if (fd_ < 0) throw std::logic_error("AtomicFile::skip after commit");
    if (n == 0) return;
    if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) < 0) throw_errno(errno, path_, "seek failed");
    size_ += n;
}

void AtomicFile::append_from(int fd, std::uint64_t offset, std::uint64_t length) {
    if (fd_ < 0) throw std::logic_error("AtomicFile::append_from after commit");
    auto in_off = static_cast<loff_t>(offset);
    std::uint64_t left = length;
    while (left > 0) {
        const ssize_t n = ::copy_file_range(fd, &in_off, fd_, nullptr, static_cast<std::size_t>(std::min<std::uint64_t>(left, 1u << 30)), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) break;  // fall back
        if (n < 0) throw_errno(errno, path_, "copy failed");
        if (n == 0) throw_errno(EIO, path_, "source ended before the bytes to copy");
        left -= static_cast<std::uint64_t>(n);
        size_ += static_cast<std::uint64_t>(n);
    }
    if (left == 0) return;
    std::vector<std::byte> buf(static_cast<std::size_t>(std::min<std::uint64_t>(left, 4u << 20)));
    while (left > 0) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        const ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(in_off));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno(errno, path_, "read failed");
        if (n == 0) throw_errno(EIO, path_, "source ended before the bytes to copy");
        write(std::span<const std::byte>(buf.data(), static_cast<std::size_t>(n)));
        in_off += n;
        left -= static_cast<std::uint64_t>(n);
    }
}

void AtomicFile::commit() {
    if (fd_ < 0) throw std::logic_error("AtomicFile::commit twice");
    // A trailing hole needs the length set explicitly.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) throw_errno(errno, path_, "cannot set the file's length");
    if (::fsync(fd_) != 0) throw_errno(errno, path_, "fsync failed");
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) throw_errno(errno, path_, "close failed");
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) throw_errno(errno, path_, "cannot rename the finished file into place");
    committed_ = true;
    fsync_path(parent_of(path_), true);
}

void write_file_atomic(const std::filesystem::path& path, std::string_view text) {
    AtomicFile f(path);
    f.write(text);
    f.commit();
}

// ---- AtomicDir ---------------------------------------------------------------

AtomicDir::AtomicDir(std::filesystem::path path, bool replace)
    : path_(std::move(path)), tmp_(with_suffix(path_, ".tmp-")), replace_(replace) {
    if (!replace_ && std::filesystem::exists(path_))
        throw_input(path_.string(), "already exists; choose a new output folder");
    std::error_code ec;
    std::filesystem::remove_all(tmp_, ec);  // left by a crashed run that had our pid
    std::filesystem::create_directories(tmp_);
}

AtomicDir::~AtomicDir() {
    if (!committed_) {
        std::error_code ec;
        std::filesystem::remove_all(tmp_, ec);
    }
}

void AtomicDir::commit() {
    if (committed_) throw std::logic_error("AtomicDir::commit twice");
    fsync_tree(tmp_);
    if (std::filesystem::exists(path_)) {
        if (!replace_) throw_input(path_.string(), "already exists; choose a new output folder");
        // Swap the two in one step, then delete the old contents.
        if (::renameat2(AT_FDCWD, tmp_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) == 0) {
            committed_ = true;
            fsync_path(parent_of(path_), true);
            std::error_code ec;
            std::filesystem::remove_all(tmp_, ec);
            return;
        }
        // No RENAME_EXCHANGE (some filesystems): move the old one aside first.
        auto old = with_suffix(path_, ".old-");
        std::filesystem::rename(path_, old);
        std::filesystem::rename(tmp_, path_);
        committed_ = true;
        fsync_path(parent_of(path_), true);
        std::error_code ec;
        std::filesystem::remove_all(old, ec);
        return;
    }
    std::filesystem::rename(tmp_, path_);
    committed_ = true;
    fsync_path(parent_of(path_), true);
}

} // namespace moecut

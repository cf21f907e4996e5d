#include "mapped_file.h"

#include "moecut/error.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace moecut {

MappedFile::MappedFile(std::filesystem::path path, std::uint64_t expected_size)
    : path_(std::move(path)), size_(expected_size) {}

MappedFile::~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), size_);
}

const std::byte* MappedFile::data() const {
    std::call_once(once_, [this] { map(); });
    return data_;
}

void MappedFile::map() const {
    const std::string name = path_.string();
    int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), name + ": cannot open for mapping");
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        throw std::system_error(err, std::generic_category(), name + ": cannot stat");
    }
    if (static_cast<std::uint64_t>(st.st_size) != size_) {
        ::close(fd);
        throw_input(name, "file changed size since its header was read (" + std::to_string(size_) + " -> " +
                              std::to_string(st.st_size) + " bytes)");
    }
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    int err = errno;
    ::close(fd);  // the mapping keeps its own reference
    if (p == MAP_FAILED) throw std::system_error(err, std::generic_category(), name + ": cannot map");
    data_ = static_cast<const std::byte*>(p);
}

} // namespace moecut

#include "moecut/job_events.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace moecut {

EventWriter::EventWriter(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "open " + path.string());
}

EventWriter::~EventWriter() {
    if (fd_ >= 0) ::close(fd_);
}

void EventWriter::append(const nlohmann::ordered_json& event) {
    const std::string line = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    // One write() per line: O_APPEND places it whole at the end. A short write
    // (disk full, signal) is finished so the line is at least complete.
    std::size_t off = 0;
    while (off < line.size()) {
        const ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(), "write events");
        }
        off += static_cast<std::size_t>(n);
    }
}

void EventWriter::start(std::string_view writer) {
    append({{"event", "start"}, {"version", kJobEventsVersion}, {"writer", writer}, {"pid", ::getpid()}});
}

void EventWriter::progress(std::string_view step, std::uint64_t done, std::uint64_t total) {
    append({{"event", "progress"}, {"step", step}, {"done", done}, {"total", total}});
}

void EventWriter::metric(std::string_view name, double value) {
    append({{"event", "metric"}, {"name", name}, {"value", value}});
}

void EventWriter::log(std::string_view level, std::string_view message) {
    append({{"event", "log"}, {"level", level}, {"message", message}});
}

void EventWriter::artifact(std::string_view kind, std::string_view path) {
    append({{"event", "artifact"}, {"kind", kind}, {"path", path}});
}

void EventWriter::status(std::string_view state) { append({{"event", "status"}, {"state", state}}); }

EventBatch EventFollower::read() {
    EventBatch batch;
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        batch.offset = offset_;
        return batch;
    }
    const off_t end = ::lseek(fd, 0, SEEK_END);
    if (end >= 0 && static_cast<std::uint64_t>(end) < offset_) offset_ = 0;
    std::string data;
    char buf[1 << 16];
    for (std::uint64_t pos = offset_;;) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(pos));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        data.append(buf, static_cast<std::size_t>(n));
        pos += static_cast<std::uint64_t>(n);
    }
    ::close(fd);
    std::size_t begin = 0;
    for (std::size_t nl; (nl = data.find('\n', begin)) != std::string::npos; begin = nl + 1) {
        const std::string_view line(data.data() + begin, nl - begin);
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            ++batch.skipped;
            continue;
        }
        batch.events.push_back(std::move(j));
    }
    offset_ += begin; // a partial last line stays for the next read
    batch.offset = offset_;
    return batch;
}

} // namespace moecut

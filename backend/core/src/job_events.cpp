#include "moecut/job_events.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
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

void EventWriter::append_timed(nlohmann::ordered_json event) {
    if (!event.contains("t")) event["t"] = event_time_now();
    append(event);
}

double event_time_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

EventWriter* process_event_writer() {
    static std::mutex mutex;
    static std::unique_ptr<EventWriter> writer;
    static pid_t owner = 0;
    const std::lock_guard lock(mutex);
    if (owner == ::getpid()) return writer.get();
    owner = ::getpid();
    writer.reset();
    const char* path = std::getenv(kEventsEnvVar);
    if (path == nullptr || *path == '\0') return nullptr;
    try {
        writer = std::make_unique<EventWriter>(path);
        writer->start("moecut");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "moecut: events file %s: %s\n", path, e.what());
        writer.reset();
    }
    return writer.get();
}

void emit_event(nlohmann::ordered_json event) {
    EventWriter* w = process_event_writer();
    if (w == nullptr) return;
    try {
        w->append_timed(std::move(event));
    } catch (const std::exception&) {
        // The work goes on; stderr still says what happened.
    }
}

void emit_metric(std::string_view name, double value, const nlohmann::ordered_json& fields) {
    nlohmann::ordered_json e = {{"event", "metric"}, {"name", name}, {"value", value}};
    if (fields.is_object())
        for (const auto& [k, v] : fields.items()) e[k] = v;
    emit_event(std::move(e));
}

void emit_log(std::string_view level, std::string_view message) {
    emit_event({{"event", "log"}, {"level", level}, {"message", message}});
}

void emit_artifact(std::string_view kind, const std::filesystem::path& path) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(path, ec);
    if (ec) abs = path;
    emit_event({{"event", "artifact"}, {"kind", kind}, {"path", abs.lexically_normal().string()}});
}

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

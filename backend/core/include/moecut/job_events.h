// The event stream of a job: "<run>/events.jsonl", JSON lines, one object per
// line, each with an "event" field. The first line a writer appends is
//   {"event":"start","version":1,"writer":"...","pid":N}
// and the other kinds are
//   {"event":"progress","step":"prune","done":N,"total":M}
//   {"event":"metric","name":"loop_rate","value":0.12,"step":3}
//   {"event":"log","level":"info","message":"..."}
//   {"event":"artifact","kind":"checkpoint","path":"out/model"}
//   {"event":"status","state":"succeeded","exit_code":0}
// Readers skip kinds and fields they do not know; a change that breaks old
// readers bumps kJobEventsVersion.
//
// Several processes may append to one file (the runner, the supervisor, the
// job): every line is one write() on an O_APPEND descriptor, so lines
// interleave whole. A reader follows the file by byte offset: it takes only
// complete lines, leaves a partial last line for the next read, and skips a
// line that does not parse (torn by a crash, then followed by new lines).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

inline constexpr int kJobEventsVersion = 1;
inline constexpr const char* kEventsEnvVar = "MOECUT_EVENTS";

class EventWriter {
public:
    // Opens (creating) path for appending. Throws std::system_error.
    explicit EventWriter(const std::filesystem::path& path);
    ~EventWriter();
    EventWriter(const EventWriter&) = delete;
    EventWriter& operator=(const EventWriter&) = delete;

    // Appends event as one line with one write(); the line is on disk (in the
    // page cache) when this returns. Throws std::system_error.
    void append(const nlohmann::ordered_json& event);
    void start(std::string_view writer);
    void progress(std::string_view step, std::uint64_t done, std::uint64_t total);
    void metric(std::string_view name, double value);
    void log(std::string_view level, std::string_view message);
    void artifact(std::string_view kind, std::string_view path);
    void status(std::string_view state);

private:
    int fd_ = -1;
};

// What one EventFollower::read() found.
struct EventBatch {
    std::vector<nlohmann::json> events; // in file order
    std::uint64_t offset = 0;           // where the next read starts
    std::size_t skipped = 0;            // complete lines that were not JSON objects
};

class EventFollower {
public:
    explicit EventFollower(std::filesystem::path path, std::uint64_t offset = 0)
        : path_(std::move(path)), offset_(offset) {}

    // Reads the complete lines after offset(); a missing file reads as empty.
    // A file shorter than offset() (replaced) is read again from 0.
    EventBatch read();
    std::uint64_t offset() const { return offset_; }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::uint64_t offset_;
};

} // namespace moecut

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
// Optional fields (version 1, additive; what moecut's commands write through
// the emit_* helpers below and ProgressReporter):
//   any kind  "t": unix time in seconds (double) when the line was written
//   progress  "unit": what done/total count ("tokens", "samples", "tensors",
//             "bytes", "batches"); "current": what is being worked on now
//             ("layer 3", "code/p-0017", a shard name)
//   metric    "lo", "hi": the 95% interval of value; "n": the trials behind
//             it; "step": the x value (samples done for eval metrics);
//             "run": the run (or sweep cell) the metric belongs to
//   artifact  "path" absolute; kinds "saliency", "plan", "checkpoint",
//             "results", "report", "samples", "sweep"
//   log       "level": "debug", "info", "warning" or "error"
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
    // append() with "t" (now) added when event has none.
    void append_timed(nlohmann::ordered_json event);

private:
    int fd_ = -1;
};

// Unix time in seconds, the "t" field.
double event_time_now();

// The process's writer on the file named by MOECUT_EVENTS, opened (and its
// start line, writer "moecut", appended) on first use in each process (a
// forked child writes its own start line); null when MOECUT_EVENTS is unset
// or the file cannot be opened (said once on stderr).
EventWriter* process_event_writer();

// Append one event, with "t", to process_event_writer() when there is one;
// never throw (a full disk must not stop the work).
void emit_event(nlohmann::ordered_json event);
// {"event":"metric","name":..,"value":..} plus fields (lo, hi, n, step, run).
void emit_metric(std::string_view name, double value, const nlohmann::ordered_json& fields = nlohmann::ordered_json::object());
void emit_log(std::string_view level, std::string_view message);
// path is made absolute (jobs run in their run folder; readers may not).
void emit_artifact(std::string_view kind, const std::filesystem::path& path);

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

// Progress of a long step, on stderr: a bar when stderr is a terminal, JSON
// lines otherwise, one object per line:
//   {"event":"progress","step":"prune","done":N,"total":M}
// (the GUI and scripts read these). Updates are throttled (a bar at most
// every 100 ms, a JSON line at most every 500 ms); the first update and the
// one reaching total are always written.
//
// When MOECUT_EVENTS names a file (a job's events.jsonl, moecut/job_events.h),
// the same JSON objects are also appended there, after one start line per
// process, whatever the mode (Silent too) and on the JSON lines' 500 ms
// throttle; stderr is written as without it. The events carry more than the
// stderr lines: "t" (unix seconds) and, once set, "unit" and "current"
// (job_events.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace moecut {

class ProgressReporter {
public:
    enum class Mode { Auto, Bar, JsonLines, Silent };

    ProgressReporter(std::string step, std::uint64_t total, Mode mode = Mode::Auto, std::FILE* out = stderr);
    ~ProgressReporter();
    ProgressReporter(const ProgressReporter&) = delete;
    ProgressReporter& operator=(const ProgressReporter&) = delete;

    void set_total(std::uint64_t total) { total_ = total; }
    // What done/total count ("tokens", "samples", "tensors", "bytes"), in the events.
    void set_unit(std::string unit) { unit_ = std::move(unit); }
    // What is being worked on now; the next event written carries it.
    void set_current(std::string current) { current_ = std::move(current); }
    void update(std::uint64_t done);
    void advance(std::uint64_t n) { update(done_ + n); }
    // Writes the final state (done = total) and ends the bar's line.
    void finish();
    Mode mode() const { return mode_; }

private:
    void write(bool final);
    void write_event(bool final);
    std::string step_;
    std::string unit_, current_;
    std::uint64_t total_;
    std::uint64_t done_ = 0;
    Mode mode_;
    std::FILE* out_;
    bool started_ = false, finished_ = false, written_ = false;
    std::uint64_t written_done_ = 0;
    bool event_written_ = false;
    std::uint64_t event_done_ = 0;
    std::chrono::steady_clock::time_point event_last_{};
    std::chrono::steady_clock::time_point last_{}, start_{};
};

} // namespace moecut

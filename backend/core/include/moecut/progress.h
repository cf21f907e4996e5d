// Progress of a long step, on stderr: a bar when stderr is a terminal, JSON
// lines otherwise, one object per line:
//   {"event":"progress","step":"prune","done":N,"total":M}
// (the GUI and scripts read these). Updates are throttled (a bar at most
// every 100 ms, a JSON line at most every 500 ms); the first update and the
// one reaching total are always written.
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
    void update(std::uint64_t done);
    void advance(std::uint64_t n) { update(done_ + n); }
    // Writes the final state (done = total) and ends the bar's line.
    void finish();
    Mode mode() const { return mode_; }

private:
    void write(bool final);
    std::string step_;
    std::uint64_t total_;
    std::uint64_t done_ = 0;
    Mode mode_;
    std::FILE* out_;
    bool started_ = false, finished_ = false, written_ = false;
    std::uint64_t written_done_ = 0;
    std::chrono::steady_clock::time_point last_{}, start_{};
};

} // namespace moecut

#include "moecut/progress.h"

#include "moecut/job_events.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>

namespace moecut {
namespace {

EventWriter* events_file() { return process_event_writer(); }

} // namespace

ProgressReporter::ProgressReporter(std::string step, std::uint64_t total, Mode mode, std::FILE* out)
    : step_(std::move(step)), total_(total), mode_(mode), out_(out) {
    if (mode_ == Mode::Auto) mode_ = ::isatty(::fileno(out_)) ? Mode::Bar : Mode::JsonLines;
    start_ = std::chrono::steady_clock::now();
}

ProgressReporter::~ProgressReporter() {
    // A bar left mid-line would glue the next message to it.
    if (mode_ == Mode::Bar && started_ && !finished_) {
        std::fputc('\n', out_);
        std::fflush(out_);
    }
}

void ProgressReporter::update(std::uint64_t done) {
    done_ = std::min(done, total_ == 0 ? done : total_);
    if (finished_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool reached_total = total_ > 0 && done_ >= total_;
    if (events_file() && (!event_written_ || (reached_total && event_done_ != done_) || now - event_last_ >= std::chrono::milliseconds(500))) {
        event_last_ = now;
        write_event(false);
    }
    if (mode_ == Mode::Silent) return;
    const auto every = mode_ == Mode::Bar ? std::chrono::milliseconds(100) : std::chrono::milliseconds(500);
    const bool reached = total_ > 0 && done_ >= total_;
    if (started_ && !reached && now - last_ < every) return;
    last_ = now;
    started_ = true;
    write(false);
}

void ProgressReporter::finish() {
    if (finished_) return;
    done_ = total_;
    if (events_file() && !(event_written_ && event_done_ == total_)) write_event(true);
    if (mode_ != Mode::Silent) {
        // Skip a repeat of a final JSON line already written by update().
        if (!(mode_ == Mode::JsonLines && written_ && written_done_ == total_)) write(true);
        if (mode_ == Mode::Bar) std::fputc('\n', out_);
        std::fflush(out_);
    }
    finished_ = true;
}

void ProgressReporter::write_event(bool /*final*/) {
    event_written_ = true;
    event_done_ = done_;
    try {
        nlohmann::ordered_json e = {{"event", "progress"}, {"step", step_}, {"done", done_}, {"total", total_}};
        if (!unit_.empty()) e["unit"] = unit_;
        if (!current_.empty()) e["current"] = current_;
        events_file()->append_timed(std::move(e));
    } catch (const std::exception&) {
        // A full disk must not stop the work; stderr still has the progress.
    }
}

void ProgressReporter::write(bool /*final*/) {
    written_ = true;
    written_done_ = done_;
    if (mode_ == Mode::JsonLines) {
        const nlohmann::ordered_json j = {{"event", "progress"}, {"step", step_}, {"done", done_}, {"total", total_}};
        fmt::print(out_, "{}\n", j.dump());
        std::fflush(out_);
        return;
    }
    constexpr int kWidth = 30;
    const double frac = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
    const int fill = static_cast<int>(frac * kWidth);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    fmt::print(out_, "\r{} [{}{}] {:3.0f}%  {:.1f} s", step_, std::string(static_cast<std::size_t>(fill), '#'),
               std::string(static_cast<std::size_t>(kWidth - fill), ' '), frac * 100.0, secs);
    std::fflush(out_);
}

} // namespace moecut

// Job states by name, and processes told apart by their start time.
#include "moecut/job_runner.h"

#include <fstream>
#include <sstream>

namespace moecut {

std::string_view to_string(JobState s) {
    switch (s) {
    case JobState::Queued: return "queued";
    case JobState::Running: return "running";
    case JobState::Succeeded: return "succeeded";
    case JobState::Failed: return "failed";
    case JobState::Cancelled: return "cancelled";
    case JobState::Lost: return "lost";
    }
    return "lost";
}

std::optional<JobState> parse_job_state(std::string_view s) {
    for (auto st : {JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed, JobState::Cancelled,
                    JobState::Lost})
        if (to_string(st) == s) return st;
    return std::nullopt;
}

std::optional<std::uint64_t> process_start_time(long pid) {
    if (pid <= 0) return std::nullopt;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // "pid (comm) state ppid ...": comm may hold spaces and ')', so fields
    // are counted from the last ')'. Field 3 is the state, field 22 the start.
    const auto close = text.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(close + 1));
    std::string field;
    std::uint64_t start = 0;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
        if (i == 3 && (field == "Z" || field == "X")) return std::nullopt;
        if (i == 22) {
            try {
                start = std::stoull(field);
            } catch (const std::exception&) {
                return std::nullopt;
            }
            return start;
        }
    }
    return std::nullopt;
}

bool process_is(long pid, std::uint64_t start_time) {
    const auto st = process_start_time(pid);
    return st && *st == start_time;
}

} // namespace moecut

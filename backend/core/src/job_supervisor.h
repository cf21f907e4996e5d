// The detached side of LocalJobRunner: a supervisor process that runs the
// command, enforces a cancel and writes exit_status.json.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace moecut::detail {

struct SupervisorPlan {
    std::filesystem::path run_dir;
    std::vector<std::string> argv;
    std::vector<std::string> envp; // the whole environment, "KEY=VALUE"
    std::chrono::milliseconds grace;
};

// Double fork + setsid: the supervisor is in its own session, outlives the
// caller, forks the command into a process group of its own, writes the pid
// file and returns here once that file exists. Throws std::system_error.
void start_supervisor(const SupervisorPlan& plan);

} // namespace moecut::detail

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

// Starts the supervisor and returns once it wrote the pid file. Throws
// std::system_error.
//
// With a program (the moecut binary), the supervisor is a fresh process:
// posix_spawn (no code of the caller runs in the child, so a threaded caller
// such as the GUI is safe) of `PROGRAM job supervise RUN_DIR` in a session of
// its own, with plan.envp as its environment; it forks once more and the
// middle process exits, so the supervisor is reparented and outlives the
// caller. Without a program, the caller forks twice itself (the old way):
// allowed only while the caller has a single thread.
void start_supervisor(const SupervisorPlan& plan, const std::filesystem::path& program);

// The supervisor's body, in the forked grandchild: stdio already redirected,
// fd 3 the ready pipe. Never returns.
[[noreturn]] void supervise(const SupervisorPlan& plan);

} // namespace moecut::detail

// Starting a job's supervisor: a fresh process (posix_spawn of
// `moecut job supervise RUN_DIR`) or, for single-threaded callers without the
// moecut binary, a double fork of the caller.
#include "job_supervisor.h"

#include "moecut/error.h"
#include "moecut/job_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

extern char** environ;

namespace moecut {
namespace detail {
namespace {

[[noreturn]] void throw_errno(int err, const char* what) { throw std::system_error(err, std::generic_category(), what); }

// Waits for the middle process and for the supervisor's "ready" byte.
void await_ready(pid_t mid, int ready_read, const std::string& log) {
    int st = 0;
    while (::waitpid(mid, &st, 0) < 0 && errno == EINTR) {}
    char c = 0;
    ssize_t n;
    while ((n = ::read(ready_read, &c, 1)) < 0 && errno == EINTR) {}
    ::close(ready_read);
    if (n != 1) throw_errno(ECHILD, ("job supervisor did not start (see " + log + ")").c_str());
}

std::size_t thread_count() {
    std::size_t n = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it("/proc/self/task", ec), end; !ec && it != end; it.increment(ec)) ++n;
    return n;
}

void spawn_supervisor(const SupervisorPlan& plan, const std::filesystem::path& program) {
    const std::string log = (plan.run_dir / "stderr.log").string();
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw_errno(errno, "pipe");
    // The write end well above 3, so dup2 onto 3 always clears close-on-exec.
    const int ready_write = ::fcntl(pipe_fds[1], F_DUPFD_CLOEXEC, 10);
    ::close(pipe_fds[1]);
    if (ready_write < 0) {
        const int err = errno;
        ::close(pipe_fds[0]);
        throw_errno(err, "fcntl");
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn_file_actions_adddup2(&fa, ready_write, 3);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2}) sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> args{program.string(), "job", "supervise", plan.run_dir.string()};
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (const auto& e : plan.envp) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t mid = 0;
    const int rc = ::posix_spawn(&mid, program.c_str(), &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(ready_write);
    if (rc != 0) {
        ::close(pipe_fds[0]);
        throw std::system_error(rc, std::generic_category(), "cannot run the job supervisor " + program.string());
    }
    await_ready(mid, pipe_fds[0], log);
}

void fork_supervisor(const SupervisorPlan& plan) {
    // fork() without exec copies one thread; another thread may hold a lock
    // (malloc, stdio) that the child would then wait on forever.
    if (thread_count() > 1)
        throw std::system_error(ENOTSUP, std::generic_category(),
                                "LocalJobRunner: no supervisor program (the moecut binary) is set and this process "
                                "has several threads; a fork without exec is not safe here");
    const std::string log = (plan.run_dir / "stderr.log").string();
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) throw_errno(errno, "pipe");
    const pid_t mid = ::fork();
    if (mid < 0) {
        const int err = errno;
        ::close(ready[0]);
        ::close(ready[1]);
        throw_errno(err, "fork");
    }
    if (mid == 0) {
        ::setsid();
        if (::fork() != 0) ::_exit(0); // the supervisor is reparented: it outlives the app
        const int null = ::open("/dev/null", O_RDONLY);
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (null < 0 || out < 0) ::_exit(1);
        ::dup2(null, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::dup2(ready[1], 3);
        ::close_range(4, ~0U, 0);
        supervise(plan);
    }
    ::close(ready[1]);
    await_ready(mid, ready[0], log);
}

} // namespace

void start_supervisor(const SupervisorPlan& plan, const std::filesystem::path& program) {
    if (program.empty()) fork_supervisor(plan);
    else spawn_supervisor(plan, program);
}

} // namespace detail

void run_job_supervisor(const std::filesystem::path& run_dir) {
    // Fresh from exec: one thread, stdio on stderr.log, fd 3 the ready pipe.
    ::close_range(4, ~0U, 0);
    const auto job_file = run_dir / "job.json";
    std::ifstream in(job_file);
    auto job = nlohmann::json::parse(in, nullptr, false);
    if (!in || job.is_discarded() || !job.is_object() || !job.contains("argv") || !job["argv"].is_array() ||
        job["argv"].empty())
        throw_input(job_file.string(), "is not a job description (no argv)");
    detail::SupervisorPlan plan{std::filesystem::absolute(run_dir), {}, {},
                                std::chrono::milliseconds(job.value("grace_ms", 10000LL))};
    for (const auto& a : job["argv"]) {
        if (!a.is_string()) throw_input(job_file.string(), "argv holds a non-string");
        plan.argv.push_back(a.get<std::string>());
    }
    for (char** e = environ; e && *e; ++e) plan.envp.emplace_back(*e);
    const pid_t child = ::fork();
    if (child < 0) detail::throw_errno(errno, "fork");
    if (child != 0) ::_exit(0); // the launcher waits for this one; the supervisor is reparented
    detail::supervise(plan);
}

} // namespace moecut

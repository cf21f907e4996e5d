#include "job_supervisor.h"

#include "moecut/atomic_file.h"
#include "moecut/job_events.h"
#include "moecut/job_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace moecut::detail {
namespace {

volatile sig_atomic_t g_term = 0;
void on_term(int) { g_term = 1; }

std::int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void sleep_ms(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

void set_signal(int sig, void (*handler)(int)) {
    struct sigaction sa{};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
}

void write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        const ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        off += static_cast<std::size_t>(n);
    }
}

// The command, in the child of the supervisor. Never returns.
[[noreturn]] void exec_command(const SupervisorPlan& plan, std::vector<char*>& argv, std::vector<char*>& envp,
                               pid_t supervisor) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // the supervisor's death takes the command along
    if (::getppid() != supervisor) ::_exit(127);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT}) set_signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::close(3);
    if (::chdir(plan.run_dir.c_str()) != 0) ::_exit(127);
    ::execvpe(argv[0], argv.data(), envp.data());
    const std::string msg = std::string("moecut job: cannot run ") + argv[0] + ": " + std::strerror(errno) + "\n";
    write_all(2, msg);
    ::_exit(127);
}

std::chrono::milliseconds requested_grace(const std::filesystem::path& file, std::chrono::milliseconds fallback) {
    std::ifstream in(file);
    long long ms = -1;
    if (in >> ms && ms >= 0) return std::chrono::milliseconds(ms);
    return fallback;
}

} // namespace

[[noreturn]] void supervise(const SupervisorPlan& plan) {
    std::vector<char*> argv, envp;
    for (const auto& a : plan.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : plan.envp) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    set_signal(SIGTERM, on_term); // a TERM to the supervisor is a cancel
    for (int sig : {SIGINT, SIGHUP, SIGPIPE}) set_signal(sig, SIG_IGN);
    set_signal(SIGCHLD, SIG_DFL); // waitpid needs it, whatever the app had
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    const pid_t self = ::getpid();
    const std::int64_t started = unix_ms();
    const pid_t child = ::fork();
    if (child == 0) exec_command(plan, argv, envp, self);
    int status = 0;
    try {
        if (child < 0) throw std::system_error(errno, std::generic_category(), "fork");
        ::setpgid(child, child);
        const nlohmann::ordered_json pid = {{"pid", child},
                                            {"start_time", process_start_time(child).value_or(0)},
                                            {"pgid", child},
                                            {"supervisor_pid", self},
                                            {"supervisor_start_time", process_start_time(self).value_or(0)},
                                            {"started_unix_ms", started}};
        write_file_atomic(plan.run_dir / "pid", pid.dump() + "\n");
    } catch (const std::exception& e) {
        write_all(2, std::string("moecut job: ") + e.what() + "\n");
    }
    write_all(3, "r");
    ::close(3);
    if (child < 0) ::_exit(1);

    const auto cancel_file = plan.run_dir / "cancel_requested";
    bool cancelled = false, killed = false;
    std::chrono::steady_clock::time_point deadline{};
    for (;;) {
        const pid_t r = ::waitpid(child, &status, WNOHANG);
        if (r == child || (r < 0 && errno != EINTR)) break;
        if (!cancelled && (g_term || std::filesystem::exists(cancel_file))) {
            cancelled = true;
            deadline = std::chrono::steady_clock::now() + requested_grace(cancel_file, plan.grace);
            ::kill(-child, SIGTERM);
        } else if (cancelled && !killed && std::chrono::steady_clock::now() >= deadline) {
            killed = true;
            ::kill(-child, SIGKILL);
        }
        sleep_ms(10);
    }
    if (cancelled) ::kill(-child, SIGKILL); // what is left of its group

    nlohmann::ordered_json st = {{"version", kJobEventsVersion}};
    std::string state;
    if (WIFEXITED(status)) {
        st["exit_code"] = WEXITSTATUS(status);
        state = WEXITSTATUS(status) == 0 ? "succeeded" : "failed";
    } else if (WIFSIGNALED(status)) {
        st["signal"] = WTERMSIG(status);
        state = "failed";
    }
    if (cancelled) state = "cancelled";
    st["state"] = state;
    st["cancelled"] = cancelled;
    st["started_unix_ms"] = started;
    st["ended_unix_ms"] = unix_ms();
    try {
        // The status event first: a reader that sees exit_status.json has it.
        nlohmann::ordered_json ev = {{"event", "status"}, {"state", state}};
        if (st.contains("exit_code")) ev["exit_code"] = st["exit_code"];
        if (st.contains("signal")) ev["signal"] = st["signal"];
        EventWriter(plan.run_dir / "events.jsonl").append(ev);
        write_file_atomic(plan.run_dir / "exit_status.json", st.dump(2) + "\n");
    } catch (const std::exception& e) {
        write_all(2, std::string("moecut job: ") + e.what() + "\n");
        ::_exit(1);
    }
    ::_exit(0);
}


} // namespace moecut::detail

#include "moecut/job_runner.h"

#include "job_supervisor.h"
#include "moecut/atomic_file.h"
#include "moecut/error.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

extern char** environ;

namespace moecut {
namespace {

std::optional<nlohmann::json> read_json(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) return std::nullopt;
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

std::string env_key(const std::string& kv) { return kv.substr(0, kv.find('=')); }

JobStatus from_exit_status(const nlohmann::json& j, long pid) {
    JobStatus s;
    s.pid = pid;
    if (j.contains("exit_code") && j["exit_code"].is_number_integer()) s.exit_code = j["exit_code"].get<int>();
    if (j.contains("signal") && j["signal"].is_number_integer()) s.signal = j["signal"].get<int>();
    if (j.value("cancelled", false)) s.state = JobState::Cancelled;
    else if (s.exit_code && *s.exit_code == 0) s.state = JobState::Succeeded;
    else s.state = JobState::Failed;
    if (j.contains("started_unix_ms") && j["started_unix_ms"].is_number_integer())
        s.started_unix_ms = j["started_unix_ms"].get<std::int64_t>();
    if (j.contains("ended_unix_ms") && j["ended_unix_ms"].is_number_integer())
        s.ended_unix_ms = j["ended_unix_ms"].get<std::int64_t>();
    if (j.contains("message") && j["message"].is_string()) s.message = j["message"].get<std::string>();
    else if (s.state == JobState::Failed)
        s.message = s.exit_code ? "exit code " + std::to_string(*s.exit_code)
                    : s.signal  ? "signal " + std::to_string(*s.signal)
                                : "ended";
    return s;
}

struct PidFile {
    long pid = 0, supervisor = 0;
    std::uint64_t start = 0, supervisor_start = 0;
    std::optional<std::int64_t> started_unix_ms;
};

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::optional<PidFile> read_pid_file(const std::filesystem::path& run_dir) {
    const auto j = read_json(run_dir / "pid");
    if (!j) return std::nullopt;
    PidFile p;
    p.pid = j->value("pid", 0L);
    p.start = j->value("start_time", std::uint64_t{0});
    p.supervisor = j->value("supervisor_pid", 0L);
    p.supervisor_start = j->value("supervisor_start_time", std::uint64_t{0});
    if (j->contains("started_unix_ms") && (*j)["started_unix_ms"].is_number_integer())
        p.started_unix_ms = (*j)["started_unix_ms"].get<std::int64_t>();
    return p;
}

} // namespace

std::filesystem::path LocalJobRunner::launch(const JobSpec& spec) {
    if (spec.argv.empty() || spec.argv[0].empty()) throw InputError("job: empty command");
    if (spec.run_dir.empty()) throw InputError("job: no run folder");
    for (const auto& kv : spec.env)
        if (kv.find('=') == std::string::npos || kv.front() == '=')
            throw InputError(input_message(spec.run_dir.string(), "environment entry '" + kv + "' is not KEY=VALUE"));
    const auto run_dir = std::filesystem::absolute(spec.run_dir);
    std::filesystem::create_directories(run_dir);
    if (std::filesystem::exists(run_dir / "job.json"))
        throw InputError(input_message(run_dir.string(), "holds a job already"));

    const auto events = run_dir / "events.jsonl";
    detail::SupervisorPlan plan{run_dir, spec.argv, {}, grace_};
    std::set<std::string> replaced{kEventsEnvVar};
    for (const auto& kv : spec.env) replaced.insert(env_key(kv));
    for (char** e = environ; e && *e; ++e)
        if (!replaced.count(env_key(*e))) plan.envp.emplace_back(*e);
    plan.envp.push_back(std::string(kEventsEnvVar) + "=" + events.string());
    plan.envp.insert(plan.envp.end(), spec.env.begin(), spec.env.end());

    const nlohmann::ordered_json job = {{"version", kJobEventsVersion},
                                        {"argv", spec.argv},
                                        {"env", spec.env},
                                        {"grace_ms", grace_.count()},
                                        {"runner", "local"},
                                        {"launcher_pid", ::getpid()},
                                        {"launcher_start_time", process_start_time(::getpid()).value_or(0)},
                                        {"launched_unix_ms", unix_ms_now()}};
    write_file_atomic(run_dir / "job.json", job.dump(2) + "\n");
    try {
        EventWriter(events).append(
            {{"event", "start"}, {"version", kJobEventsVersion}, {"writer", "runner"}, {"argv", spec.argv}});
        detail::start_supervisor(plan, supervisor_);
    } catch (const std::exception& e) {
        // Never started: say so in the folder, so no reader waits for it.
        const nlohmann::ordered_json st = {{"version", kJobEventsVersion},
                                           {"state", "failed"},
                                           {"cancelled", false},
                                           {"message", std::string("cannot start: ") + e.what()},
                                           {"ended_unix_ms", unix_ms_now()}};
        try {
            write_file_atomic(run_dir / "exit_status.json", st.dump(2) + "\n");
        } catch (const std::exception&) {}
        throw;
    }
    return run_dir;
}

JobStatus LocalJobRunner::poll(const std::filesystem::path& run_dir) {
    if (!std::filesystem::exists(run_dir / "job.json"))
        throw InputError(input_message(run_dir.string(), "is not a job's run folder (no job.json)"));
    const auto pid = read_pid_file(run_dir);
    const long cmd = pid ? pid->pid : 0;
    if (auto ex = read_json(run_dir / "exit_status.json")) return from_exit_status(*ex, cmd);
    if (!pid) {
        // Queued while its launcher lives (launch() in progress); a launcher
        // that is gone will never start it.
        const auto job = read_json(run_dir / "job.json");
        const long launcher = job ? job->value("launcher_pid", 0L) : 0;
        if (launcher == 0 || process_is(launcher, job->value("launcher_start_time", std::uint64_t{0})))
            return JobStatus{JobState::Queued, {}, {}, 0, {}, {}, {}};
        if (const auto late = read_pid_file(run_dir); late && process_is(late->supervisor, late->supervisor_start))
            return JobStatus{JobState::Running, {}, {}, late->pid, {}, late->started_unix_ms, {}}; // started meanwhile
        if (auto ex = read_json(run_dir / "exit_status.json")) return from_exit_status(*ex, 0);
        JobStatus s{JobState::Lost, {}, {}, 0, {}, {}, {}};
        s.message = "the job never started: the process that launched it (pid " + std::to_string(launcher) +
                    ") is gone and no supervisor wrote a pid file";
        return s;
    }
    if (process_is(pid->supervisor, pid->supervisor_start))
        return JobStatus{JobState::Running, {}, {}, cmd, {}, pid->started_unix_ms, {}};
    // The supervisor may have written the status and exited since the first look.
    if (auto ex = read_json(run_dir / "exit_status.json")) return from_exit_status(*ex, cmd);
    JobStatus s{JobState::Lost, {}, {}, cmd, {}, pid->started_unix_ms, {}};
    s.message = "the job's supervisor (pid " + std::to_string(pid->supervisor) +
                ") is gone and left no exit_status.json";
    return s;
}

void LocalJobRunner::cancel(const std::filesystem::path& run_dir) {
    const auto s = poll(run_dir);
    if (is_final(s.state)) return;
    // The supervisor sees the file, sends SIGTERM to the command's process
    // group and SIGKILL after the grace period, and records "cancelled".
    write_file_atomic(run_dir / "cancel_requested", std::to_string(grace_.count()) + "\n");
    const auto pid = read_pid_file(run_dir);
    if (pid && !process_is(pid->supervisor, pid->supervisor_start) && process_is(pid->pid, pid->start))
        ::kill(-static_cast<pid_t>(pid->pid), SIGTERM); // no supervisor left to do it
}

std::filesystem::path LocalJobRunner::default_supervisor_program() {
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    const auto candidate = self.parent_path() / "moecut";
    if (::access(candidate.c_str(), X_OK) == 0 && std::filesystem::is_regular_file(candidate, ec)) return candidate;
    return {};
}

JobStatus LocalJobRunner::reattach(const std::filesystem::path& run_dir) { return poll(run_dir); }

EventFollower LocalJobRunner::follow(const std::filesystem::path& run_dir, std::uint64_t offset) {
    return EventFollower(run_dir / "events.jsonl", offset);
}

JobStatus LocalJobRunner::wait(const std::filesystem::path& run_dir, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto s = poll(run_dir);
        if (is_final(s.state) || std::chrono::steady_clock::now() >= until) return s;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

} // namespace moecut

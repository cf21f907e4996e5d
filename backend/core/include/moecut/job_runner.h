// Jobs: a command run in its own run folder, followed by its files, so the app
// that started it can exit, come back and find it again.
//
// JobRunner is what the app talks to; LocalJobRunner runs jobs on this
// machine, and remote (ssh) and Slurm runners will implement the same
// interface. A job is named by its run folder. The folder holds
//   job.json          argv, environment additions, grace period, the launching
//                     process and its start time, the launch time (at launch)
//   pid               {"pid","start_time","supervisor_pid","supervisor_start_time",
//                      "started_unix_ms"}
//   events.jsonl      the event stream (moecut/job_events.h)
//   stderr.log        the command's stdout and stderr
//   cancel_requested  written by cancel(): the grace period in milliseconds
//   exit_status.json  {"exit_code" or "signal","cancelled",...}, written when it ends
// The start times (field 22 of /proc/PID/stat) keep a reused pid from being
// taken for the job.
//
// A job whose job.json exists but which has no pid file is queued while the
// process that launched it lives (launch() in progress), and lost when that
// process is gone (the app died between writing job.json and the supervisor's
// start). A launch() that fails after writing job.json writes an
// exit_status.json with "state":"failed" and the reason in "message".
#pragma once

#include "moecut/job_events.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

enum class JobState { Queued, Running, Succeeded, Failed, Cancelled, Lost };

std::string_view to_string(JobState s);
std::optional<JobState> parse_job_state(std::string_view s);
inline bool is_final(JobState s) { return s != JobState::Queued && s != JobState::Running; }

struct JobSpec {
    std::vector<std::string> argv;    // argv[0] is looked up on PATH
    std::vector<std::string> env;     // "KEY=VALUE" added to the app's environment
    std::filesystem::path run_dir;    // created; must not hold a job already
};

struct JobStatus {
    JobState state = JobState::Queued;
    std::optional<int> exit_code;     // when it exited
    std::optional<int> signal;        // when a signal ended it
    long pid = 0;                     // the command's pid (0 before it started)
    std::string message;              // why, for failed and lost
    std::optional<std::int64_t> started_unix_ms; // when the command started, when known
    std::optional<std::int64_t> ended_unix_ms;   // when it ended (final states but lost)
};

class JobRunner {
public:
    virtual ~JobRunner() = default;
    // Starts spec and returns its run folder, the job's name. Throws
    // InputError for a bad spec, std::system_error when it cannot start.
    virtual std::filesystem::path launch(const JobSpec& spec) = 0;
    virtual JobStatus poll(const std::filesystem::path& run_dir) = 0;
    // Asks the job to stop: SIGTERM to its process group, SIGKILL after the
    // grace period; it ends as cancelled. Returns at once.
    virtual void cancel(const std::filesystem::path& run_dir) = 0;
    // A job started by an earlier runner (an earlier run of the app): its
    // state now, and its events from the offset the app saved.
    virtual JobStatus reattach(const std::filesystem::path& run_dir) = 0;
    virtual EventFollower follow(const std::filesystem::path& run_dir, std::uint64_t offset) = 0;
};

// Runs jobs on this machine. The supervisor of each job is a fresh process,
// `SUPERVISOR job supervise RUN_DIR`, where SUPERVISOR is the moecut binary:
// nothing of the (possibly multithreaded) caller runs in a forked child.
// With an empty supervisor path the caller forks the supervisor itself, which
// launch() allows only while the caller has a single thread.
class LocalJobRunner : public JobRunner {
public:
    explicit LocalJobRunner(std::chrono::milliseconds grace = std::chrono::seconds(10),
                            std::filesystem::path supervisor = default_supervisor_program())
        : grace_(grace), supervisor_(std::move(supervisor)) {}
    // "moecut" in the folder of the running executable when it is there
    // (installed side by side with moecut-studio), else empty.
    static std::filesystem::path default_supervisor_program();
    const std::filesystem::path& supervisor_program() const { return supervisor_; }
    std::filesystem::path launch(const JobSpec& spec) override;
    JobStatus poll(const std::filesystem::path& run_dir) override;
    void cancel(const std::filesystem::path& run_dir) override;
    JobStatus reattach(const std::filesystem::path& run_dir) override;
    EventFollower follow(const std::filesystem::path& run_dir, std::uint64_t offset) override;
    // Polls until the job is final or timeout passes; returns the last status.
    JobStatus wait(const std::filesystem::path& run_dir, std::chrono::milliseconds timeout);

private:
    std::chrono::milliseconds grace_;
    std::filesystem::path supervisor_;
};

// The body of the hidden `moecut job supervise RUN_DIR`: reads RUN_DIR/job.json,
// forks the supervisor (the calling process exits 0 once it forked, so the
// supervisor is reparented), which runs the command with this process's
// environment and writes pid, events and exit_status.json. Expects stdio on
// RUN_DIR/stderr.log and fd 3 the launcher's ready pipe, as LocalJobRunner
// sets them up. Never returns; throws InputError for a bad job.json.
[[noreturn]] void run_job_supervisor(const std::filesystem::path& run_dir);

// Field 22 of /proc/PID/stat (clock ticks after boot), or nullopt when there
// is no such process or it is a zombie.
std::optional<std::uint64_t> process_start_time(long pid);
// Whether pid is alive and started at start_time.
bool process_is(long pid, std::uint64_t start_time);

} // namespace moecut

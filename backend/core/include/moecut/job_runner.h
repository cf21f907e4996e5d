// Jobs: a command run in its own run folder, followed by its files, so the app
// that started it can exit, come back and find it again.
//
// JobRunner is what the app talks to; LocalJobRunner runs jobs on this
// machine, and remote (ssh) and Slurm runners will implement the same
// interface. A job is named by its run folder. The folder holds
//   job.json          argv, environment additions, grace period (at launch)
//   pid               {"pid","start_time","supervisor_pid","supervisor_start_time"}
//   events.jsonl      the event stream (moecut/job_events.h)
//   stderr.log        the command's stdout and stderr
//   cancel_requested  written by cancel(): the grace period in milliseconds
//   exit_status.json  {"exit_code" or "signal","cancelled",...}, written when it ends
// The start times (field 22 of /proc/PID/stat) keep a reused pid from being
// taken for the job.
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

class LocalJobRunner : public JobRunner {
public:
    explicit LocalJobRunner(std::chrono::milliseconds grace = std::chrono::seconds(10)) : grace_(grace) {}
    std::filesystem::path launch(const JobSpec& spec) override;
    JobStatus poll(const std::filesystem::path& run_dir) override;
    void cancel(const std::filesystem::path& run_dir) override;
    JobStatus reattach(const std::filesystem::path& run_dir) override;
    EventFollower follow(const std::filesystem::path& run_dir, std::uint64_t offset) override;
    // Polls until the job is final or timeout passes; returns the last status.
    JobStatus wait(const std::filesystem::path& run_dir, std::chrono::milliseconds timeout);

private:
    std::chrono::milliseconds grace_;
};

// Field 22 of /proc/PID/stat (clock ticks after boot), or nullopt when there
// is no such process or it is a zombie.
std::optional<std::uint64_t> process_start_time(long pid);
// Whether pid is alive and started at start_time.
bool process_is(long pid, std::uint64_t start_time);

} // namespace moecut

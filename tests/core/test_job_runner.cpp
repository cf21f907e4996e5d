// LocalJobRunner with real child processes: success, failure, cancel (a TERM
// trap, a TERM ignored until SIGKILL), the supervisor killed (lost), reattach
// by a fresh runner, the pid reuse guard, and the real moecut binary.
#include "moecut/job_runner.h"
#include "moecut/atomic_file.h"
#include "moecut/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <thread>

using namespace moecut;
using namespace std::chrono_literals;
using moecut::test::read_text;
using moecut::test::TempDir;

namespace {

JobSpec sh(const TempDir& dir, const std::string& script, std::vector<std::string> env = {}) {
    return JobSpec{{"/bin/sh", "-c", script}, std::move(env), dir / "run"};
}

// Waits until stderr.log holds text (the job reached that point).
bool wait_for_log(const std::filesystem::path& run, const std::string& text) {
    for (int i = 0; i < 300; ++i) {
        if (std::filesystem::exists(run / "stderr.log") && read_text(run / "stderr.log").find(text) != std::string::npos)
            return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

std::vector<nlohmann::json> all_events(const std::filesystem::path& run) {
    return EventFollower(run / "events.jsonl").read().events;
}

} // namespace

TEST(JobRunner, RunsToSuccess) {
    TempDir dir;
    LocalJobRunner runner;
    const auto run = runner.launch(sh(dir, "echo hello $FOO; echo to-stderr >&2; sleep 0.3; exit 0", {"FOO=bar"}));
    EXPECT_EQ(runner.poll(run).state, JobState::Running);
    const auto pid = nlohmann::json::parse(read_text(run / "pid"));
    EXPECT_GT(pid["pid"].get<long>(), 0);
    EXPECT_GT(pid["start_time"].get<std::uint64_t>(), 0u);
    const auto s = runner.wait(run, 5s);
    EXPECT_EQ(s.state, JobState::Succeeded);
    EXPECT_EQ(s.exit_code, 0);
    EXPECT_NE(read_text(run / "stderr.log").find("hello bar\nto-stderr\n"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(run / "exit_status.json"));
    const auto ev = all_events(run);
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev.front()["event"], "start");
    EXPECT_EQ(ev.front()["version"], 1);
    EXPECT_EQ(ev.back(), (nlohmann::json{{"event", "status"}, {"state", "succeeded"}, {"exit_code", 0}}));
    EXPECT_THROW(runner.launch(sh(dir, "true")), InputError); // the folder holds a job
}

TEST(JobRunner, FailingCommandFails) {
    TempDir dir;
    LocalJobRunner runner;
    const auto run = runner.launch(sh(dir, "echo oops >&2; exit 3"));
    const auto s = runner.wait(run, 5s);
    EXPECT_EQ(s.state, JobState::Failed);
    EXPECT_EQ(s.exit_code, 3);
    EXPECT_EQ(s.message, "exit code 3");
    EXPECT_NE(read_text(run / "stderr.log").find("oops"), std::string::npos);

    TempDir dir2;
    const auto missing = runner.launch(JobSpec{{"/no/such/program"}, {}, dir2 / "run"});
    EXPECT_EQ(runner.wait(missing, 5s).exit_code, 127);
    EXPECT_THROW(runner.launch(JobSpec{{}, {}, dir2 / "empty"}), InputError);
}

TEST(JobRunner, EventsFromTheJob) {
    TempDir dir;
    LocalJobRunner runner;
    const auto run = runner.launch(
        sh(dir, R"(printf '{"event":"metric","name":"x","value":2}\n' >> "$MOECUT_EVENTS")"));
    ASSERT_EQ(runner.wait(run, 5s).state, JobState::Succeeded);
    const auto ev = all_events(run);
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(ev[1]["name"], "x");
    EXPECT_EQ(ev[2]["state"], "succeeded");
}

TEST(JobRunner, CancelJobThatTrapsTerm) {
    TempDir dir;
    LocalJobRunner runner(500ms);
    const auto run =
        runner.launch(sh(dir, "trap 'echo saved-state; exit 0' TERM; echo ready; while :; do sleep 0.05; done"));
    ASSERT_TRUE(wait_for_log(run, "ready"));
    const auto t0 = std::chrono::steady_clock::now();
    runner.cancel(run);
    const auto s = runner.wait(run, 5s);
    EXPECT_EQ(s.state, JobState::Cancelled);
    EXPECT_EQ(s.exit_code, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 450ms); // no SIGKILL needed
    EXPECT_NE(read_text(run / "stderr.log").find("saved-state"), std::string::npos);
    EXPECT_EQ(all_events(run).back()["state"], "cancelled");
    runner.cancel(run); // a finished job: nothing to do
    EXPECT_EQ(runner.poll(run).state, JobState::Cancelled);
}

TEST(JobRunner, CancelJobThatIgnoresTermKillsAfterGrace) {
    TempDir dir;
    LocalJobRunner runner(500ms);
    const auto run = runner.launch(sh(dir, "trap '' TERM; echo ready; while :; do sleep 0.05; done"));
    ASSERT_TRUE(wait_for_log(run, "ready"));
    const auto t0 = std::chrono::steady_clock::now();
    runner.cancel(run);
    EXPECT_EQ(runner.poll(run).state, JobState::Running);
    const auto s = runner.wait(run, 5s);
    EXPECT_EQ(s.state, JobState::Cancelled);
    EXPECT_EQ(s.signal, SIGKILL);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 450ms);
}

TEST(JobRunner, KilledSupervisorIsLost) {
    TempDir dir;
    LocalJobRunner runner;
    const auto run = runner.launch(sh(dir, "exec sleep 5"));
    ASSERT_EQ(runner.poll(run).state, JobState::Running);
    const auto pid = nlohmann::json::parse(read_text(run / "pid"));
    ASSERT_EQ(::kill(pid["supervisor_pid"].get<pid_t>(), SIGKILL), 0);
    const auto s = runner.wait(run, 3s);
    EXPECT_EQ(s.state, JobState::Lost);
    EXPECT_NE(s.message.find("supervisor"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(run / "exit_status.json"));
    // The command went with its supervisor.
    bool gone = false;
    for (int i = 0; i < 200 && !gone; ++i, std::this_thread::sleep_for(10ms))
        gone = !process_is(pid["pid"].get<long>(), pid["start_time"].get<std::uint64_t>());
    EXPECT_TRUE(gone);
}

TEST(JobRunner, FreshRunnerReattachesAndFollowsFromSavedOffset) {
    TempDir dir;
    std::filesystem::path run;
    std::uint64_t saved = 0;
    std::vector<std::string> messages;
    {
        LocalJobRunner app;
        run = app.launch(sh(dir, R"(for i in 1 2 3 4 5 6; do
            printf '{"event":"log","level":"info","message":"%s"}\n' $i >> "$MOECUT_EVENTS"; sleep 0.1; done)"));
        std::this_thread::sleep_for(150ms);
        auto f = app.follow(run, 0);
        for (const auto& e : f.read().events)
            if (e["event"] == "log") messages.push_back(e["message"]);
        saved = f.offset();
        EXPECT_FALSE(messages.empty());
    } // the app exits; the job goes on
    std::this_thread::sleep_for(200ms);
    LocalJobRunner reopened;
    EXPECT_EQ(reopened.reattach(run).state, JobState::Running);
    auto f = reopened.follow(run, saved);
    const auto meanwhile = f.read().events;
    EXPECT_FALSE(meanwhile.empty());
    EXPECT_EQ(reopened.wait(run, 5s).state, JobState::Succeeded);
    auto events = meanwhile;
    for (auto& e : f.read().events) events.push_back(std::move(e));
    for (const auto& e : events)
        if (e["event"] == "log") messages.push_back(e["message"]);
    EXPECT_EQ(messages, (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
    EXPECT_EQ(events.back()["state"], "succeeded");
}

TEST(JobRunner, PidReuseIsNotTheJob) {
    TempDir dir;
    const auto run = dir / "run";
    std::filesystem::create_directories(run);
    write_file_atomic(run / "job.json", R"({"argv":["x"]})");
    LocalJobRunner runner;
    EXPECT_EQ(runner.poll(run).state, JobState::Queued);
    const long self = ::getpid();
    const auto start = process_start_time(self);
    ASSERT_TRUE(start.has_value());
    auto pid_file = [&](std::uint64_t t) {
        write_file_atomic(run / "pid", nlohmann::json{{"pid", self}, {"start_time", t}, {"supervisor_pid", self},
                                                      {"supervisor_start_time", t}}
                                           .dump());
    };
    pid_file(*start);
    EXPECT_EQ(runner.poll(run).state, JobState::Running); // a live process with that start time
    pid_file(*start + 1);
    EXPECT_EQ(runner.poll(run).state, JobState::Lost); // the pid lives, but it is another process
    EXPECT_FALSE(process_start_time(0).has_value());
    EXPECT_THROW(runner.poll(dir / "nothing"), InputError);
}

TEST(JobRunner, RunsTheMoecutBinary) {
    TempDir dir;
    LocalJobRunner runner;
    const auto run = runner.launch(JobSpec{{MOECUT_BIN, "stats", "ci", "--successes", "3", "--n", "10"}, {}, dir / "run"});
    const auto s = runner.wait(run, 5s);
    EXPECT_EQ(s.state, JobState::Succeeded);
    EXPECT_NE(read_text(run / "stderr.log").find("3/10"), std::string::npos);
    const auto ev = all_events(run);
    ASSERT_GE(ev.size(), 2u);
    EXPECT_EQ(ev.front()["writer"], "runner");
    for (const auto& e : ev) EXPECT_TRUE(e["event"] == "start" || e["event"] == "progress" || e["event"] == "status");
    EXPECT_EQ(ev.back()["state"], "succeeded");
}

TEST(JobRunner, StateNames) {
    for (auto s : {JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed, JobState::Cancelled,
                   JobState::Lost})
        EXPECT_EQ(parse_job_state(to_string(s)), s);
    EXPECT_FALSE(parse_job_state("done").has_value());
}

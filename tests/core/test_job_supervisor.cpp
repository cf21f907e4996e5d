// LocalJobRunner's supervisor as a fresh process (`moecut job supervise`):
// what runs, cancel, lost, a launch that cannot start, the fork fallback
// refused in a threaded process, and a job whose launcher died before it
// started (lost, not queued forever).
#include "moecut/atomic_file.h"
#include "moecut/error.h"
#include "moecut/job_runner.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

using namespace moecut;
using namespace std::chrono_literals;
using moecut::test::read_text;
using moecut::test::TempDir;

namespace {

JobSpec sh(const std::filesystem::path& run, const std::string& script) { return JobSpec{{"/bin/sh", "-c", script}, {}, run}; }

std::string cmdline(long pid) {
    std::string s = read_text("/proc/" + std::to_string(pid) + "/cmdline");
    for (auto& c : s)
        if (c == '\0') c = ' ';
    return s;
}

long parent_of(long pid) {
    const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
    std::istringstream fields(stat.substr(stat.rfind(')') + 1));
    std::string state;
    long ppid = 0;
    fields >> state >> ppid;
    return ppid;
}

bool wait_for_log(const std::filesystem::path& run, const std::string& text) {
    for (int i = 0; i < 300; ++i, std::this_thread::sleep_for(10ms))
        if (std::filesystem::exists(run / "stderr.log") && read_text(run / "stderr.log").find(text) != std::string::npos)
            return true;
    return false;
}

} // namespace

TEST(JobSupervisor, ExecsTheMoecutBinary) {
    TempDir dir;
    LocalJobRunner runner(500ms, MOECUT_BIN);
    EXPECT_EQ(runner.supervisor_program(), MOECUT_BIN);
    const auto run = runner.launch(sh(dir / "run", "echo ready; sleep 0.3; echo $MOECUT_EVENTS"));
    ASSERT_TRUE(wait_for_log(run, "ready"));
    const auto pid = nlohmann::json::parse(read_text(run / "pid"));
    const long sup = pid["supervisor_pid"].get<long>();
    EXPECT_NE(sup, ::getpid());
    EXPECT_NE(cmdline(sup).find("job supervise " + run.string()), std::string::npos) << cmdline(sup);
    EXPECT_NE(parent_of(sup), ::getpid()); // reparented: it outlives this process
    EXPECT_NE(::getsid(static_cast<pid_t>(sup)), ::getsid(0)); // a session of its own
    const auto s = runner.wait(run, 5s);
    EXPECT_EQ(s.state, JobState::Succeeded);
    ASSERT_TRUE(s.started_unix_ms.has_value());
    ASSERT_TRUE(s.ended_unix_ms.has_value());
    EXPECT_GE(*s.ended_unix_ms - *s.started_unix_ms, 250);
    EXPECT_NE(read_text(run / "stderr.log").find((run / "events.jsonl").string()), std::string::npos);
}

TEST(JobSupervisor, CancelAndLostThroughExec) {
    TempDir dir;
    LocalJobRunner runner(300ms, MOECUT_BIN);
    const auto run = runner.launch(sh(dir / "a", "trap '' TERM; echo ready; while :; do sleep 0.05; done"));
    ASSERT_TRUE(wait_for_log(run, "ready"));
    runner.cancel(run);
    const auto s = runner.wait(run, 5s);
    EXPECT_EQ(s.state, JobState::Cancelled);
    EXPECT_EQ(s.signal, SIGKILL);

    const auto run2 = runner.launch(sh(dir / "b", "exec sleep 5"));
    const auto pid = nlohmann::json::parse(read_text(run2 / "pid"));
    ASSERT_EQ(::kill(pid["supervisor_pid"].get<pid_t>(), SIGKILL), 0);
    EXPECT_EQ(runner.wait(run2, 3s).state, JobState::Lost);
}

TEST(JobSupervisor, SupervisorThatCannotRunFailsTheLaunch) {
    TempDir dir;
    LocalJobRunner runner(1s, "/no/such/moecut");
    EXPECT_THROW(runner.launch(sh(dir / "run", "true")), std::system_error);
    const auto s = runner.poll(dir / "run"); // never queued forever
    EXPECT_EQ(s.state, JobState::Failed);
    EXPECT_NE(s.message.find("cannot start"), std::string::npos) << s.message;
}

TEST(JobSupervisor, ForkFallbackRefusedWithThreads) {
    TempDir dir;
    std::mutex m;
    std::condition_variable cv;
    bool stop = false;
    std::thread other([&] {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return stop; });
    });
    LocalJobRunner runner(1s, std::filesystem::path());
    EXPECT_THROW(runner.launch(sh(dir / "run", "true")), std::system_error);
    {
        std::lock_guard lock(m);
        stop = true;
    }
    cv.notify_one();
    other.join();
    EXPECT_EQ(runner.poll(dir / "run").state, JobState::Failed);
}

TEST(JobSupervisor, LaunchedByAGoneProcessWithoutPidIsLost) {
    TempDir dir;
    const auto run = dir / "run";
    std::filesystem::create_directories(run);
    const long self = ::getpid();
    const auto start = process_start_time(self).value();
    auto job = [&](std::uint64_t t) {
        write_file_atomic(run / "job.json",
                          nlohmann::json{{"argv", {"x"}}, {"launcher_pid", self}, {"launcher_start_time", t}}.dump());
    };
    LocalJobRunner runner;
    job(start);
    EXPECT_EQ(runner.poll(run).state, JobState::Queued); // its launcher lives: launch() in progress
    job(start + 1);
    const auto s = runner.poll(run);
    EXPECT_EQ(s.state, JobState::Lost);
    EXPECT_NE(s.message.find("never started"), std::string::npos);
}

TEST(JobSupervisor, SuperviseSubcommandNeedsAJob) {
    TempDir dir;
    std::filesystem::create_directories(dir / "run");
    const auto r = moecut::test::run_moecut({"job", "supervise", (dir / "run").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("job.json"), std::string::npos) << r.err;
    EXPECT_EQ(moecut::test::run_moecut({"--help"}).out.find("supervise"), std::string::npos);
}

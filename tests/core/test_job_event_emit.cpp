// The emit_* helpers of moecut/job_events.h: one start line per process, then
// timed metric, log and artifact events (absolute paths); ProgressReporter's
// unit and current; nothing at all without MOECUT_EVENTS.
#include "moecut/job_events.h"
#include "moecut/progress.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

using namespace moecut;
using moecut::test::TempDir;

namespace {

// Runs body in a forked child (the events writer is opened once per process).
template <class F>
void in_child(F body) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        body();
        ::_exit(0);
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
    ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

} // namespace

TEST(JobEventEmit, TimedMetricLogArtifactAndProgressFields) {
    TempDir dir;
    const auto path = dir / "events.jsonl";
    in_child([&] {
        ::setenv(kEventsEnvVar, path.c_str(), 1);
        if (::chdir(dir.path().c_str()) != 0) ::_exit(4);
        emit_metric("loop_rate", 0.25, {{"lo", 0.1}, {"hi", 0.5}, {"n", 8}, {"step", 8}});
        emit_log("warning", "careful");
        emit_artifact("results", "run/results.json");
        ProgressReporter p("eval", 4, ProgressReporter::Mode::Silent);
        p.set_unit("samples");
        p.set_current("code/p-1");
        p.update(1);
        p.finish();
    });
    const auto b = EventFollower(path).read();
    ASSERT_EQ(b.events.size(), 6u);
    EXPECT_EQ(b.events[0]["event"], "start");
    EXPECT_EQ(b.events[0]["writer"], "moecut");
    for (std::size_t i = 1; i < b.events.size(); ++i) {
        ASSERT_TRUE(b.events[i]["t"].is_number_float()) << b.events[i];
        EXPECT_GT(b.events[i]["t"].get<double>(), 1.6e9);
    }
    EXPECT_EQ(b.events[1]["name"], "loop_rate");
    EXPECT_EQ(b.events[1]["value"], 0.25);
    EXPECT_EQ(b.events[1]["lo"], 0.1);
    EXPECT_EQ(b.events[1]["hi"], 0.5);
    EXPECT_EQ(b.events[1]["step"], 8);
    EXPECT_EQ(b.events[2]["level"], "warning");
    EXPECT_EQ(b.events[3]["kind"], "results");
    EXPECT_EQ(b.events[3]["path"], (dir.path() / "run/results.json").lexically_normal().string());
    EXPECT_EQ(b.events[4]["unit"], "samples");
    EXPECT_EQ(b.events[4]["current"], "code/p-1");
    EXPECT_EQ(b.events[4]["done"], 1);
    EXPECT_EQ(b.events[5]["done"], 4);
}

TEST(JobEventEmit, NothingWithoutTheVariable) {
    TempDir dir;
    in_child([&] {
        ::unsetenv(kEventsEnvVar);
        if (process_event_writer() != nullptr) ::_exit(3);
        emit_metric("x", 1);
        emit_log("info", "y");
        emit_artifact("plan", dir / "p.json");
    });
    EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

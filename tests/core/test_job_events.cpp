// events.jsonl: the writer, the follower by byte offset (partial and torn
// lines), concurrent writers, and ProgressReporter's copy of its progress.
#include "moecut/job_events.h"
#include "moecut/progress.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <set>

using namespace moecut;
using moecut::test::TempDir;

namespace {

void append_raw(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::app | std::ios::binary);
    out << text;
}

} // namespace

TEST(JobEvents, WriterLinesAreReadBack) {
    TempDir dir;
    const auto path = dir / "events.jsonl";
    {
        EventWriter w(path);
        w.start("test");
        w.progress("prune", 1, 4);
        w.metric("loop_rate", 0.25);
        w.log("info", "line with \"quotes\"\nand a newline");
        w.artifact("checkpoint", "out/model");
        w.status("succeeded");
    }
    EventFollower f(path);
    const auto b = f.read();
    ASSERT_EQ(b.events.size(), 6u);
    EXPECT_EQ(b.skipped, 0u);
    EXPECT_EQ(b.events[0]["event"], "start");
    EXPECT_EQ(b.events[0]["version"], kJobEventsVersion);
    EXPECT_EQ(b.events[1], (nlohmann::json{{"event", "progress"}, {"step", "prune"}, {"done", 1}, {"total", 4}}));
    EXPECT_EQ(b.events[2]["value"], 0.25);
    EXPECT_EQ(b.events[3]["message"], "line with \"quotes\"\nand a newline");
    EXPECT_EQ(b.events[5]["state"], "succeeded");
    EXPECT_EQ(b.offset, std::filesystem::file_size(path));
    EXPECT_TRUE(f.read().events.empty());
}

TEST(JobEvents, PartialLineWaitsForItsEnd) {
    TempDir dir;
    const auto path = dir / "events.jsonl";
    EventFollower missing(path);
    EXPECT_TRUE(missing.read().events.empty());
    EXPECT_EQ(missing.offset(), 0u);

    const std::string first = R"({"event":"log","message":"a"})" "\n";
    append_raw(path, first + R"({"event":"log","mess)");
    EventFollower f(path);
    auto b = f.read();
    ASSERT_EQ(b.events.size(), 1u);
    EXPECT_EQ(b.offset, first.size());
    append_raw(path, R"(age":"b"})" "\n");
    // A new follower from the saved offset (as after a restart) reads the rest.
    EventFollower again(path, b.offset);
    b = again.read();
    ASSERT_EQ(b.events.size(), 1u);
    EXPECT_EQ(b.events[0]["message"], "b");
    EXPECT_EQ(b.offset, std::filesystem::file_size(path));
}

TEST(JobEvents, TornLineAfterCrashIsSkipped) {
    TempDir dir;
    const auto path = dir / "events.jsonl";
    // A writer died mid-line; the next writer's line follows on the same line.
    append_raw(path, R"({"event":"progress","do)" R"({"event":"start","version":1})" "\n"
                     R"({"event":"log","message":"after"})" "\n" "not json\n[1,2]\n\n");
    EventFollower f(path);
    const auto b = f.read();
    ASSERT_EQ(b.events.size(), 1u);
    EXPECT_EQ(b.events[0]["message"], "after");
    EXPECT_EQ(b.skipped, 3u);
    EXPECT_EQ(b.offset, std::filesystem::file_size(path));
}

TEST(JobEvents, ReplacedShorterFileIsReadFromStart) {
    TempDir dir;
    const auto path = dir / "events.jsonl";
    append_raw(path, std::string(100, ' ') + "\n");
    EventFollower f(path, 101);
    std::filesystem::remove(path);
    append_raw(path, R"({"event":"log"})" "\n");
    EXPECT_EQ(f.read().events.size(), 1u);
}

TEST(JobEvents, ConcurrentWritersInterleaveWholeLines) {
    TempDir dir;
    const auto path = dir / "events.jsonl";
    constexpr int kWriters = 4, kLines = 300;
    std::vector<pid_t> kids;
    for (int w = 0; w < kWriters; ++w) {
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            EventWriter out(path);
            for (int i = 0; i < kLines; ++i)
                out.append({{"event", "log"}, {"writer", w}, {"i", i}, {"pad", std::string(200, 'x')}});
            ::_exit(0);
        }
        kids.push_back(pid);
    }
    for (pid_t k : kids) {
        int st = 0;
        ::waitpid(k, &st, 0);
        EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    const auto b = EventFollower(path).read();
    EXPECT_EQ(b.skipped, 0u);
    ASSERT_EQ(b.events.size(), static_cast<std::size_t>(kWriters * kLines));
    std::set<std::pair<int, int>> seen;
    for (const auto& e : b.events) seen.insert({e["writer"].get<int>(), e["i"].get<int>()});
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kWriters * kLines));
}

TEST(JobEvents, ProgressReporterAppendsToMoecutEvents) {
    TempDir dir;
    const auto path = dir / "events.jsonl";
    const auto err = dir / "stderr.txt";
    // In a child: the events file is opened once per process, from its env.
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::setenv(kEventsEnvVar, path.c_str(), 1);
        std::FILE* f = std::fopen(err.c_str(), "w");
        {
            ProgressReporter p("prune", 3, ProgressReporter::Mode::JsonLines, f);
            p.update(1);
            p.update(2); // throttled
            p.update(3);
            p.finish();
            ProgressReporter q("save", 2, ProgressReporter::Mode::Silent, f);
            q.finish();
        }
        std::fclose(f);
        ::_exit(0);
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
    ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    auto b = EventFollower(path).read();
    ASSERT_EQ(b.events.size(), 4u);
    // Progress events carry their time ("t", unix seconds); the rest as on stderr.
    for (std::size_t i = 1; i < 4; ++i) {
        ASSERT_TRUE(b.events[i].contains("t") && b.events[i]["t"].is_number()) << b.events[i];
        EXPECT_GT(b.events[i]["t"].get<double>(), 1.6e9);
        b.events[i].erase("t");
    }
    EXPECT_EQ(b.events[0]["event"], "start");
    EXPECT_EQ(b.events[0]["version"], 1);
    EXPECT_EQ(b.events[0]["writer"], "moecut");
    EXPECT_EQ(b.events[1], (nlohmann::json{{"event", "progress"}, {"step", "prune"}, {"done", 1}, {"total", 3}}));
    EXPECT_EQ(b.events[2], (nlohmann::json{{"event", "progress"}, {"step", "prune"}, {"done", 3}, {"total", 3}}));
    EXPECT_EQ(b.events[3], (nlohmann::json{{"event", "progress"}, {"step", "save"}, {"done", 2}, {"total", 2}}));
    // stderr got its JSON lines as before, and nothing from the Silent one.
    std::ifstream in(err);
    int lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    EXPECT_EQ(lines, 2);
}

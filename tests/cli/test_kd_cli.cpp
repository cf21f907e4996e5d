// Router-KD as a user runs it: moecut teacher-cache (the cache it writes,
// resuming, refusing a foreign cache) and moecut kd on a pruned demo model
// (held-out KL goes down; only the gate tensors change; metric events).
#include "moecut/job_events.h"
#include "moecut/safetensors.h"
#include "moecut/teacher_cache_file.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace moecut {
namespace {

using test::run_moecut;
using test::TempDir;

std::filesystem::path demo_model() { return test::source_dir() / "resources/models/tiny-glm5-moe"; }

// The commands exist only in builds with the LibTorch engine.
bool have_command(const std::string& name) { return run_moecut({name, "--help"}).exit_code == 0; }

#define KD_REQUIRE(command)                                                \
    do {                                                                   \
        if (!have_command(command)) {                                      \
            GTEST_SKIP() << "built without the LibTorch engine";           \
        }                                                                  \
        if (!std::filesystem::exists(demo_model() / "model.safetensors")) { \
            GTEST_SKIP() << "no demo model";                               \
        }                                                                  \
    } while (false)

struct KdFixture {
    TempDir tmp;
    std::filesystem::path data = tmp / "calib.jsonl";
    std::filesystem::path cache = tmp / "cache";
    std::vector<std::vector<int>> docs;
    KdFixture() {
        std::mt19937 rng(7);
        std::string s;
        for (int i = 0; i < 12; ++i) {
            std::vector<int> ids;
            for (int t = 0; t < 40; ++t) ids.push_back(4 + static_cast<int>(rng() % 500));
            docs.push_back(ids);
            s += nlohmann::json{{"tokens", ids}}.dump() + "\n";
        }
        test::write_text(data, s);
    }
    std::vector<std::string> cache_args(const std::string& topk = "20") const {
        return {"teacher-cache", "--model", demo_model().string(), "--data", data.string(), "--out", cache.string(),
                "--seq-len", "32", "--batch", "3", "--shard-sequences", "4", "--topk", topk};
    }
    // The demo model pruned with the saliency GUI tests' demo plan, at tmp/pruned.
    std::filesystem::path pruned() const {
        const auto student = tmp / "pruned";
        const auto r = run_moecut({"prune", "--model", demo_model().string(), "--plan",
                                   (test::test_data_dir() / "saliency_gui/demo_plan.json").string(), "--out",
                                   student.string()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return student;
    }
};

TEST(TeacherCacheCli, WritesTopkOfTheTeacherForEveryPosition) {
    KD_REQUIRE("teacher-cache");
    KdFixture f;
    const auto r = run_moecut(f.cache_args());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    TeacherCacheManifest m;
    const auto seqs = read_teacher_cache(f.cache, &m);
    EXPECT_TRUE(m.complete);
    EXPECT_EQ(m.topk, 20);
    EXPECT_EQ(m.seq_len, 32);
    EXPECT_EQ(m.vocab_size, 2048);
    EXPECT_EQ(m.total_tokens, 480u);
    EXPECT_EQ(m.shards.size(), 4u);  // 15 sequences, 4 per shard
    EXPECT_EQ(m.model_fingerprint.rfind("sha256:", 0), 0u);
    ASSERT_EQ(seqs.size(), 15u);
    std::multiset<int> want, got;
    for (const auto& d : f.docs) want.insert(d.begin(), d.end());
    for (const auto& s : seqs) {
        EXPECT_LE(s.length(), 32u);
        got.insert(s.tokens.begin(), s.tokens.end());
        for (std::size_t t = 0; t < s.length(); ++t) {
            double mass = 0;
            std::set<int> ids;
            for (int j = 0; j < 20; ++j) {
                const float lp = s.logprob(t, static_cast<std::size_t>(j), 20);
                ASSERT_LE(lp, 0.0f);
                if (j > 0) {
                    ASSERT_LE(lp, s.logprob(t, static_cast<std::size_t>(j - 1), 20) + 1e-3f);
                }
                mass += std::exp(static_cast<double>(lp));
                const int id = s.topk_ids[t * 20 + static_cast<std::size_t>(j)];
                ASSERT_GE(id, 0);
                ASSERT_LT(id, 2048);
                ids.insert(id);
            }
            ASSERT_EQ(ids.size(), 20u);  // distinct ids
            ASSERT_LE(mass, 1.01);
            ASSERT_GT(mass, 0.0);
        }
    }
    EXPECT_EQ(got, want);  // every calibration token is an input, once
}

TEST(TeacherCacheCli, ResumesAfterTheLastCompleteShardWithIdenticalShards) {
    KD_REQUIRE("teacher-cache");
    KdFixture f;
    ASSERT_EQ(run_moecut(f.cache_args()).exit_code, 0);
    const auto full = read_teacher_cache_manifest(f.cache);
    // As if killed after shard 1: the manifest lists two shards, the rest is gone.
    auto cut = full;
    cut.shards.resize(2);
    cut.complete = false;
    write_teacher_cache_manifest(f.cache, cut);
    std::filesystem::remove(f.cache / full.shards[2].file);
    std::filesystem::remove(f.cache / full.shards[3].file);
    const auto r = run_moecut(f.cache_args());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("resumed after 8 sequences"), std::string::npos) << r.out;
    const auto again = read_teacher_cache_manifest(f.cache);
    EXPECT_TRUE(again.complete);
    ASSERT_EQ(again.shards.size(), full.shards.size());
    for (std::size_t i = 0; i < full.shards.size(); ++i) EXPECT_EQ(again.shards[i].sha256, full.shards[i].sha256) << i;

    // Other settings over an existing cache: refused unless --restart.
    const auto bad = run_moecut(f.cache_args("8"));
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--restart"), std::string::npos) << bad.err;
    auto args = f.cache_args("8");
    args.push_back("--restart");
    ASSERT_EQ(run_moecut(args).exit_code, 0);
    EXPECT_EQ(read_teacher_cache_manifest(f.cache).topk, 8);
}

std::vector<nlohmann::json> read_events(const std::filesystem::path& p) {
    std::vector<nlohmann::json> out;
    std::istringstream in(test::read_text(p));
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
}

TEST(KdCli, TrainsOnlyTheGatesAndLowersTheHeldOutKl) {
    KD_REQUIRE("kd");
    KdFixture f;
    ASSERT_EQ(run_moecut(f.cache_args()).exit_code, 0);
    const auto student = f.pruned();
    ASSERT_FALSE(::testing::Test::HasFailure());
    const auto out = f.tmp / "kd";
    const auto events = f.tmp / "events.jsonl";
    ::setenv(kEventsEnvVar, events.c_str(), 1);
    const auto r = run_moecut({"kd", "--student", student.string(), "--cache", f.cache.string(), "--out", out.string(),
                               "--steps", "12", "--batch", "4", "--lr", "1e-3", "--holdout", "0.2"});
    ::unsetenv(kEventsEnvVar);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(held-out KL ([0-9.]+) -> ([0-9.]+))"))) << r.out;
    const double before = std::stod(m[1]), after = std::stod(m[2]);
    EXPECT_GT(before, 0.0);
    EXPECT_LT(after, before);

    // Every tensor but the gates is bit-identical; the gates changed.
    const auto a = SafetensorsFile::open(student / "model.safetensors");
    const auto b = SafetensorsFile::open(out / "model.safetensors");
    ASSERT_EQ(a.tensors().size(), b.tensors().size());
    const std::regex gate(R"(model\.layers\.\d+\.mlp\.gate\.weight)");
    int gates = 0, same = 0;
    for (const auto& t : a.tensors()) {
        const auto* u = b.find(t.name);
        ASSERT_NE(u, nullptr) << t.name;
        const auto x = a.bytes(t), y = b.bytes(*u);
        ASSERT_EQ(x.size(), y.size()) << t.name;
        const bool equal = std::equal(x.begin(), x.end(), y.begin());
        if (std::regex_match(t.name, gate) && r.out.find(t.name) != std::string::npos) {
            ++gates;
            EXPECT_FALSE(equal) << t.name << " did not change";
        } else {
            ++same;
            EXPECT_TRUE(equal) << t.name << " changed";
        }
    }
    EXPECT_EQ(gates, 4);
    EXPECT_GT(same, 100);
    EXPECT_EQ(test::read_text(student / "config.json"), test::read_text(out / "config.json"));

    std::set<std::string> names;
    int steps = 0;
    for (const auto& e : read_events(events))
        if (e.value("event", "") == "metric") {
            names.insert(e.value("name", ""));
            if (e.value("name", "") == "kd_kl") ++steps;
        }
    EXPECT_EQ(steps, 12);
    for (const char* n : {"kd_loss", "kd_top1_agreement", "kd_router_entropy", "kd_heldout_kl"})
        EXPECT_TRUE(names.count(n)) << n;

    // Output folder already there: bad input.
    const auto again = run_moecut({"kd", "--student", student.string(), "--cache", f.cache.string(), "--out",
                                   out.string(), "--steps", "1"});
    EXPECT_EQ(again.exit_code, 2);
}

} // namespace
} // namespace moecut

namespace moecut {
namespace {

TEST(KdCli, ResumesFromASavedPointWithIdenticalResults) {
    KD_REQUIRE("kd");
    KdFixture f;
    ASSERT_EQ(run_moecut(f.cache_args()).exit_code, 0);
    const auto student = f.pruned();
    ASSERT_FALSE(::testing::Test::HasFailure());
    auto args = [&](const std::filesystem::path& out) {
        return std::vector<std::string>{"kd", "--student", student.string(), "--cache", f.cache.string(), "--out",
                                        out.string(), "--steps", "7", "--batch", "3", "--lr", "1e-3",
                                        "--checkpoint-every", "2", "--seed", "5"};
    };
    const auto whole = f.tmp / "whole", split = f.tmp / "split";
    ASSERT_EQ(run_moecut(args(whole)).exit_code, 0);
    EXPECT_FALSE(std::filesystem::exists(whole.string() + ".state"));

    auto stop = args(split);
    stop.insert(stop.end(), {"--stop-after", "4"});
    const auto s = run_moecut(stop);
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_FALSE(std::filesystem::exists(split));
    EXPECT_TRUE(std::filesystem::exists(split.string() + ".state/step-00000004/optimizer.pt"));

    // Other settings over the saved point: refused.
    auto other = args(split);
    other[other.size() - 1] = "6";  // --seed
    EXPECT_EQ(run_moecut(other).exit_code, 2);

    const auto r = run_moecut(args(split));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("resumed after step 4"), std::string::npos) << r.out;
    EXPECT_EQ(test::read_text(whole / "model.safetensors"), test::read_text(split / "model.safetensors"));
    EXPECT_FALSE(std::filesystem::exists(split.string() + ".state"));
}

} // namespace
} // namespace moecut

namespace moecut {
namespace {

// SIGTERM mid-training: exit 143 with a resume point; the rerun's output is
// the uninterrupted run's, byte for byte.
TEST(KdCli, SigtermSavesAResumePoint) {
    KD_REQUIRE("kd");
    KdFixture f;
    ASSERT_EQ(run_moecut(f.cache_args()).exit_code, 0);
    const auto student = f.pruned();
    ASSERT_FALSE(::testing::Test::HasFailure());
    auto args = [&](const std::filesystem::path& out) {
        return std::vector<std::string>{"kd", "--student", student.string(), "--cache", f.cache.string(), "--out",
                                        out.string(), "--steps", "24", "--batch", "1", "--lr", "1e-3"};
    };
    const auto whole = f.tmp / "whole", cut = f.tmp / "cut";
    ASSERT_EQ(run_moecut(args(whole)).exit_code, 0);

    const auto events = f.tmp / "events.jsonl";
    ::setenv(kEventsEnvVar, events.c_str(), 1);
    std::vector<std::string> argv_s{MOECUT_BIN};
    for (const auto& x : args(cut)) argv_s.push_back(x);
    std::vector<char*> argv;
    for (auto& x : argv_s) argv.push_back(x.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, MOECUT_BIN, &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::unsetenv(kEventsEnvVar);
    ASSERT_EQ(rc, 0);
    // Wait for the first training step's metric: the handler is in place.
    bool training = false;
    for (int i = 0; i < 3000 && !training; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (std::filesystem::exists(events)) training = test::read_text(events).find("\"kd_kl\"") != std::string::npos;
    }
    ::kill(pid, SIGTERM);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(training);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    EXPECT_EQ(WEXITSTATUS(status), 143);
    EXPECT_FALSE(std::filesystem::exists(cut));
    EXPECT_TRUE(std::filesystem::is_directory(cut.string() + ".state"));

    const auto r = run_moecut(args(cut));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("resumed after step"), std::string::npos) << r.out;
    EXPECT_EQ(test::read_text(whole / "model.safetensors"), test::read_text(cut / "model.safetensors"));
}

} // namespace
} // namespace moecut

namespace moecut {
namespace {

// --eval-every N: held-out KL and agreement as metric events at step 0, every N
// steps and the end. --device with a list splits the student's layers over the
// devices (a model bigger than one GPU); two CPU entries exercise that path and
// give the one-device bytes. The layer objective refuses a device list.
TEST(KdCli, EvalEveryAndLayerPlacement) {
    KD_REQUIRE("kd");
    KdFixture f;
    ASSERT_EQ(run_moecut(f.cache_args()).exit_code, 0);
    const auto student = f.pruned();
    ASSERT_FALSE(::testing::Test::HasFailure());
    auto kd = [&](const std::string& out, const std::string& device) {
        return run_moecut({"kd", "--student", student.string(), "--cache", f.cache.string(), "--out",
                           (f.tmp / out).string(), "--steps", "4", "--batch", "2", "--lr", "1e-3", "--holdout", "0.2",
                           "--eval-every", "2", "--device", device});
    };
    const auto events = f.tmp / "events.jsonl";
    ::setenv(kEventsEnvVar, events.c_str(), 1);
    const auto one = kd("one", "cpu");
    ::unsetenv(kEventsEnvVar);
    ASSERT_EQ(one.exit_code, 0) << one.err;
    std::vector<int> at;
    for (const auto& e : read_events(events))
        if (e.value("event", "") == "metric" && e.value("name", "") == "kd_heldout_kl") at.push_back(e.value("step", -1));
    EXPECT_EQ(at, (std::vector<int>{0, 2, 4}));

    const auto split = kd("split", "cpu,cpu");
    ASSERT_EQ(split.exit_code, 0) << split.err;
    EXPECT_EQ(test::read_text(f.tmp / "one/model.safetensors"), test::read_text(f.tmp / "split/model.safetensors"));

    const auto layer = run_moecut({"kd", "--student", student.string(), "--cache", f.cache.string(), "--out",
                                   (f.tmp / "layer").string(), "--objective", "layer", "--teacher",
                                   demo_model().string(), "--device", "cpu,cpu"});
    EXPECT_EQ(layer.exit_code, 2);
    EXPECT_NE(layer.err.find("one device"), std::string::npos) << layer.err;
    EXPECT_EQ(kd("bad", "cpu,gpu").exit_code, 2);
}

} // namespace
} // namespace moecut

// moecut eval and moecut sweep on the shipped demo model (the real runtime,
// real SQLite, the real binary): the tables and files, a SIGKILLed run that
// resumes to the same results, a sweep, and one-line errors with exit 2.
#include "test_support.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace moecut {
namespace {

using test::run_moecut;
using test::run_program;
using test::TempDir;

const std::filesystem::path kModel = test::source_dir() / "resources/models/tiny-glm5-moe";

// The first n probes of the shipped held-out set, plus a chat probe.
std::filesystem::path probes(const TempDir& dir, int n) {
    std::ifstream in(test::source_dir() / "resources/corpus/probes.jsonl");
    std::string line, text;
    for (int i = 0; i < n && std::getline(in, line); ++i) text += line + "\n";
    text += R"({"id": "chat-1", "source": "chat", "messages": [{"role": "user", "content": "Write a haiku about rivers."}]})"
            "\n";
    const auto path = dir / "probes.jsonl";
    test::write_text(path, text);
    return path;
}

std::vector<std::string> eval_args(const std::filesystem::path& probes, const std::filesystem::path& out, int n) {
    return {"eval", "--model", kModel.string(), "--probes", probes.string(), "--n", std::to_string(n), "--cap", "40",
            "--batch-size", "3", "--seed", "5", "--out", out.string()};
}

// samples.jsonl without the timing fields (wall clock differs between runs).
std::string outcomes(const std::filesystem::path& rundir) {
    std::istringstream in(test::read_text(rundir / "samples.jsonl"));
    std::string line, out;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line);
        j.erase("ttft_s");
        j.erase("total_s");
        out += j.dump() + "\n";
    }
    return out;
}

TEST(EvalCli, RunsTheDemoModelAndWritesTablesAndRecords) {
    TempDir dir;
    const auto p = probes(dir, 8);
    const auto r = run_moecut(eval_args(p, dir / "run", 6));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("| model/config | n | loop rate | 95% CI (Clopper-Pearson) | EOS rate | distinct-4 | median tokens |"),
              std::string::npos) << r.out;
    EXPECT_NE(r.out.find("| run | 6 |"), std::string::npos) << r.out;
    const auto results = nlohmann::json::parse(test::read_text(dir / "run" / "results.json"));
    const auto& all = results["metrics"]["overall"];
    EXPECT_EQ(all["samples"], 6);
    EXPECT_EQ(all["loops"].get<int>() + all["eos"].get<int>() + all["runaways"].get<int>(), all["valid"].get<int>());
    EXPECT_EQ(results["identity"]["backend"]["kind"], "builtin");
    EXPECT_EQ(results["identity"]["sampler"]["temperature"], 1.0);  // raw sampling by default
    EXPECT_EQ(results["identity"]["detector"]["window"], 512);
    // </think> of the demo tokenizer arms the reasoning-restart detector.
    EXPECT_EQ(results["identity"]["detector"]["think_end_ids"].size(), 1u);
    std::istringstream lines(test::read_text(dir / "run" / "samples.jsonl"));
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        const auto j = nlohmann::json::parse(line);
        EXPECT_LE(j["n_tokens"].get<int>(), 40);
        EXPECT_EQ(j["tokens"].size(), j["n_tokens"].get<std::size_t>());
        if (j["outcome"] == "runaway") EXPECT_EQ(j["n_tokens"], 40);
        if (j["outcome"] == "eos") EXPECT_EQ(j["finish_reason"], "eos");
        ++count;
    }
    EXPECT_EQ(count, 6);
    EXPECT_TRUE(std::filesystem::exists(dir / "run" / "report.md"));
}

TEST(EvalCli, KilledRunResumesToTheSameResults) {
    TempDir dir;
    const auto p = probes(dir, 12);
    auto args = eval_args(p, dir / "full", 9);
    args.push_back("--json");
    const auto full = run_moecut(args);
    ASSERT_EQ(full.exit_code, 0) << full.err;

    std::vector<std::string> env = {"MOECUT_TEST_KILL_AFTER_CHUNKS=1", MOECUT_BIN};
    auto killed_args = eval_args(p, dir / "resumed", 9);
    killed_args.push_back("--json");
    env.insert(env.end(), killed_args.begin(), killed_args.end());
    const auto killed = run_program("/usr/bin/env", env);
    ASSERT_EQ(killed.exit_code, 128 + 9) << killed.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "resumed" / "results.json"));
    const auto resumed = run_moecut(killed_args);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_NE(resumed.err.find("(6 generated now)"), std::string::npos) << resumed.err;  // 3 of 9 were stored
    auto a = nlohmann::json::parse(full.out), b = nlohmann::json::parse(resumed.out);
    a.erase("name");
    b.erase("name");
    EXPECT_EQ(a, b);
    EXPECT_EQ(outcomes(dir / "full"), outcomes(dir / "resumed"));
}

TEST(EvalCli, SweepComparesCellsToTheRawCell) {
    TempDir dir;
    const auto p = probes(dir, 6);
    const auto r = run_moecut({"sweep", "--model", kModel.string(), "--probes", p.string(), "--n", "4", "--cap", "24",
                               "--batch-size", "4", "--detector-config", R"({"window": 64, "min_tokens": 16})", "--grid",
                               "min_p=0,0.2", "rep_pen=1,1.3", "--out", (dir / "sweep").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("| min_p=0,rep_pen=1 | 4 |"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("| min_p=0.2,rep_pen=1.3 | 4 |"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Holm"), std::string::npos) << r.out;
    const auto j = nlohmann::json::parse(test::read_text(dir / "sweep" / "results.json"));
    EXPECT_EQ(j["cells"].size(), 4u);
    const auto cell = nlohmann::json::parse(test::read_text(dir / "sweep" / "cells" / "min_p=0.2,rep_pen=1.3" / "results.json"));
    EXPECT_DOUBLE_EQ(cell["identity"]["sampler"]["min_p"].get<double>(), 0.2);
    EXPECT_DOUBLE_EQ(cell["identity"]["sampler"]["repetition_penalty"].get<double>(), 1.3);
    EXPECT_EQ(cell["identity"]["detector"]["window"], 64);
    EXPECT_EQ(cell["identity"]["detector"]["min_tokens"], 16);
}

TEST(EvalCli, ReportTestsRunsAgainstTheFirst) {
    TempDir dir;
    const auto p = probes(dir, 5);
    ASSERT_EQ(run_moecut(eval_args(p, dir / "raw", 4)).exit_code, 0);
    auto guarded = eval_args(p, dir / "guarded", 4);
    guarded.insert(guarded.end(), {"--min-p", "0.2", "--name", "guarded", "--baseline", (dir / "raw").string()});
    const auto g = run_moecut(guarded);
    ASSERT_EQ(g.exit_code, 0) << g.err;
    EXPECT_NE(g.out.find("| raw | 4 |"), std::string::npos) << g.out;
    const auto r = run_moecut({"eval-report", (dir / "raw").string(), (dir / "guarded").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("| vs raw |"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("| guarded | 4 |"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("(McNemar), Holm"), std::string::npos) << r.out;  // same probes and seeds: paired
    const auto missing = run_moecut({"eval-report", (dir / "nothing").string()});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("not an evaluation run folder"), std::string::npos) << missing.err;
}

TEST(EvalCli, BadInputIsOneLineAndExitTwo) {
    TempDir dir;
    const auto p = probes(dir, 4);
    auto expect_bad = [&](std::vector<std::string> args, const std::string& text) {
        const auto r = run_moecut(args);
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    };
    expect_bad({"eval", "--probes", p.string(), "--out", (dir / "x").string()}, "give exactly one of --model and --endpoint");
    expect_bad({"eval", "--model", kModel.string(), "--probes", (dir / "none.jsonl").string(), "--out", (dir / "x").string()},
               "none.jsonl: cannot open the probe file");
    test::write_text(dir / "bad.jsonl", "{\"prompt\": \"a\", \"source\": \"s\"}\nnot json\n");
    expect_bad({"eval", "--model", kModel.string(), "--probes", (dir / "bad.jsonl").string(), "--out", (dir / "x").string()},
               "bad.jsonl:2: not a JSON object");
    expect_bad({"eval", "--model", kModel.string(), "--probes", p.string(), "--min-p", "1.5", "--out", (dir / "x").string()},
               "min_p");
    expect_bad({"eval", "--model", kModel.string(), "--probes", p.string(), "--detector-config", "{\"window\": 2}",
                "--out", (dir / "x").string()},
               "--detector-config:");
    expect_bad({"sweep", "--model", kModel.string(), "--probes", p.string(), "--grid", "foo=1", "--out", (dir / "x").string()},
               "--grid: unknown key 'foo'");
    // The same folder with another cap is another run: refused, nothing changed.
    ASSERT_EQ(run_moecut(eval_args(p, dir / "run", 2)).exit_code, 0);
    auto other = eval_args(p, dir / "run", 2);
    other[8] = "41";  // --cap
    expect_bad(other, "holds samples of a different run ('cap' differs)");
}

} // namespace
} // namespace moecut

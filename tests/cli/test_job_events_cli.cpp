// What moecut's commands append to MOECUT_EVENTS for the live monitor
// (moecut/job_events.h): eval's progress with unit and current probe, its
// metric events with their 95% intervals as samples land, its artifacts and
// log lines; plan's and prune's artifacts and prune's byte progress. The real
// binary on the shipped demo model and a tiny checkpoint.
#include "moecut/arch.h"
#include "moecut/job_events.h"
#include "moecut/saliency_file.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <map>

namespace moecut {
namespace {

using test::run_moecut;
using test::TempDir;

// Runs moecut with MOECUT_EVENTS=events and returns the events it appended.
std::vector<nlohmann::json> run_with_events(const std::vector<std::string>& args, const std::filesystem::path& events,
                                            test::CliResult* result = nullptr) {
    ::setenv(kEventsEnvVar, events.c_str(), 1);
    const auto r = run_moecut(args);
    ::unsetenv(kEventsEnvVar);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (result) *result = r;
    EventFollower follower(events);
    auto batch = follower.read();
    EXPECT_EQ(batch.skipped, 0u);
    return batch.events;
}

std::vector<nlohmann::json> of_kind(const std::vector<nlohmann::json>& events, const std::string& kind) {
    std::vector<nlohmann::json> out;
    for (const auto& e : events)
        if (e.value("event", "") == kind) out.push_back(e);
    return out;
}

TEST(JobEventsCli, EvalWritesProgressMetricsWithIntervalsArtifactsAndLogs) {
    TempDir dir;
    std::ifstream in(test::source_dir() / "resources/corpus/probes.jsonl");
    std::string line, text;
    for (int i = 0; i < 5 && std::getline(in, line); ++i) text += line + "\n";
    test::write_text(dir / "probes.jsonl", text);
    const auto run = dir / "run";
    const auto events = run_with_events({"eval", "--model", (test::source_dir() / "resources/models/tiny-glm5-moe").string(),
                                         "--probes", (dir / "probes.jsonl").string(), "--n", "4", "--cap", "24",
                                         "--batch-size", "2", "--seed", "3", "--out", run.string()},
                                        dir / "events.jsonl");
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front()["event"], "start");
    EXPECT_EQ(events.front()["version"], kJobEventsVersion);

    const auto progress = of_kind(events, "progress");
    ASSERT_FALSE(progress.empty());
    for (const auto& p : progress) {
        EXPECT_EQ(p["step"], "eval");
        EXPECT_EQ(p["unit"], "samples");
        EXPECT_EQ(p["total"], 4);
        EXPECT_TRUE(p["t"].is_number()) << p;
    }
    EXPECT_EQ(progress.back()["done"], 4);
    EXPECT_TRUE(progress.back().contains("current")) << progress.back();  // "<source>/<probe id>"
    EXPECT_NE(progress.back()["current"].get<std::string>().find('/'), std::string::npos);

    const auto metrics = of_kind(events, "metric");
    std::map<std::string, std::vector<nlohmann::json>> by_name;
    for (const auto& m : metrics) by_name[m["name"].get<std::string>()].push_back(m);
    for (const char* name : {"loop_rate", "eos_rate", "runaway_rate"}) {
        ASSERT_FALSE(by_name[name].empty()) << name;
        double last_step = 0;
        for (const auto& m : by_name[name]) {
            const double v = m["value"], lo = m["lo"], hi = m["hi"];
            EXPECT_LE(lo, v) << m;
            EXPECT_LE(v, hi) << m;
            EXPECT_GE(lo, 0.0);
            EXPECT_LE(hi, 1.0);
            EXPECT_GE(m["step"].get<double>(), last_step);  // samples done, as they land
            last_step = m["step"];
            EXPECT_EQ(m["run"], "run");
            EXPECT_GE(m["n"].get<int>(), 1);
        }
        EXPECT_EQ(last_step, 4.0) << name;
    }
    ASSERT_FALSE(by_name["mean_tokens"].empty());
    EXPECT_LE(by_name["mean_tokens"].back()["value"].get<double>(), 24.0);
    // The last interval is the one results.json reports.
    const auto results = nlohmann::json::parse(test::read_text(run / "results.json"));
    const auto& lr = results["metrics"]["overall"]["loop_rate"];
    EXPECT_DOUBLE_EQ(by_name["loop_rate"].back()["value"].get<double>(), lr["rate"].get<double>());
    EXPECT_DOUBLE_EQ(by_name["loop_rate"].back()["lo"].get<double>(), lr["lower"].get<double>());
    EXPECT_DOUBLE_EQ(by_name["loop_rate"].back()["hi"].get<double>(), lr["upper"].get<double>());

    std::map<std::string, std::string> artifacts;
    for (const auto& a : of_kind(events, "artifact")) artifacts[a["kind"]] = a["path"];
    ASSERT_TRUE(artifacts.count("results"));
    EXPECT_TRUE(std::filesystem::path(artifacts["results"]).is_absolute());
    EXPECT_TRUE(std::filesystem::equivalent(artifacts["results"], run / "results.json"));
    EXPECT_TRUE(std::filesystem::equivalent(artifacts["report"], run / "report.md"));
    EXPECT_TRUE(std::filesystem::equivalent(artifacts["samples"], run / "samples.jsonl"));

    const auto logs = of_kind(events, "log");
    ASSERT_GE(logs.size(), 2u);
    EXPECT_NE(logs.back()["message"].get<std::string>().find("loop rate"), std::string::npos) << logs.back();

    // Rerun on the finished run: nothing to generate; the stored samples still give the metrics.
    const auto again = run_with_events({"eval", "--model", (test::source_dir() / "resources/models/tiny-glm5-moe").string(),
                                        "--probes", (dir / "probes.jsonl").string(), "--n", "4", "--cap", "24",
                                        "--batch-size", "2", "--seed", "3", "--out", run.string()},
                                       dir / "events2.jsonl");
    const auto m2 = of_kind(again, "metric");
    ASSERT_FALSE(m2.empty());
    EXPECT_EQ(m2.front()["step"], 4);
}

TEST(JobEventsCli, PlanAndPruneWriteArtifactsAndByteProgress) {
    TempDir tmp;
    const auto src = tmp / "src";
    ASSERT_EQ(run_moecut({"make-tiny", "--family", "mixtral", "--out", src.string(), "--seed", "5"}).exit_code, 0);
    const ArchDescriptor a = ArchDescriptor::from_file(src / "config.json");
    SaliencyTable t;
    t.layers = a.moe_layers();
    t.experts = a.router.n_experts;
    t.top_k = a.router.top_k;
    t.model_type = "mixtral";
    SaliencySums s;
    s.resize(t.rows(), static_cast<std::size_t>(t.experts));
    for (std::size_t i = 0; i < s.count.size(); ++i) {
        s.count[i] = 10;
        s.reap_sum[i] = static_cast<double>(i % 7);
        s.norm_max[i] = 1;
    }
    t.set_domain("all", s, 40);
    write_saliency_file(tmp / "sal.safetensors", t);

    const auto plan_events = run_with_events({"plan", "--saliency", (tmp / "sal.safetensors").string(), "--keep",
                                              std::to_string(t.experts / 2), "--out", (tmp / "PLAN.json").string()},
                                             tmp / "plan-events.jsonl");
    const auto plan_artifacts = of_kind(plan_events, "artifact");
    ASSERT_EQ(plan_artifacts.size(), 1u);
    EXPECT_EQ(plan_artifacts[0]["kind"], "plan");
    EXPECT_TRUE(std::filesystem::equivalent(plan_artifacts[0]["path"].get<std::string>(), tmp / "PLAN.json"));
    EXPECT_FALSE(of_kind(plan_events, "log").empty());

    const auto prune_events = run_with_events({"prune", "--model", src.string(), "--plan", (tmp / "PLAN.json").string(),
                                               "--out", (tmp / "out").string()},
                                              tmp / "prune-events.jsonl");
    const auto progress = of_kind(prune_events, "progress");
    ASSERT_FALSE(progress.empty());
    for (const auto& p : progress) EXPECT_EQ(p["unit"], "bytes");
    EXPECT_EQ(progress.back()["done"], progress.back()["total"]);
    EXPECT_GT(progress.back()["total"].get<std::uint64_t>(), 0u);
    const auto artifacts = of_kind(prune_events, "artifact");
    ASSERT_EQ(artifacts.size(), 1u);
    EXPECT_EQ(artifacts[0]["kind"], "checkpoint");
    EXPECT_TRUE(std::filesystem::equivalent(artifacts[0]["path"].get<std::string>(), tmp / "out"));
}

} // namespace
} // namespace moecut

// The evaluation harness without a model: probe files and their selection,
// the SQLite sample store, metrics and comparisons, and a run that is killed
// halfway and resumed. The backend here is a scripted generator whose output
// depends only on each sample's seed (the property the real backends keep);
// the built-in and HTTP backends have their own tests.
#include "moecut/error.h"
#include "moecut/eval_metrics.h"
#include "moecut/eval_probes.h"
#include "moecut/eval_report.h"
#include "moecut/eval_runner.h"
#include "moecut/eval_store.h"
#include "moecut/stats/interval.h"
#include "moecut/stats/mcnemar.h"
#include "test_support.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

namespace moecut {
namespace {

using test::TempDir;
using test::write_text;

std::string probe_lines(int n) {
    std::string s;
    for (int i = 0; i < n; ++i)
        s += fmt::format("{{\"id\": \"p{}\", \"source\": \"{}\", \"prompt\": \"prompt {}\"}}\n", i,
                         i % 3 == 0 ? "code" : "prose", i);
    return s;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(EvalProbes, LoadsPromptsAndMessagesAndNamesBadLines) {
    TempDir dir;
    write_text(dir / "p.jsonl", "{\"prompt\": \"a\", \"source\": \"s\"}\n\n"
                                "{\"id\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"source\": \"chat\"}\n");
    const auto probes = load_probes(dir / "p.jsonl");
    ASSERT_EQ(probes.size(), 2u);
    EXPECT_EQ(probes[0].id, "s-1");
    EXPECT_EQ(*probes[0].prompt, "a");
    EXPECT_FALSE(probes[1].prompt);
    EXPECT_EQ(probes[1].messages[0]["content"], "hi");

    write_text(dir / "bad.jsonl", "{\"prompt\": \"a\", \"source\": \"s\"}\n{\"prompt\": \"b\"}\n");
    EXPECT_EQ(error_of([&] { load_probes(dir / "bad.jsonl"); }),
              (dir / "bad.jsonl").string() + ":2: missing string field 'source'");
    write_text(dir / "dup.jsonl", "{\"id\": \"x\", \"prompt\": \"a\", \"source\": \"s\"}\n"
                                  "{\"id\": \"x\", \"prompt\": \"b\", \"source\": \"s\"}\n");
    EXPECT_EQ(error_of([&] { load_probes(dir / "dup.jsonl"); }), (dir / "dup.jsonl").string() + ":2: duplicate id 'x'");
    write_text(dir / "both.jsonl", "{\"prompt\": \"a\", \"messages\": [], \"source\": \"s\"}\n");
    EXPECT_NE(error_of([&] { load_probes(dir / "both.jsonl"); }).find(":1: needs exactly one of"), std::string::npos);
}

TEST(EvalProbes, SelectionIsDeterministicNestedAndSeeded) {
    TempDir dir;
    write_text(dir / "p.jsonl", probe_lines(50));
    const auto all = load_probes(dir / "p.jsonl");
    const auto a = select_probes(all, 10, 7), b = select_probes(all, 10, 7), big = select_probes(all, 20, 7);
    const auto other = select_probes(all, 10, 8);
    std::vector<std::string> ia, ib, ibig, iother;
    for (auto& p : a) ia.push_back(p.id);
    for (auto& p : b) ib.push_back(p.id);
    for (auto& p : big) ibig.push_back(p.id);
    for (auto& p : other) iother.push_back(p.id);
    EXPECT_EQ(ia, ib);
    EXPECT_EQ(ia, std::vector<std::string>(ibig.begin(), ibig.begin() + 10));  // nested
    EXPECT_NE(ia, iother);
    EXPECT_EQ(select_probes(all, 0, 7).size(), 50u);
    // The selection does not depend on the order of lines in the file.
    auto reversed = all;
    std::reverse(reversed.begin(), reversed.end());
    std::vector<std::string> ir;
    for (auto& p : select_probes(reversed, 10, 7)) ir.push_back(p.id);
    EXPECT_EQ(ia, ir);
}

SampleRecord record(std::string id, std::uint32_t k, Outcome o, std::vector<std::int64_t> tokens, std::string source = "s") {
    SampleRecord r;
    r.probe_id = std::move(id);
    r.sample_index = k;
    r.source = std::move(source);
    r.outcome = o;
    r.tokens = std::move(tokens);
    r.n_tokens = static_cast<std::int64_t>(r.tokens.size());
    return r;
}

TEST(EvalStore, RoundTripsRecordsAndRefusesAnotherRunsIdentity) {
    TempDir dir;
    const nlohmann::ordered_json id = {{"cap", 64}, {"seed", 1}};
    {
        EvalStore store(dir / "s.sqlite", id);
        auto r = record("a", 0, Outcome::loop, {5, 6, 7, 5, 6, 7});
        r.loop_kind = "cycle";
        r.loop_period = 3;
        r.loop_start = 0;
        r.seed = 0xfedcba9876543210ULL;  // above INT64_MAX: stored as its bit pattern
        r.text = "x\ny";
        r.ttft_s = 0.25;
        store.put(std::vector{r, record("b", 1, Outcome::eos, {})});
        EXPECT_TRUE(store.has("a", 0));
        EXPECT_FALSE(store.has("a", 1));
    }
    EvalStore again(dir / "s.sqlite", id);
    const auto all = again.all();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].tokens, (std::vector<std::int64_t>{5, 6, 7, 5, 6, 7}));
    EXPECT_EQ(all[0].seed, 0xfedcba9876543210ULL);
    EXPECT_EQ(all[0].loop_period, 3);
    EXPECT_EQ(all[0].text, "x\ny");
    EXPECT_EQ(all[0].ttft_s, 0.25);
    EXPECT_EQ(all[1].outcome, Outcome::eos);
    EXPECT_TRUE(all[1].tokens.empty());
    const auto msg = error_of([&] { EvalStore other(dir / "s.sqlite", {{"cap", 128}, {"seed", 1}}); });
    EXPECT_EQ(msg, (dir / "s.sqlite").string() + ": holds samples of a different run ('cap' differs); use another --out");
}

TEST(EvalMetrics, CountsRatesOverValidSamplesPerSource) {
    std::vector<SampleRecord> rs;
    for (int i = 0; i < 10; ++i) rs.push_back(record("e" + std::to_string(i), 0, Outcome::eos, {1, 2, 3, 4, 5}, "code"));
    for (int i = 0; i < 3; ++i) rs.push_back(record("l" + std::to_string(i), 0, Outcome::loop, {1, 2, 1, 2, 1, 2, 1, 2}, "prose"));
    rs.push_back(record("r", 0, Outcome::runaway, std::vector<std::int64_t>(20, 9), "prose"));
    rs.push_back(record("t", 0, Outcome::timeout, {}, "prose"));
    rs.push_back(record("x", 0, Outcome::error, {}, "code"));
    const auto m = compute_metrics(rs);
    EXPECT_EQ(m.overall.samples, 16u);
    EXPECT_EQ(m.overall.valid, 14u);
    EXPECT_EQ(m.overall.loops, 3u);
    const auto expect = stats::clopper_pearson(3, 14);
    EXPECT_DOUBLE_EQ(m.overall.loop_rate->rate, 3.0 / 14);
    EXPECT_DOUBLE_EQ(m.overall.loop_rate->lower, expect.lower);
    EXPECT_DOUBLE_EQ(m.overall.loop_rate->upper, expect.upper);
    EXPECT_DOUBLE_EQ(m.overall.eos_rate->rate, 10.0 / 14);
    EXPECT_DOUBLE_EQ(m.overall.runaway_rate->rate, 1.0 / 14);
    EXPECT_DOUBLE_EQ(*m.overall.median_tokens, 5.0);
    // distinct-4: 10 x 1.0 (2 of 2), 3 x 2/5 (1 2 1 2 | 2 1 2 1), 1 x 1/17.
    EXPECT_NEAR(*m.overall.distinct4, (10 * 1.0 + 3 * 0.4 + 1.0 / 17) / 14, 1e-12);
    ASSERT_EQ(m.sources.size(), 2u);
    EXPECT_EQ(m.sources[0].group, "code");
    EXPECT_EQ(m.sources[0].valid, 10u);
    EXPECT_DOUBLE_EQ(m.sources[0].loop_rate->rate, 0.0);
    EXPECT_EQ(m.sources[1].loops, 3u);
    const auto w = compute_metrics(rs, stats::IntervalMethod::wilson);
    EXPECT_DOUBLE_EQ(w.overall.loop_rate->lower, stats::wilson(3, 14).lower);
    const std::string md = markdown_sources(m);
    EXPECT_NE(md.find("| code | 10 | 0.0% |"), std::string::npos) << md;
    EXPECT_NE(md.find("| **all** | 14 | 21.4% | [4.7, 50.8] | 71.4% |"), std::string::npos) << md;
}

TEST(EvalMetrics, ComparisonIsPairedOnSharedKeys) {
    std::vector<SampleRecord> base, cand, other;
    for (int i = 0; i < 40; ++i) {
        const auto id = "p" + std::to_string(i);
        base.push_back(record(id, 0, i < 4 ? Outcome::loop : Outcome::eos, {}));
        cand.push_back(record(id, 0, (i < 2 || (i >= 10 && i < 20)) ? Outcome::loop : Outcome::eos, {}));
        other.push_back(record("q" + std::to_string(i), 0, i < 12 ? Outcome::loop : Outcome::eos, {}));
    }
    const auto c = compare_runs(base, cand);
    EXPECT_TRUE(c.paired);
    EXPECT_EQ(c.pairs, 40u);
    EXPECT_EQ(c.only_baseline, 2u);
    EXPECT_EQ(c.only_candidate, 10u);
    EXPECT_DOUBLE_EQ(c.p, stats::mcnemar(2, 10).p);
    EXPECT_DOUBLE_EQ(c.diff, 12.0 / 40 - 4.0 / 40);
    const auto u = compare_runs(base, other);
    EXPECT_FALSE(u.paired);
    EXPECT_DOUBLE_EQ(u.p, u.p_z);
    EXPECT_GT(u.z, 0);
    EXPECT_LT(u.diff_interval.lower, u.diff);
    // A partial overlap (a smaller baseline) is not a paired design.
    const auto partial = compare_runs(std::span(base).first(30), cand);
    EXPECT_FALSE(partial.paired);
    EXPECT_DOUBLE_EQ(partial.p, partial.p_z);
}

// Output depends only on the request's seed: the property real backends keep.
class ScriptedBackend final : public SampleBackend {
public:
    std::size_t fail_after = SIZE_MAX;  // throw after this many chunks (a kill)
    std::size_t chunks = 0, generated = 0;

    nlohmann::ordered_json identity() const override { return {{"kind", "scripted"}}; }
    std::size_t chunk_size() const override { return 4; }
    void generate(std::span<const SampleRequest> reqs, const EvalSettings& s,
                  const std::function<void(std::vector<SampleRecord>&&)>& done) override {
        if (chunks++ == fail_after) throw std::runtime_error("killed");
        std::vector<SampleRecord> out;
        for (const auto& q : reqs) {
            std::mt19937_64 rng(q.seed);
            std::vector<std::int64_t> toks;
            const bool loops = rng() % 4 == 0;
            while (toks.size() < static_cast<std::size_t>(s.cap)) {
                toks.push_back(loops ? static_cast<std::int64_t>(toks.size() % 3) : static_cast<std::int64_t>(rng() % 50));
                if (!loops && rng() % 16 == 0) break;
            }
            const auto hit = detect_loops(toks, s.detector);
            auto r = record(q.probe.id, q.sample_index, classify(hit, toks.size() == static_cast<std::size_t>(s.cap) ? Termination::cap : Termination::eos), toks, q.probe.source);
            r.seed = q.seed;
            r.loop_kind = hit.kind;
            r.loop_period = hit.period;
            out.push_back(std::move(r));
            ++generated;
        }
        done(std::move(out));
    }
};

TEST(EvalRunner, KilledRunResumesWithoutRedoingAndEndsTheSame) {
    TempDir dir;
    write_text(dir / "p.jsonl", probe_lines(30));
    EvalSettings s;
    s.probes_file = dir / "p.jsonl";
    s.n = 10;
    s.samples_per_probe = 2;
    s.cap = 96;
    s.name = "m";
    s.progress = ProgressReporter::Mode::Silent;

    ScriptedBackend whole;
    const auto full = run_evaluation(s, whole, dir / "full");
    EXPECT_EQ(full.records.size(), 20u);
    EXPECT_EQ(whole.generated, 20u);
    EXPECT_GT(full.metrics.overall.loops, 0u);

    ScriptedBackend killed;
    killed.fail_after = 2;  // two chunks of 4 stored, then the process "dies"
    EXPECT_THROW(run_evaluation(s, killed, dir / "resumed"), std::runtime_error);
    EXPECT_FALSE(std::filesystem::exists(dir / "resumed" / "results.json"));
    ScriptedBackend rest;
    const auto resumed = run_evaluation(s, rest, dir / "resumed");
    EXPECT_EQ(rest.generated, 12u);  // only the 12 samples not stored
    EXPECT_EQ(test::read_text(dir / "full" / "samples.jsonl"), test::read_text(dir / "resumed" / "samples.jsonl"));
    for (const char* f : {"report.md", "results.json"})
        EXPECT_EQ(test::read_text(dir / "full" / f), test::read_text(dir / "resumed" / f)) << f;

    // A rerun with everything stored generates nothing; a larger n only the new probes.
    ScriptedBackend again;
    run_evaluation(s, again, dir / "full");
    EXPECT_EQ(again.generated, 0u);
    s.n = 12;
    ScriptedBackend grow;
    EXPECT_EQ(run_evaluation(s, grow, dir / "full").records.size(), 24u);
    EXPECT_EQ(grow.generated, 4u);
    // Another cap is another run: refused in the same folder.
    s.cap = 97;
    ScriptedBackend other;
    EXPECT_THROW(run_evaluation(s, other, dir / "full"), InputError);
}

TEST(EvalRunner, BaselineComparisonGoesIntoResultsAndReport) {
    TempDir dir;
    write_text(dir / "p.jsonl", probe_lines(40));
    EvalSettings s;
    s.probes_file = dir / "p.jsonl";
    s.cap = 64;
    s.progress = ProgressReporter::Mode::Silent;
    ScriptedBackend a, b;
    run_evaluation(s, a, dir / "teacher");
    s.seed = 3;
    s.baseline = dir / "teacher";
    s.name = "student";
    const auto run = run_evaluation(s, b, dir / "student");
    ASSERT_TRUE(run.vs_baseline);
    EXPECT_TRUE(run.vs_baseline->paired);
    const auto results = nlohmann::json::parse(test::read_text(dir / "student" / "results.json"));
    EXPECT_EQ(results["vs_baseline"]["pairs"], 40);
    const auto md = test::read_text(dir / "student" / "report.md");
    EXPECT_NE(md.find("| teacher | 40 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| student | 40 |"), std::string::npos) << md;
    EXPECT_NE(md.find("(McNemar)"), std::string::npos) << md;
}

} // namespace
} // namespace moecut

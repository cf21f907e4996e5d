// Guardrail sweeps: grid parsing, cell expansion, the neutral baseline, Holm
// and BH adjustment across cells, and a resumed sweep.
#include "moecut/error.h"
#include "moecut/eval_sweep.h"
#include "moecut/stats/multiple.h"
#include "test_support.h"

#include <fmt/core.h>
#include <gtest/gtest.h>

namespace moecut {
namespace {

using test::TempDir;

std::string grid_error(std::vector<std::string> items) {
    try {
        parse_grid(items);
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(EvalSweep, ParsesAndExpandsTheGrid) {
    const std::vector<std::string> items{"min_p=0,0.05,0.1", "repetition_penalty=1,1.1"};
    const auto grid = parse_grid(items);
    ASSERT_EQ(grid.size(), 2u);
    EXPECT_EQ(grid[1].key, "rep_pen");
    const auto cells = expand_grid(SamplerConfig{}, grid);
    ASSERT_EQ(cells.size(), 6u);
    EXPECT_EQ(cells[0].name, "min_p=0,rep_pen=1");
    EXPECT_TRUE(cells[0].neutral);
    EXPECT_EQ(cells[3].name, "min_p=0.05,rep_pen=1.1");
    EXPECT_DOUBLE_EQ(cells[3].sampler.min_p, 0.05);
    EXPECT_DOUBLE_EQ(cells[3].sampler.repetition_penalty, 1.1);
    EXPECT_FALSE(cells[3].neutral);
    EXPECT_EQ(grid_error({"min_p"}), "--grid: 'min_p' is not KEY=V1,V2,...");
    EXPECT_EQ(grid_error({"foo=1"}), "--grid: unknown key 'foo' (temperature, top_k, top_p, min_p, rep_pen, "
                                     "presence_penalty, frequency_penalty)");
    EXPECT_EQ(grid_error({"min_p=0,x"}), "--grid: 'x' in 'min_p=0,x' is not a number");
    EXPECT_EQ(grid_error({"min_p=0", "min_p=1"}), "--grid: 'min_p' given twice");
    EXPECT_THROW(expand_grid(SamplerConfig{}, parse_grid(std::vector<std::string>{"min_p=2"})), InputError);
}

// Loops on a quarter of the seeds unless min_p or the repetition penalty is on.
class GuardedBackend final : public SampleBackend {
public:
    std::size_t generated = 0;
    nlohmann::ordered_json identity() const override { return {{"kind", "guarded"}}; }
    std::size_t chunk_size() const override { return 8; }
    void generate(std::span<const SampleRequest> reqs, const EvalSettings& s,
                  const std::function<void(std::vector<SampleRecord>&&)>& done) override {
        std::vector<SampleRecord> out;
        for (const auto& q : reqs) {
            SampleRecord r;
            r.probe_id = q.probe.id;
            r.source = q.probe.source;
            r.sample_index = q.sample_index;
            r.seed = q.seed;
            const bool guarded = s.sampler.min_p > 0 || s.sampler.repetition_penalty > 1;
            r.outcome = (q.seed % 4 == 0 && !guarded) ? Outcome::loop : Outcome::eos;
            out.push_back(r);
            ++generated;
        }
        done(std::move(out));
    }
};

TEST(EvalSweep, ComparesEveryCellToTheNeutralCellWithAdjustment) {
    TempDir dir;
    std::string probes;
    for (int i = 0; i < 120; ++i) probes += fmt::format("{{\"id\": \"q{}\", \"source\": \"s\", \"prompt\": \"x\"}}\n", i);
    test::write_text(dir / "p.jsonl", probes);
    EvalSettings s;
    s.probes_file = dir / "p.jsonl";
    s.cap = 32;
    s.progress = ProgressReporter::Mode::Silent;
    const std::vector<std::string> items{"rep_pen=1.1,1", "min_p=0,0.1"};
    GuardedBackend backend;
    const auto r = run_sweep(s, parse_grid(items), backend, dir / "sweep");
    EXPECT_EQ(backend.generated, 4u * 120);
    EXPECT_EQ(r.baseline, "rep_pen=1,min_p=0");  // the neutral cell, though not first
    ASSERT_EQ(r.rows.size(), 4u);
    EXPECT_GT(r.rows[0].metrics.overall.loops, 10u);
    std::vector<double> raw;
    for (std::size_t i = 1; i < r.rows.size(); ++i) {
        ASSERT_TRUE(r.rows[i].vs_baseline);
        EXPECT_TRUE(r.rows[i].vs_baseline->paired);
        EXPECT_EQ(r.rows[i].metrics.overall.loops, 0u);
        EXPECT_LT(r.rows[i].vs_baseline->p, 0.01);
        raw.push_back(r.rows[i].vs_baseline->p);
    }
    const auto holm = stats::holm_adjust(raw);
    for (std::size_t i = 1; i < r.rows.size(); ++i) EXPECT_DOUBLE_EQ(*r.rows[i].vs_baseline->p_adjusted, holm[i - 1]);
    EXPECT_TRUE(std::filesystem::exists(dir / "sweep" / "cells" / "rep_pen=1.1,min_p=0.1" / "results.json"));
    const auto md = test::read_text(dir / "sweep" / "report.md");
    EXPECT_NE(md.find("| rep_pen=1,min_p=0 | 120 |"), std::string::npos) << md;
    EXPECT_NE(md.find("Holm"), std::string::npos) << md;
    const auto json = nlohmann::json::parse(test::read_text(dir / "sweep" / "results.json"));
    EXPECT_EQ(json["cells"].size(), 4u);
    EXPECT_TRUE(json["cells"][1]["vs_baseline"].contains("p_bh"));

    GuardedBackend again;  // everything stored: a rerun only re-reports
    run_sweep(s, parse_grid(items), again, dir / "sweep");
    EXPECT_EQ(again.generated, 0u);
}

} // namespace
} // namespace moecut

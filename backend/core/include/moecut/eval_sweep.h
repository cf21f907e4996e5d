// A guardrail sweep: one evaluation run per cell of a sampler grid, each
// tested against a baseline with Holm and Benjamini–Hochberg adjustment.
//
//   auto grid = parse_grid({"min_p=0,0.05,0.1", "rep_pen=1,1.05,1.1"});
//   SweepResult r = run_sweep(settings, grid, backend, "out/sweep");
//
// Cells run in grid order (the last axis fastest) into RUNDIR/cells/<name>/,
// each a resumable run of its own (eval_runner.h), so a killed sweep resumes
// where it stopped. The baseline is settings.baseline when given, else the
// cell whose values are all neutral (min_p 0, rep_pen 1, ...) when the grid
// has one, else the first cell. RUNDIR gets results.json and report.md.
// Grid keys: temperature, top_k, top_p, min_p, rep_pen (repetition_penalty),
// presence_penalty, frequency_penalty.
#pragma once

#include "moecut/eval_report.h"
#include "moecut/eval_runner.h"

#include <span>
#include <string>
#include <vector>

namespace moecut {

struct GridAxis {
    std::string key;  // canonical: "min_p", "rep_pen", ...
    std::vector<double> values;
};

// InputError "--grid: ..." naming the bad item.
std::vector<GridAxis> parse_grid(std::span<const std::string> items);

struct SweepCell {
    std::string name;  // "min_p=0.05,rep_pen=1.1"
    SamplerConfig sampler;
    bool neutral = false;  // every grid value is the raw default
};

std::vector<SweepCell> expand_grid(const SamplerConfig& base, std::span<const GridAxis> grid);

struct SweepResult {
    std::string baseline;          // the baseline's row name
    std::vector<ReportRow> rows;   // baseline first when it is a cell
    nlohmann::ordered_json json;   // what results.json holds
};

SweepResult run_sweep(const EvalSettings& settings, std::span<const GridAxis> grid, SampleBackend& backend,
                      const std::filesystem::path& rundir);

} // namespace moecut

// The Markdown tables an evaluation prints and writes to RUNDIR/report.md.
//
//   std::vector<ReportRow> rows{{"teacher", teacher}, {"pruned", pruned, cmp}};
//   std::cout << markdown_summary(rows);
//
// One row per model/config: n (valid samples), loop rate with its interval,
// EOS rate, distinct-4, median tokens, and the test against the named
// baseline (difference in points, the primary p-value and its test; the
// adjusted p when a sweep set one).
#pragma once

#include "moecut/eval_metrics.h"

#include <optional>
#include <span>
#include <string>

namespace moecut {

struct ReportRow {
    std::string name;  // model/config
    RunMetrics metrics;
    std::optional<Comparison> vs_baseline;  // nullopt for the baseline row itself
    std::string adjust_method;              // "Holm", "BH" or "" (with vs_baseline->p_adjusted)
};

std::string markdown_summary(std::span<const ReportRow> rows, std::string_view baseline_name = {});
// The per-source table of one run.
std::string markdown_sources(const RunMetrics& m);

} // namespace moecut

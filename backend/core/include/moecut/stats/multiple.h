// Adjusted p-values across the cells of a sweep (e.g. a min_p x rep_pen grid,
// each compared against the raw baseline). Both return the adjusted values in
// the input order; they are monotone in the raw p-values and capped at 1,
// as statsmodels multipletests(method="holm" / "fdr_bh") returns them.
#pragma once

#include <span>
#include <vector>

namespace moecut::stats {

// Holm's step-down procedure (family-wise error; uniformly more powerful than
// Bonferroni): sorted ascending, adj_(i) = max_{j<=i} (m - j + 1) p_(j).
std::vector<double> holm_adjust(std::span<const double> p);
// Benjamini–Hochberg step-up (false discovery rate, independent or positively
// dependent tests): adj_(i) = min_{j>=i} m p_(j) / j.
std::vector<double> benjamini_hochberg_adjust(std::span<const double> p);

} // namespace moecut::stats

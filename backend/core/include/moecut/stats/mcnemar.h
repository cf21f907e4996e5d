// McNemar's test for paired designs: the same prompts under two models (or two
// sampler settings). Only the discordant pairs matter:
//   b = prompts where only arm a looped, c = prompts where only arm b looped.
#pragma once

#include <cstdint>

namespace moecut::stats {

enum class McNemarMethod {
    automatic,  // exact when b + c < 25 (eval.md §3.3), chi-square otherwise
    exact,      // two-sided binomial test of b against Binomial(b + c, 1/2)
    chi_square, // (|b - c| - cc)^2 / (b + c) on one degree of freedom
};

struct McNemarOptions {
    McNemarMethod method = McNemarMethod::automatic;
    bool continuity_correction = true;  // cc = 1 in the chi-square form
    std::uint64_t exact_below = 25;     // automatic: exact when b + c is below this
};

struct McNemarResult {
    double statistic = 0;  // exact: min(b, c); chi-square: the chi-square value
    double p = 1;          // two-sided
    bool exact = false;    // which form was used
};

// Matches statsmodels.stats.contingency_tables.mcnemar with one deliberate
// difference: with continuity correction and b == c the statistic is 0 (the
// correction never pushes |b - c| below 0; statsmodels gives 1/(b + c)).
// b + c = 0 (no discordant pairs) gives statistic 0, p = 1.
McNemarResult mcnemar(std::uint64_t b, std::uint64_t c, const McNemarOptions& options = {});

} // namespace moecut::stats

// Power and sample size for comparing two independent proportions with the
// two-sided pooled z-test (the test of two_proportion.h), normal
// approximation, equal arms.
//
// Convention (statsmodels power_proportions_2indep /
// samplesize_proportions_2indep_onetail; Fleiss without continuity
// correction; G*Power's "z tests - proportions: difference between two
// independent proportions" uses the same pooled null variance):
//   sd0 = sqrt(2 pbar (1 - pbar)), pbar = (p1 + p2)/2   (under H0)
//   sd1 = sqrt(p1 (1 - p1) + p2 (1 - p2))               (under H1)
//   n   = ((z_{1-alpha/2} sd0 + z_{power} sd1) / (p2 - p1))^2  per arm
// The sample size counts only the tail where the effect lies (the far tail
// adds < 1e-6 power in any practical case); the power function counts both
// tails. For 3.6% vs 7.2% this gives 618 per arm at 80% power, 826 at 90%.
#pragma once

#include <cstdint>

namespace moecut::stats {

struct PowerOptions {
    double alpha = 0.05;  // two-sided
};

// Required n per arm, unrounded (statsmodels' float). Throws InputError when
// p1 == p2, a rate is outside [0, 1], or power / alpha is outside (0, 1).
double sample_size_two_proportions_raw(double p1, double p2, double power, const PowerOptions& options = {});
// The same rounded up to whole prompts, at least 1.
std::uint64_t sample_size_two_proportions(double p1, double p2, double power, const PowerOptions& options = {});
// Power of the two-sided pooled z-test with n per arm (both tails).
double power_two_proportions(double p1, double p2, double n_per_arm, const PowerOptions& options = {});
// Smallest p2 > p1 detectable with the given power at n per arm (the
// "minimum detectable rate"), found by bisection on power_two_proportions.
// Returns 1 if even p2 = 1 falls short.
double min_detectable_rate(double p1, double n_per_arm, double power, const PowerOptions& options = {});

} // namespace moecut::stats

// Tests of two independent proportions: the loop rate of arm a (e.g. the
// teacher) against arm b (e.g. the pruned model) on separate prompt samples.
//
// Sign convention, throughout: diff = p_b - p_a and z > 0 when b's rate is
// higher (eval.md §3.2: z = (p2 - p1) / se with arm 1 = a).
#pragma once

#include <cstdint>

namespace moecut::stats {

// Pooled two-proportion z-test, two-sided: z = (p_b - p_a) /
// sqrt(pbar (1 - pbar) (1/n_a + 1/n_b)), pbar = (k_a + k_b)/(n_a + n_b);
// p = 2 P(Z > |z|). Equals statsmodels proportions_ztest([k_b, k_a], [n_b, n_a])
// and the 2x2 chi-square test without continuity correction. When pbar is 0
// or 1 both samples agree perfectly and the statistic is undefined: z = 0 and
// p = 1 are returned.
struct ZTestResult {
    double rate_a = 0;
    double rate_b = 0;
    double diff = 0;  // rate_b - rate_a
    double z = 0;
    double p = 1;     // two-sided
};
ZTestResult two_proportion_z_test(std::uint64_t successes_a, std::uint64_t trials_a,
                                  std::uint64_t successes_b, std::uint64_t trials_b);

// Fisher's exact test, two-sided, on the table
//   [[a, b],
//    [c, d]]
// (rows = arms, columns = event / no event). The p-value sums the
// hypergeometric probabilities of every table with the observed margins that
// is no more likely than the observed one. "No more likely" allows a relative
// tolerance of 1e-7 (R's fisher.test): exact ties between mirror-image tables
// must count, and the lgamma-based probabilities are only good to about
// 1e-11, too coarse for scipy's 1e-14 (which rests on boost's pmf). A table
// with an empty row or column has p = 1, as in scipy. Tables of more than
// kFisherMaxTotal items throw InputError (the sum visits every table with the
// observed margins; at such sizes the z-test is exact enough).
inline constexpr std::uint64_t kFisherMaxTotal = 10'000'000;

struct FisherResult {
    double p = 1;
    double odds_ratio = 0;  // sample odds ratio a d / (b c); +inf when b c = 0 < a d; NaN at 0/0
};
FisherResult fisher_exact(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d);
// The same test from two arms' counts: [[k_a, n_a - k_a], [k_b, n_b - k_b]].
FisherResult fisher_exact_arms(std::uint64_t successes_a, std::uint64_t trials_a, std::uint64_t successes_b,
                               std::uint64_t trials_b);

} // namespace moecut::stats

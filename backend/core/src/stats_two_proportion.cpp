#include "moecut/stats/two_proportion.h"

#include "moecut/error.h"
#include "moecut/stats/interval.h"
#include "moecut/stats/special.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace moecut::stats {

ZTestResult two_proportion_z_test(std::uint64_t successes_a, std::uint64_t trials_a, std::uint64_t successes_b,
                                  std::uint64_t trials_b) {
    check_counts("two-proportion z-test, arm a", successes_a, trials_a);
    check_counts("two-proportion z-test, arm b", successes_b, trials_b);
    const double ka = static_cast<double>(successes_a);
    const double na = static_cast<double>(trials_a);
    const double kb = static_cast<double>(successes_b);
    const double nb = static_cast<double>(trials_b);
    ZTestResult r;
    r.rate_a = ka / na;
    r.rate_b = kb / nb;
    r.diff = r.rate_b - r.rate_a;
    const double pooled = (ka + kb) / (na + nb);
    const double variance = pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb);
    if (!(variance > 0)) {
        // Every trial in both arms had the same outcome: nothing to test.
        r.z = 0.0;
        r.p = 1.0;
        return r;
    }
    r.z = r.diff / std::sqrt(variance);
    r.p = std::min(1.0, 2.0 * normal_sf(std::fabs(r.z)));
    return r;
}

FisherResult fisher_exact(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
    FisherResult r;
    const double ad = static_cast<double>(a) * static_cast<double>(d);
    const double bc = static_cast<double>(b) * static_cast<double>(c);
    r.odds_ratio = bc > 0 ? ad / bc : (ad > 0 ? std::numeric_limits<double>::infinity()
                                              : std::numeric_limits<double>::quiet_NaN());
    const std::uint64_t row1 = a + b;
    const std::uint64_t row2 = c + d;
    const std::uint64_t col1 = a + c;
    const std::uint64_t col2 = b + d;
    if (row1 == 0 || row2 == 0 || col1 == 0 || col2 == 0) {
        r.p = 1.0;
        return r;
    }
    const std::uint64_t total = row1 + row2;
    if (total > kFisherMaxTotal)
        throw InputError(fmt::format("Fisher's exact test: {} items is more than the supported {}; use the z-test",
                                     total, kFisherMaxTotal));
    // a ~ Hypergeometric(population total, successes row1, draws col1).
    auto log_pmf = [&](std::int64_t x) {
        return hypergeometric_log_pmf(static_cast<std::uint64_t>(x), total, row1, col1);
    };
    const std::int64_t observed_x = static_cast<std::int64_t>(a);
    const double observed = log_pmf(observed_x);
    // pmf(x) <= pmf(observed) (1 + 1e-7), in logs.
    const double threshold = observed + std::log1p(1e-7);
    // Walk in from both ends of the support, always taking the smaller term, so
    // the small terms are added first.
    std::int64_t i = static_cast<std::int64_t>(col1 > row2 ? col1 - row2 : 0);
    std::int64_t j = static_cast<std::int64_t>(std::min(row1, col1));
    double li = log_pmf(i);
    double lj = log_pmf(j);
    double p = 0.0;
    while (i <= j) {
        double taken;
        if (li <= lj) {
            taken = li;
            if (++i <= j) li = i == j ? lj : log_pmf(i);
        } else {
            taken = lj;
            if (i <= --j) lj = i == j ? li : log_pmf(j);
        }
        if (taken <= threshold) p += std::exp(taken);
    }
    r.p = std::min(1.0, p);
    return r;
}

FisherResult fisher_exact_arms(std::uint64_t successes_a, std::uint64_t trials_a, std::uint64_t successes_b,
                               std::uint64_t trials_b) {
    check_counts("Fisher's exact test, arm a", successes_a, trials_a);
    check_counts("Fisher's exact test, arm b", successes_b, trials_b);
    return fisher_exact(successes_a, trials_a - successes_a, successes_b, trials_b - successes_b);
}

} // namespace moecut::stats

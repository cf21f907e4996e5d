// Special functions against scipy.stats (tests/data/stats/expected.json).
#include "moecut/stats/special.h"

#include "stats_fixture.h"

#include <cmath>
#include <limits>

namespace moecut::stats {
namespace {

using test::close_to;
using test::stats_expected;

TEST(StatsSpecial, NormalQuantileMatchesScipy) {
    const auto& cases = stats_expected()["special"]["normal"];
    ASSERT_GE(cases.size(), 10u);
    for (const auto& c : cases) {
        const double p = c["p"].get<double>();
        EXPECT_TRUE(close_to(normal_quantile(p), c["ppf"].get<double>(), 1e-12)) << "p=" << p;
        // isf(q) = -ppf(q); and the quantile inverts the cdf.
        EXPECT_TRUE(close_to(normal_isf(p), -c["ppf"].get<double>(), 1e-12)) << "p=" << p;
        if (p > 1e-300) {
            EXPECT_TRUE(close_to(normal_cdf(normal_quantile(p)), p, 1e-12)) << "p=" << p;
        }
    }
}

TEST(StatsSpecial, NormalEnds) {
    EXPECT_EQ(normal_quantile(0.0), -std::numeric_limits<double>::infinity());
    EXPECT_EQ(normal_quantile(1.0), std::numeric_limits<double>::infinity());
    EXPECT_EQ(normal_quantile(0.5), 0.0);
    EXPECT_TRUE(close_to(normal_isf(0.025), 1.959963984540054, 1e-14));
    EXPECT_THROW(normal_quantile(1.5), std::domain_error);
    EXPECT_THROW(normal_quantile(std::nan("")), std::domain_error);
    EXPECT_DOUBLE_EQ(normal_cdf(0.0), 0.5);
    EXPECT_TRUE(close_to(normal_sf(5.0), 2.866515718791939e-07, 1e-13));
}

TEST(StatsSpecial, IncompleteBetaMatchesScipy) {
    const auto& cases = stats_expected()["special"]["beta"];
    ASSERT_GE(cases.size(), 50u);
    for (const auto& c : cases) {
        const double a = c["a"], b = c["b"], x = c["x"];
        // The reference cdf/sf can underflow to 0 deep in a tail; so must ours.
        EXPECT_TRUE(close_to(incomplete_beta(a, b, x), c["cdf"].get<double>())) << a << " " << b << " " << x;
        EXPECT_TRUE(close_to(incomplete_beta_complement(a, b, x), c["sf"].get<double>()))
            << a << " " << b << " " << x;
    }
    EXPECT_EQ(incomplete_beta(2, 3, 0.0), 0.0);
    EXPECT_EQ(incomplete_beta(2, 3, 1.0), 1.0);
    EXPECT_THROW(incomplete_beta(0, 3, 0.5), std::domain_error);
    EXPECT_THROW(incomplete_beta(2, 3, 1.5), std::domain_error);
}

TEST(StatsSpecial, BetaQuantileMatchesScipy) {
    const auto& cases = stats_expected()["special"]["beta_inverse"];
    ASSERT_GE(cases.size(), 30u);
    for (const auto& c : cases) {
        const double a = c["a"], b = c["b"], p = c["p"];
        EXPECT_TRUE(close_to(beta_quantile(a, b, p), c["ppf"].get<double>())) << a << " " << b << " " << p;
        EXPECT_TRUE(close_to(beta_isf(a, b, p), c["isf"].get<double>())) << a << " " << b << " " << p;
    }
    EXPECT_EQ(beta_quantile(3, 4, 0.0), 0.0);
    EXPECT_EQ(beta_quantile(3, 4, 1.0), 1.0);
    // Closed form: Beta(n, 1) has cdf x^n.
    EXPECT_TRUE(close_to(beta_quantile(40, 1, 0.025), std::pow(0.025, 1.0 / 40), 1e-13));
}

TEST(StatsSpecial, BinomialMatchesScipy) {
    for (const auto& c : stats_expected()["special"]["binomial"]) {
        const std::uint64_t k = c["k"], n = c["n"];
        EXPECT_TRUE(close_to(binomial_cdf(k, n, 0.5), c["cdf"].get<double>())) << k << "/" << n;
        EXPECT_TRUE(close_to(binomial_sf(k, n, 0.5), c["sf"].get<double>())) << k << "/" << n;
        EXPECT_TRUE(close_to(binomial_cdf(k, n, 0.036), c["cdf_036"].get<double>())) << k << "/" << n;
    }
    EXPECT_EQ(binomial_cdf(5, 5, 0.3), 1.0);
    EXPECT_EQ(binomial_sf(5, 5, 0.3), 0.0);
}

TEST(StatsSpecial, HypergeometricSumsToOne) {
    // Population 30, 12 successes, 10 draws: support 0..10.
    double total = 0;
    for (std::uint64_t x = 0; x <= 10; ++x) total += std::exp(hypergeometric_log_pmf(x, 30, 12, 10));
    EXPECT_TRUE(close_to(total, 1.0, 1e-13));
    // Direct value: C(12,3) C(18,7) / C(30,10) = 220 * 31824 / 30045015.
    EXPECT_TRUE(close_to(std::exp(hypergeometric_log_pmf(3, 30, 12, 10)), 220.0 * 31824.0 / 30045015.0, 1e-12));
    EXPECT_EQ(hypergeometric_log_pmf(11, 30, 12, 10), -std::numeric_limits<double>::infinity());
    EXPECT_TRUE(close_to(log_choose(10, 3), std::log(120.0), 1e-14));
    EXPECT_EQ(log_choose(7, 0), 0.0);
}

TEST(StatsSpecial, ChiSquareOneDf) {
    EXPECT_TRUE(close_to(chi2_1_sf(3.841458820694124), 0.05, 1e-12));
    EXPECT_EQ(chi2_1_sf(0.0), 1.0);
}

} // namespace
} // namespace moecut::stats

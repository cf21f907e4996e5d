// Two-proportion z-test, Fisher's exact test and McNemar against
// statsmodels/scipy.
#include "moecut/error.h"
#include "moecut/stats/mcnemar.h"
#include "moecut/stats/two_proportion.h"

#include "stats_fixture.h"

namespace moecut::stats {
namespace {

using test::close_to;
using test::stats_expected;

TEST(StatsComparison, ZTestMatchesStatsmodels) {
    const auto& cases = stats_expected()["ztest"];
    ASSERT_GE(cases.size(), 10u);
    for (const auto& c : cases) {
        const std::uint64_t ka = c["ka"], na = c["na"], kb = c["kb"], nb = c["nb"];
        const auto r = two_proportion_z_test(ka, na, kb, nb);
        EXPECT_TRUE(close_to(r.z, c["z"].get<double>())) << c.dump();
        EXPECT_TRUE(close_to(r.p, c["p"].get<double>())) << c.dump();
        EXPECT_DOUBLE_EQ(r.diff, static_cast<double>(kb) / nb - static_cast<double>(ka) / na);
    }
}

TEST(StatsComparison, SeedReportZ) {
    // REPORT.md: teacher 72/2000 vs pruned 144/2000, z ~ 5.0, p < 0.0001.
    const auto r = two_proportion_z_test(72, 2000, 144, 2000);
    EXPECT_NEAR(r.z, 5.04, 0.005);
    EXPECT_LT(r.p, 1e-4);
    EXPECT_GT(r.diff, 0.0);
    // Swapping the arms flips the sign only.
    const auto s = two_proportion_z_test(144, 2000, 72, 2000);
    EXPECT_DOUBLE_EQ(s.z, -r.z);
    EXPECT_DOUBLE_EQ(s.p, r.p);
}

TEST(StatsComparison, ZTestDegenerate) {
    const auto zero = two_proportion_z_test(0, 100, 0, 50);
    EXPECT_EQ(zero.z, 0.0);
    EXPECT_EQ(zero.p, 1.0);
    const auto full = two_proportion_z_test(10, 10, 7, 7);
    EXPECT_EQ(full.p, 1.0);
    EXPECT_THROW(two_proportion_z_test(3, 2, 1, 5), InputError);
    EXPECT_THROW(two_proportion_z_test(1, 5, 0, 0), InputError);
}

TEST(StatsComparison, FisherMatchesScipy) {
    const auto& cases = stats_expected()["fisher"];
    ASSERT_GE(cases.size(), 30u);
    for (const auto& c : cases) {
        const auto& t = c["table"];
        const auto r = fisher_exact(t[0][0], t[0][1], t[1][0], t[1][1]);
        EXPECT_TRUE(close_to(r.p, c["p"].get<double>())) << c.dump();
    }
}

TEST(StatsComparison, FisherTiesAndOddsRatio) {
    // Mirror-image tables are equally likely and both count: p = 1 here.
    EXPECT_DOUBLE_EQ(fisher_exact(4, 4, 4, 4).p, 1.0);
    // [[3,1],[1,3]]: pmf over a = 0..4 is {1,16,36,16,1}/70; p = (1+16+16+1)/70.
    EXPECT_TRUE(close_to(fisher_exact(3, 1, 1, 3).p, 34.0 / 70.0, 1e-12));
    EXPECT_DOUBLE_EQ(fisher_exact(3, 1, 1, 3).odds_ratio, 9.0);
    EXPECT_TRUE(std::isinf(fisher_exact(3, 0, 1, 3).odds_ratio));
    EXPECT_EQ(fisher_exact(0, 0, 3, 4).p, 1.0);  // an empty row
    const auto arms = fisher_exact_arms(72, 2000, 144, 2000);
    EXPECT_TRUE(close_to(arms.p, fisher_exact(72, 1928, 144, 1856).p, 0));
    EXPECT_THROW(fisher_exact_arms(3, 2, 0, 1), InputError);
    EXPECT_THROW(fisher_exact_arms(1, kFisherMaxTotal, 1, 1), InputError);
}

TEST(StatsComparison, McNemarMatchesStatsmodels) {
    const auto& cases = stats_expected()["mcnemar"];
    ASSERT_GE(cases.size(), 10u);
    for (const auto& c : cases) {
        const std::uint64_t b = c["b"], cc = c["c"];
        const auto ex = mcnemar(b, cc, {McNemarMethod::exact});
        EXPECT_TRUE(ex.exact);
        EXPECT_TRUE(close_to(ex.statistic, c["exact_stat"].get<double>())) << c.dump();
        EXPECT_TRUE(close_to(ex.p, c["exact_p"].get<double>())) << c.dump();
        if (c.contains("chi2_p")) {
            const auto chi = mcnemar(b, cc, {McNemarMethod::chi_square, false});
            EXPECT_FALSE(chi.exact);
            EXPECT_TRUE(close_to(chi.statistic, c["chi2_stat"].get<double>())) << c.dump();
            EXPECT_TRUE(close_to(chi.p, c["chi2_p"].get<double>())) << c.dump();
        }
        if (c.contains("chi2cc_p")) {
            const auto chi = mcnemar(b, cc, {McNemarMethod::chi_square, true});
            EXPECT_TRUE(close_to(chi.statistic, c["chi2cc_stat"].get<double>())) << c.dump();
            EXPECT_TRUE(close_to(chi.p, c["chi2cc_p"].get<double>())) << c.dump();
        }
    }
}

TEST(StatsComparison, McNemarAutomaticAndEdges) {
    EXPECT_TRUE(mcnemar(3, 10).exact);     // 13 discordant pairs < 25
    EXPECT_FALSE(mcnemar(12, 30).exact);   // 42
    // Automatic chi-square uses the continuity correction: (|12-30|-1)^2/42.
    EXPECT_TRUE(close_to(mcnemar(12, 30).statistic, 289.0 / 42.0, 1e-14));
    const auto tie = mcnemar(50, 50, {McNemarMethod::chi_square, true});
    EXPECT_EQ(tie.statistic, 0.0);
    EXPECT_EQ(tie.p, 1.0);
    const auto none = mcnemar(0, 0, {McNemarMethod::chi_square, true});
    EXPECT_EQ(none.p, 1.0);
    // Exact, 0 vs 6: p = 2 * 0.5^6.
    EXPECT_TRUE(close_to(mcnemar(0, 6).p, 2.0 / 64.0, 1e-13));
}

} // namespace
} // namespace moecut::stats

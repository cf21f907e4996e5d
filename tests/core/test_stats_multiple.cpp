// Holm and Benjamini-Hochberg adjusted p-values against statsmodels multipletests.
#include "moecut/error.h"
#include "moecut/stats/multiple.h"

#include "stats_fixture.h"

#include <vector>

namespace moecut::stats {
namespace {

using test::close_to;
using test::stats_expected;

TEST(StatsMultiple, MatchesStatsmodels) {
    const auto& cases = stats_expected()["multiple"];
    ASSERT_GE(cases.size(), 5u);
    for (const auto& c : cases) {
        const auto p = c["p"].get<std::vector<double>>();
        const auto holm = holm_adjust(p);
        const auto bh = benjamini_hochberg_adjust(p);
        ASSERT_EQ(holm.size(), p.size());
        ASSERT_EQ(bh.size(), p.size());
        for (std::size_t i = 0; i < p.size(); ++i) {
            EXPECT_TRUE(close_to(holm[i], c["holm"][i].get<double>())) << c.dump() << " i=" << i;
            EXPECT_TRUE(close_to(bh[i], c["bh"][i].get<double>())) << c.dump() << " i=" << i;
            // Adjusting never makes a p-value smaller, and Holm is the stricter.
            EXPECT_GE(holm[i], p[i]);
            EXPECT_GE(bh[i], p[i]);
            EXPECT_GE(holm[i], bh[i] - 1e-15);
        }
    }
}

TEST(StatsMultiple, MonotoneAndHandWorked) {
    // p = (0.01, 0.04, 0.03, 0.005), m = 4, sorted 0.005, 0.01, 0.03, 0.04.
    // Holm: 4*0.005=0.02, 3*0.01=0.03, 2*0.03=0.06, max(0.06, 0.04)=0.06.
    const std::vector<double> p{0.01, 0.04, 0.03, 0.005};
    const auto holm = holm_adjust(p);
    EXPECT_DOUBLE_EQ(holm[3], 0.02);
    EXPECT_DOUBLE_EQ(holm[0], 0.03);
    EXPECT_DOUBLE_EQ(holm[2], 0.06);
    EXPECT_DOUBLE_EQ(holm[1], 0.06);
    // BH: 0.04*4/4 = 0.04, 0.03*4/3 = 0.04, 0.01*4/2 = 0.02, 0.005*4/1 = 0.02.
    const auto bh = benjamini_hochberg_adjust(p);
    EXPECT_DOUBLE_EQ(bh[1], 0.04);
    EXPECT_DOUBLE_EQ(bh[2], 0.04);
    EXPECT_DOUBLE_EQ(bh[0], 0.02);
    EXPECT_DOUBLE_EQ(bh[3], 0.02);
    EXPECT_TRUE(holm_adjust(std::vector<double>{}).empty());
    EXPECT_THROW(holm_adjust(std::vector<double>{0.1, 1.5}), InputError);
    EXPECT_THROW(benjamini_hochberg_adjust(std::vector<double>{std::nan("")}), InputError);
}

} // namespace
} // namespace moecut::stats

// Binomial proportion intervals against statsmodels proportion_confint.
#include "moecut/stats/interval.h"

#include "moecut/error.h"
#include "stats_fixture.h"

#include <fmt/core.h>

namespace moecut::stats {
namespace {

using test::close_to;
using test::stats_expected;

TEST(StatsInterval, MatchesStatsmodelsAcrossN) {
    const auto& cases = stats_expected()["ci"];
    ASSERT_GE(cases.size(), 200u);
    for (const auto& c : cases) {
        const std::uint64_t k = c["k"], n = c["n"];
        const double conf = c["confidence"];
        const auto method = parse_interval_method(c["method"].get<std::string>());
        ASSERT_TRUE(method.has_value());
        const ProportionInterval r = proportion_interval(k, n, *method, conf);
        const std::string where = fmt::format("{}/{} {} {}", k, n, c["method"].get<std::string>(), conf);
        EXPECT_TRUE(close_to(r.lower, c["lower"].get<double>())) << where << " lower";
        EXPECT_TRUE(close_to(r.upper, c["upper"].get<double>())) << where << " upper";
        EXPECT_DOUBLE_EQ(r.rate, static_cast<double>(k) / static_cast<double>(n));
        EXPECT_LE(r.lower, r.rate);
        EXPECT_GE(r.upper, r.rate);
    }
}

TEST(StatsInterval, SeedReportFigures) {
    // REPORT.md: teacher 72/2000 = 3.6% [2.8-4.5], pruned 144/2000 = 7.2% [6.1-8.4].
    // Clopper-Pearson reproduces both; Wilson would give 2.9 for the teacher.
    auto pct = [](double x) { return std::round(x * 1000.0) / 10.0; };
    const auto teacher = clopper_pearson(72, 2000);
    EXPECT_EQ(pct(teacher.lower), 2.8);
    EXPECT_EQ(pct(teacher.upper), 4.5);
    const auto pruned = clopper_pearson(144, 2000);
    EXPECT_EQ(pct(pruned.lower), 6.1);
    EXPECT_EQ(pct(pruned.upper), 8.4);
    EXPECT_EQ(pct(wilson(72, 2000).lower), 2.9);
    // eval.md §3.1 table: Wilson 2/50 -> [1.1, 13.5], Clopper-Pearson [0.5, 13.7].
    EXPECT_EQ(pct(wilson(2, 50).lower), 1.1);
    EXPECT_EQ(pct(wilson(2, 50).upper), 13.5);
    EXPECT_EQ(pct(clopper_pearson(2, 50).lower), 0.5);
    EXPECT_EQ(pct(clopper_pearson(2, 50).upper), 13.7);
}

TEST(StatsInterval, EdgeCounts) {
    const auto none = clopper_pearson(0, 20);
    EXPECT_EQ(none.lower, 0.0);
    EXPECT_TRUE(close_to(none.upper, 1.0 - std::pow(0.025, 1.0 / 20), 1e-12));  // closed form at k = 0
    const auto all = clopper_pearson(20, 20);
    EXPECT_EQ(all.upper, 1.0);
    EXPECT_TRUE(close_to(all.lower, std::pow(0.025, 1.0 / 20), 1e-12));
    EXPECT_EQ(wilson(0, 20).lower, 0.0);
    EXPECT_EQ(wilson(20, 20).upper, 1.0);
    const auto one = clopper_pearson(1, 1);
    EXPECT_EQ(one.upper, 1.0);
    EXPECT_TRUE(close_to(one.lower, 0.025, 1e-12));
}

TEST(StatsInterval, BadInputIsInputError) {
    EXPECT_THROW(clopper_pearson(0, 0), InputError);
    EXPECT_THROW(wilson(5, 3), InputError);
    EXPECT_THROW(clopper_pearson(1, 3, 1.0), InputError);
    EXPECT_THROW(clopper_pearson(1, kMaxTrials + 1), InputError);
    EXPECT_THROW(wilson(1, 3, 0.0), InputError);
    EXPECT_FALSE(parse_interval_method("wald").has_value());
    EXPECT_EQ(parse_interval_method("clopper-pearson"), IntervalMethod::exact);
}

TEST(StatsInterval, NewcombeDifferenceMatchesStatsmodels) {
    const auto& cases = stats_expected()["ztest"];
    ASSERT_GE(cases.size(), 10u);
    for (const auto& c : cases) {
        const auto r = newcombe_difference(c["ka"], c["na"], c["kb"], c["nb"]);
        EXPECT_TRUE(close_to(r.lower, c["diff_lower"].get<double>())) << c.dump();
        EXPECT_TRUE(close_to(r.upper, c["diff_upper"].get<double>())) << c.dump();
    }
}

} // namespace
} // namespace moecut::stats

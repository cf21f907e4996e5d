// Quantiles (numpy's linear method), distinct-n and per-group tallies.
#include "moecut/error.h"
#include "moecut/stats/descriptive.h"
#include "moecut/stats/group_stats.h"

#include "stats_fixture.h"

#include <vector>

namespace moecut::stats {
namespace {

using test::close_to;
using test::stats_expected;

TEST(StatsDescriptive, QuantileMatchesNumpy) {
    const auto& cases = stats_expected()["quantile"];
    ASSERT_GE(cases.size(), 4u);
    for (const auto& c : cases) {
        const auto values = c["values"].get<std::vector<double>>();
        for (std::size_t i = 0; i < c["q"].size(); ++i) {
            const double q = c["q"][i];
            EXPECT_TRUE(close_to(quantile(values, q), c["expected"][i].get<double>(), 1e-12))
                << c["values"].dump() << " q=" << q;
        }
    }
}

TEST(StatsDescriptive, MedianAndP90) {
    const std::vector<double> lengths{10, 20, 30, 40};
    EXPECT_DOUBLE_EQ(median(lengths), 25.0);  // h = 1.5
    EXPECT_DOUBLE_EQ(p90(lengths), 37.0);     // h = 2.7: 30 + 0.7 * 10
    const std::vector<double> one{7};
    EXPECT_DOUBLE_EQ(median(one), 7.0);
    EXPECT_THROW(median(std::vector<double>{}), InputError);
    EXPECT_THROW(quantile(lengths, 1.1), InputError);
    EXPECT_THROW(quantile(std::vector<double>{1, std::nan("")}, 0.5), InputError);
}

TEST(StatsDescriptive, DistinctNOfOneSequence) {
    // A pure loop of period 3: 4-grams (1,2,3,1), (2,3,1,2), (3,1,2,3) recur.
    const std::vector<TokenId> loop{1, 2, 3, 1, 2, 3, 1, 2, 3, 1};
    // 7 four-grams, 3 distinct.
    EXPECT_DOUBLE_EQ(*distinct_n(loop, 4), 3.0 / 7.0);
    const std::vector<TokenId> fresh{1, 2, 3, 4, 5, 6};
    EXPECT_DOUBLE_EQ(*distinct_n(fresh, 4), 1.0);
    EXPECT_DOUBLE_EQ(*distinct_n(loop, 1), 3.0 / 10.0);
    EXPECT_FALSE(distinct_n(std::vector<TokenId>{1, 2, 3}, 4).has_value());
    EXPECT_THROW(distinct_n(fresh, 0), InputError);
    // Large and negative ids are distinct values, not collapsed.
    const std::vector<TokenId> ids{-1, 1, 65536, 1, 256};
    EXPECT_DOUBLE_EQ(*distinct_n(ids, 1), 4.0 / 5.0);
}

TEST(StatsDescriptive, DistinctNCorpusAndMacro) {
    DistinctNgrams d(2);
    d.add(std::vector<TokenId>{1, 2, 1, 2});  // bigrams 12 21 12: 2 distinct of 3
    d.add(std::vector<TokenId>{1, 2, 3});     // 12 23: 2 distinct of 2, 23 new to the corpus
    d.add(std::vector<TokenId>{9});           // no bigram: not counted
    d.add(std::vector<TokenId>{2, 1});        // 21 only: 1 of 1, already seen
    EXPECT_EQ(d.total_ngrams(), 6u);
    EXPECT_EQ(d.distinct_ngrams(), 3u);  // 12 21 23 (no bigram spans two sequences)
    EXPECT_EQ(d.sequences_counted(), 3u);
    EXPECT_DOUBLE_EQ(*d.corpus(), 3.0 / 6.0);
    EXPECT_DOUBLE_EQ(*d.macro(), (2.0 / 3.0 + 1.0 + 1.0) / 3.0);
    DistinctNgrams empty(4);
    EXPECT_FALSE(empty.corpus().has_value());
    EXPECT_FALSE(empty.macro().has_value());
}

TEST(StatsDescriptive, GroupedRates) {
    GroupedRates loops;
    for (int i = 0; i < 100; ++i) loops.add("codex", i < 13);
    for (int i = 0; i < 50; ++i) loops.add("cursor-chat", i < 1);
    loops.add_counts("empty", 0, 0);
    const auto overall = loops.summarize_overall();
    EXPECT_EQ(overall.successes, 14u);
    EXPECT_EQ(overall.trials, 150u);
    EXPECT_DOUBLE_EQ(overall.interval.rate, 14.0 / 150.0);
    const auto rows = loops.summarize(IntervalMethod::wilson);
    ASSERT_EQ(rows.size(), 2u);  // "empty" has no trials
    EXPECT_EQ(rows[0].group, "codex");
    EXPECT_EQ(rows[0].successes, 13u);
    const auto w = wilson(13, 100);
    EXPECT_DOUBLE_EQ(rows[0].interval.lower, w.lower);
    EXPECT_EQ(rows[1].group, "cursor-chat");
    EXPECT_DOUBLE_EQ(rows[1].interval.rate, 0.02);
    EXPECT_THROW(GroupedRates{}.summarize_overall(), InputError);
    EXPECT_THROW(loops.add_counts("x", 3, 2), InputError);
}

TEST(StatsDescriptive, GroupedSamples) {
    GroupedSamples lengths;
    for (double v : {100.0, 200.0, 300.0}) lengths.add("a", v);
    for (double v : {1000.0, 32000.0}) lengths.add("b", v);
    const auto all = lengths.summarize_overall();
    EXPECT_EQ(all.count, 5u);
    EXPECT_DOUBLE_EQ(all.median, 300.0);
    EXPECT_DOUBLE_EQ(all.p90, 1000.0 + 0.6 * 31000.0);  // h = 3.6
    const auto rows = lengths.summarize();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_DOUBLE_EQ(rows[0].median, 200.0);
    EXPECT_DOUBLE_EQ(rows[1].median, 16500.0);
    EXPECT_THROW(GroupedSamples{}.summarize_overall(), InputError);
}

} // namespace
} // namespace moecut::stats

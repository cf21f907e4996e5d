// Per-group tallies for evaluation reports: rates (loop rate, natural-EOS
// rate) and samples (output lengths) kept per prompt source and overall.
#pragma once

#include "moecut/stats/interval.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace moecut::stats {

struct RateCount {
    std::uint64_t successes = 0;  // events: looped, ended on EOS, ...
    std::uint64_t trials = 0;
};

struct RateSummary {
    std::string group;  // "" for the overall row
    std::uint64_t successes = 0;
    std::uint64_t trials = 0;
    ProportionInterval interval;  // rate with its confidence interval
};

// Counts events per group and overall. Groups are reported in name order.
class GroupedRates {
public:
    void add(std::string_view group, bool event);
    void add_counts(std::string_view group, std::uint64_t successes, std::uint64_t trials);

    RateCount overall() const { return overall_; }
    const std::map<std::string, RateCount, std::less<>>& groups() const { return groups_; }
    // One row per group that has trials, each with its interval. Groups with
    // no trials are left out (their rate is undefined).
    std::vector<RateSummary> summarize(IntervalMethod method = IntervalMethod::exact,
                                       double confidence = 0.95) const;
    // The overall row; throws InputError when nothing was added.
    RateSummary summarize_overall(IntervalMethod method = IntervalMethod::exact,
                                  double confidence = 0.95) const;

private:
    RateCount overall_;
    std::map<std::string, RateCount, std::less<>> groups_;
};

struct SampleSummary {
    std::string group;  // "" for the overall row
    std::size_t count = 0;
    double median = 0;
    double p90 = 0;
};

// Keeps values (e.g. output lengths in tokens) per group and overall, and
// reports median and p90 (numpy-linear quantiles) of each.
class GroupedSamples {
public:
    void add(std::string_view group, double value);
    const std::vector<double>& overall() const { return overall_; }
    const std::map<std::string, std::vector<double>, std::less<>>& groups() const { return groups_; }
    std::vector<SampleSummary> summarize() const;
    SampleSummary summarize_overall() const;  // throws InputError when empty

private:
    std::vector<double> overall_;
    std::map<std::string, std::vector<double>, std::less<>> groups_;
};

} // namespace moecut::stats

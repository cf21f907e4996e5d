#include "moecut/stats/group_stats.h"

#include "moecut/error.h"
#include "moecut/stats/descriptive.h"

#include <fmt/core.h>

namespace moecut::stats {
namespace {

RateSummary make_rate_summary(std::string group, const RateCount& count, IntervalMethod method,
                              double confidence) {
    RateSummary s;
    s.group = std::move(group);
    s.successes = count.successes;
    s.trials = count.trials;
    s.interval = proportion_interval(count.successes, count.trials, method, confidence);
    return s;
}

SampleSummary make_sample_summary(std::string group, const std::vector<double>& values) {
    SampleSummary s;
    s.group = std::move(group);
    s.count = values.size();
    s.median = median(values);
    s.p90 = p90(values);
    return s;
}

RateCount& slot(std::map<std::string, RateCount, std::less<>>& groups, std::string_view group) {
    auto it = groups.find(group);
    if (it == groups.end()) it = groups.emplace(std::string(group), RateCount{}).first;
    return it->second;
}

} // namespace

void GroupedRates::add(std::string_view group, bool event) { add_counts(group, event ? 1 : 0, 1); }

void GroupedRates::add_counts(std::string_view group, std::uint64_t successes, std::uint64_t trials) {
    if (successes > trials)
        throw InputError(fmt::format("group {}: {} successes is more than {} trials", group, successes, trials));
    RateCount& g = slot(groups_, group);
    g.successes += successes;
    g.trials += trials;
    overall_.successes += successes;
    overall_.trials += trials;
}

std::vector<RateSummary> GroupedRates::summarize(IntervalMethod method, double confidence) const {
    std::vector<RateSummary> rows;
    for (const auto& [name, count] : groups_)
        if (count.trials > 0) rows.push_back(make_rate_summary(name, count, method, confidence));
    return rows;
}

RateSummary GroupedRates::summarize_overall(IntervalMethod method, double confidence) const {
    if (overall_.trials == 0) throw InputError("rates: nothing was counted");
    return make_rate_summary("", overall_, method, confidence);
}

void GroupedSamples::add(std::string_view group, double value) {
    auto it = groups_.find(group);
    if (it == groups_.end()) it = groups_.emplace(std::string(group), std::vector<double>{}).first;
    it->second.push_back(value);
    overall_.push_back(value);
}

std::vector<SampleSummary> GroupedSamples::summarize() const {
    std::vector<SampleSummary> rows;
    for (const auto& [name, values] : groups_) rows.push_back(make_sample_summary(name, values));
    return rows;
}

SampleSummary GroupedSamples::summarize_overall() const {
    if (overall_.empty()) throw InputError("samples: no values were added");
    return make_sample_summary("", overall_);
}

} // namespace moecut::stats

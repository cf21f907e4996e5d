// What a loop-rate evaluation reports, computed from its sample records:
// per prompt source and overall, and against a baseline run.
//
//   RunMetrics m = compute_metrics(records);          // Clopper–Pearson 95% by default
//   Comparison c = compare_runs(baseline_records, records);
//
// Rates are over the valid samples (all minus error and timeout): a failed
// request says nothing about whether the model terminates. loop_rate counts
// `loop`, runaway_rate `runaway` (the cap reached with no loop found: the
// non-termination ratio r_nt(cap)), eos_rate `eos`. distinct-4 is the mean
// over samples of |distinct 4-grams| / |4-grams| on generated token ids
// (samples with ids only); lengths are generated tokens over valid samples.
#pragma once

#include "moecut/eval_record.h"
#include "moecut/stats/interval.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace moecut {

struct GroupMetrics {
    std::string group;  // a source name, or "all"
    std::uint64_t samples = 0, valid = 0, loops = 0, eos = 0, runaways = 0, timeouts = 0, errors = 0;
    std::optional<stats::ProportionInterval> loop_rate, eos_rate, runaway_rate;  // nullopt when valid = 0
    std::optional<double> distinct4;
    std::optional<double> median_tokens, p90_tokens;
};

struct RunMetrics {
    stats::IntervalMethod method = stats::IntervalMethod::exact;
    double confidence = 0.95;
    GroupMetrics overall;
    std::vector<GroupMetrics> sources;  // in name order
};

RunMetrics compute_metrics(std::span<const SampleRecord> records,
                           stats::IntervalMethod method = stats::IntervalMethod::exact, double confidence = 0.95);

// The candidate's loop rate against a baseline's. Independent arms: pooled
// two-proportion z-test, Fisher's exact test and Newcombe's interval of the
// difference (candidate - baseline). When the two runs hold the same (probe,
// sample index) keys the design is paired: McNemar on the keys valid in both,
// and that p is the primary one; otherwise (disjoint or partly overlapping
// keys) the z-test's.
struct Comparison {
    double rate_baseline = 0, rate_candidate = 0, diff = 0;
    stats::DifferenceInterval diff_interval;
    double z = 0, p_z = 1, p_fisher = 1;
    bool paired = false;
    std::uint64_t pairs = 0, only_baseline = 0, only_candidate = 0;  // McNemar's b and c
    double p_mcnemar = 1;
    double p = 1;           // the primary p-value (McNemar when paired, else z)
    std::optional<double> p_adjusted;  // across sweep cells, when set by the caller
};

// InputError when either run has no valid sample.
Comparison compare_runs(std::span<const SampleRecord> baseline, std::span<const SampleRecord> candidate);

nlohmann::ordered_json metrics_to_json(const RunMetrics& m);
nlohmann::ordered_json comparison_to_json(const Comparison& c);

} // namespace moecut

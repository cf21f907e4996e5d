// Descriptive statistics of an evaluation run: quantiles of output lengths and
// distinct-n of generated token ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

namespace moecut::stats {

// The q-quantile (q in [0, 1]) by linear interpolation between closest ranks,
// numpy's default (method="linear", R type 7): with the values sorted,
// h = (n - 1) q, result = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
// Throws InputError on no values, a NaN value, or q outside [0, 1].
double quantile(std::span<const double> values, double q);
double median(std::span<const double> values);  // quantile 0.5
double p90(std::span<const double> values);     // quantile 0.9

using TokenId = std::int32_t;

// distinct-n of one sequence (Li et al. 2016): distinct n-grams / n-grams,
// n-grams taken over token ids at every position. nullopt when the sequence
// has fewer than n tokens (no n-grams). seq-rep-n = 1 - distinct-n.
// Throws InputError when n is 0.
std::optional<double> distinct_n(std::span<const TokenId> tokens, std::size_t n);

// Accumulates distinct-n over many sequences (n-grams never span two
// sequences) and reports both forms eval.md §3.6 asks for:
//   corpus(): distinct n-grams over all sequences / all n-grams;
//   macro():  mean of the per-sequence distinct-n over sequences that have at
//             least one n-gram.
class DistinctNgrams {
public:
    explicit DistinctNgrams(std::size_t n);
    void add(std::span<const TokenId> tokens);

    std::size_t n() const { return n_; }
    std::uint64_t total_ngrams() const { return total_; }
    std::uint64_t distinct_ngrams() const { return seen_.size(); }
    std::uint64_t sequences_counted() const { return counted_; }  // with >= 1 n-gram
    std::optional<double> corpus() const;
    std::optional<double> macro() const;

private:
    std::size_t n_;
    std::uint64_t total_ = 0;
    std::uint64_t counted_ = 0;
    double macro_sum_ = 0;
    std::unordered_set<std::string> seen_;  // n-grams as raw bytes of n token ids
};

} // namespace moecut::stats

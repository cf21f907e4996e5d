// Internal to the loop detector: near-duplicate loops ("near_duplicate").
// Keeps the count of every 4-gram (by 64-bit rolling hash) inside the last
// `window` tokens and the number of distinct ones, so the windowed distinct-4
// costs O(1) per token in a table of fixed size; fires once it has stayed below max_distinct4 for
// `window` consecutive tokens.
#pragma once

#include "loop_hash_table.h"
#include "moecut/loop_detector.h"

#include <cstdint>
#include <vector>

namespace moecut::detail {

class DiversityWindow {
public:
    explicit DiversityWindow(const LoopDetectorConfig& config);

    // tokens holds the whole history, the newest token last. True when the
    // detector fires at the newest token; then period() and start() say where.
    bool push(const std::vector<std::int64_t>& tokens);

    // Distinct 4-grams / 4-grams in the current window (1 until it is full).
    double distinct4() const;
    // Distance from the newest 4-gram to its previous occurrence: the block
    // length of the loop at the time it fired (0 if it never occurred).
    std::int64_t period() const { return period_; }
    std::int64_t start() const { return start_; }

private:
    std::int64_t window_;
    double limit_;  // distinct count that must not be reached
    RollingHash hash_;
    CountTable grams_;
    std::vector<std::uint64_t> ring_;  // key of the 4-gram ending at t, at t % window
    std::int64_t distinct_ = 0;
    std::int64_t streak_ = 0;
    std::int64_t period_ = 0;
    std::int64_t start_ = -1;
    std::int64_t t_ = -1;
};

} // namespace moecut::detail

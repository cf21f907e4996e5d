// Internal to the loop detector: exact tail cycles ("cycle", "long_cycle").
// Periods 1..32 have direct run counters; longer ones are candidates
// adopted from a rolling hash of the last `anchor` tokens at content-selected
// positions (a quarter of them) (the distance to
// that w-gram's previous occurrence), verified token by token and extended
// backwards up to the firing threshold, then advanced one compare per token
// until their run breaks. See loop_detector.h for the guarantees.
#pragma once

#include "loop_hash_table.h"
#include "moecut/loop_detector.h"

#include <array>
#include <cstdint>
#include <vector>

namespace moecut::detail {

class CycleTracker {
public:
    // Periods 1..kDirectPeriods have direct run counters (anchor <= it).
    static constexpr int kDirectPeriods = 32;  // loop_cycle_tracker.cpp's update_direct assumes 32

    explicit CycleTracker(const LoopDetectorConfig& config);

    // tokens holds the whole history, the newest token last. Returns the
    // smallest period whose threshold the tail meets now, or 0.
    std::int64_t push(const std::vector<std::int64_t>& tokens);

    // Run length (consecutive i <= t with x[i] == x[i - period]) needed to
    // fire for this period, or -1 when the period is not watched.
    std::int64_t needed_run(std::int64_t period) const;

private:
    struct Candidate {
        std::int64_t period = 0;
        std::int64_t run = 0;
    };

    void adopt(const std::vector<std::int64_t>& x, std::int64_t t, std::int64_t d);

    LoopDetectorConfig config_;
    std::int64_t direct_;  // periods 1..direct_ have counters
    std::array<std::int64_t, kDirectPeriods> direct_run_{};   // [32 - p]
    std::array<std::int64_t, kDirectPeriods> direct_need_{};  // [32 - p], INT64_MAX when unwatched
    std::array<Candidate, LoopDetector::kMaxCandidates> candidates_{};
    int n_candidates_ = 0;
    RollingHash anchor_hash_;
    FingerprintMap last_end_;  // w-gram fingerprint -> end position + 1
};

// Index of the first token of the longest suffix of tokens[0..t] that has
// the given period (x[i] == x[i - period] throughout).
std::int64_t periodic_region_start(const std::vector<std::int64_t>& tokens, std::int64_t t, std::int64_t period);

} // namespace moecut::detail

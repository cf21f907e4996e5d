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

    // First half of a token, to call before push: mixed = mix64 of token t.
    // Advances the anchor hash and starts loading its table slot, so that the
    // caller's other work hides the cache miss.
    void begin(std::int64_t t, std::uint64_t mixed);
    // tokens holds the whole history, the newest token last (begin() called
    // for it). Returns the smallest period whose threshold the tail meets
    // now, or 0. push = advance (direct counters, candidates) then finish
    // (anchor look-up and adoption, firing); a caller may put other work
    // between them to hide the anchor slot's load further.
    std::int64_t push(const std::vector<std::int64_t>& tokens) {
        advance(tokens);
        return finish(tokens);
    }
    void advance(const std::vector<std::int64_t>& tokens);
    std::int64_t finish(const std::vector<std::int64_t>& tokens);

    // Run length (consecutive i <= t with x[i] == x[i - period]) needed to
    // fire for this period, or -1 when the period is not watched.
    std::int64_t needed_run(std::int64_t period) const;

private:
    struct Candidate {
        std::int64_t period = 0;
        std::int64_t run = 0;
        std::int64_t need = 0;  // needed_run(period)
    };
    // The last tokens as 32-bit halves, oldest first, so that the 32 direct
    // compares are 32-bit lanes (SSE2): filled up to n_, the last 32 moved to
    // the front when full.
    static constexpr int kTail = 256;

    void adopt(const std::vector<std::int64_t>& x, std::int64_t t, std::int64_t d);

    LoopDetectorConfig config_;
    std::int64_t direct_;  // periods 1..direct_ have counters
    // Run counters and needs in 32 bits: a run longer than 2^31 - 1 tokens
    // (needs are clamped there) is out of reach, as are the anchor table's
    // 32-bit positions beyond 2^32 - 1 tokens.
    std::array<std::int32_t, kDirectPeriods> direct_run_{};   // [32 - p]
    std::array<std::int32_t, kDirectPeriods> direct_need_{};  // [32 - p], INT32_MAX when unwatched
    std::array<std::uint32_t, kTail> lo_{};
    std::array<std::uint32_t, kTail> hi_{};
    int n_ = 0;
    std::int64_t fired_direct_ = 0;  // advance's smallest firing direct period, or 0
    std::uint64_t anchor_key_ = 0;  // the newest w-gram's key when it is an anchor, else 0
    std::array<std::uint64_t, 64> mixed_{};  // mix64 of token t at t & 63 (anchor <= 32)
    std::array<Candidate, LoopDetector::kMaxCandidates> candidates_{};
    int n_candidates_ = 0;
    RollingHash anchor_hash_;
    FingerprintMap last_end_;  // w-gram fingerprint -> end position + 1
};

// Index of the first token of the longest suffix of tokens[0..t] that has
// the given period (x[i] == x[i - period] throughout).
std::int64_t periodic_region_start(const std::vector<std::int64_t>& tokens, std::int64_t t, std::int64_t period);

} // namespace moecut::detail

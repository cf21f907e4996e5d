// Internal to the loop detector: near-duplicate loops ("near_duplicate").
// Keeps the count of every distinct 4-gram inside the last `window` tokens and
// the number of distinct ones, so the windowed distinct-4 costs O(1) per token
// in a table of fixed size; fires once it has stayed below max_distinct4 for
// `window` consecutive tokens.
//
// The count is exact and needs one table look-up per token: a table maps
// each 4-gram to its latest position (a 32-bit tag of its 64-bit hash, a
// match confirmed by comparing the four tokens in the history, so colliding
// hashes never merge two 4-grams). The newest 4-gram is new to the window
// when its previous occurrence lies before it; the oldest leaves the distinct
// set when no later occurrence was seen (a flag per window position, set when
// that later occurrence looked it up). Entries whose position left the window
// are dead; the table is rebuilt from the window when half full. No division
// (power-of-two table and ring), no allocation after construction.
#pragma once

#include "moecut/loop_detector.h"

#include <cstdint>
#include <vector>

namespace moecut::detail {

class DiversityWindow {
public:
    explicit DiversityWindow(const LoopDetectorConfig& config);

    // tokens holds the whole history, the newest token last; mixed is
    // mix64(tokens.back()). True when the detector fires at the newest token;
    // then period() and start() say where.
    bool push(const std::vector<std::int64_t>& tokens, std::uint64_t mixed) {
        begin(static_cast<std::int64_t>(tokens.size()) - 1, mixed);
        return finish(tokens);
    }
    // push in two halves: begin computes the 4-gram's hash and starts loading
    // its table slot; a caller may do other work before finish.
    void begin(std::int64_t t, std::uint64_t mixed);
    bool finish(const std::vector<std::int64_t>& tokens);

    // Distinct 4-grams / 4-grams in the current window (1 until it is full).
    double distinct4() const;
    // Distance from the newest 4-gram to its previous occurrence: the block
    // length of the loop at the time it fired (0 if it never occurred).
    std::int64_t period() const { return period_; }
    std::int64_t start() const { return start_; }

private:
    struct Slot {
        std::uint32_t tag = 0;   // low half of the 4-gram's hash
        std::uint32_t pos1 = 0;  // its latest position + 1; 0: empty
    };

    std::size_t home(std::uint64_t hash) const { return static_cast<std::size_t>(hash >> shift_); }
    // Stores t as the latest position of the 4-gram ending at t; returns the
    // previous one, or -1.
    std::int64_t exchange(const std::int64_t* x, std::uint64_t hash, std::int64_t t);
    void rebuild(const std::int64_t* x);

    std::int64_t window_;
    std::int64_t span_;     // 4-grams in a full window: window - 3
    std::int64_t limit_;    // distinct counts below it are low (ceil(max_distinct4 * span))
    std::uint64_t m1_ = 0, m2_ = 0, m3_ = 0;
    std::uint64_t hash_ = 0;  // of the newest 4-gram (begin)  // mix64 of the three tokens before the newest
    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    int shift_ = 0;
    std::size_t used_ = 0;     // non-empty slots
    std::size_t max_used_ = 0; // rebuild beyond it
    std::vector<std::uint64_t> ring_;  // hash of the 4-gram ending at t, at t & ring_mask_
    std::vector<std::uint8_t> later_;  // at t & ring_mask_: a later occurrence came
    std::size_t ring_mask_ = 0;
    std::int64_t distinct_ = 0;
    std::int64_t streak_ = 0;
    std::int64_t period_ = 0;
    std::int64_t start_ = -1;
    std::int64_t t_ = -1;
};

} // namespace moecut::detail

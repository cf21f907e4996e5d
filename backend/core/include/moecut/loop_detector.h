// Streaming loop detector for generated token ids (eval.md §2.3, D1-D4).
//
// Feed every generated token to push(); it returns true from the token at
// which a loop is first detected on. The first detection is kept (hit());
// later tokens are counted but change nothing. The detector never touches the
// sequence: an online caller may stop generation at hit().detected_at, an
// offline caller (detect_loops) just reads the result. Four kinds:
//
//   "cycle"          exact tail cycle: the last tokens are >= min_count
//                    consecutive copies of a block of period p in
//                    [min_period, max_period], covering >= min_tokens tokens
//                    (so "-----" or a short repeated table row do not fire).
//                    With min_tokens = 0 this is vLLM's repetition_detection
//                    predicate (min_pattern_size, max_pattern_size, min_count).
//   "long_cycle"     the same for periods above max_period, unbounded, with
//                    long_min_count copies: candidates come from a rolling
//                    hash of the last `anchor` tokens (distance to the previous
//                    occurrence of that w-gram).
//   "near_duplicate" windowed distinct-4 (distinct 4-grams / 4-grams in the
//                    last `window` tokens) below max_distinct4 for `window`
//                    consecutive tokens: loops whose copies differ (a counter).
//   "think_restart"  a second reasoning-end marker (think_end_ids), or a
//                    reasoning-start marker (think_start_ids) after an end.
//
// Cost: periods 1..32 have direct run counters (one vectorised pass of 32
// compares); longer periods come from at most kMaxCandidates candidates,
// adopted when a w-gram anchor (the last `anchor` tokens, at a content-
// selected quarter of positions, by rolling hash) recurs, and advanced with
// one compare per token. push is O(1) per token, plus a backward comparison
// bounded by the firing threshold when a candidate is adopted and one
// backward scan of the repeating region when a loop fires (to report start).
// Memory: the token history and one 8-byte slot per anchor occurrence.
// Equivalence with vLLM's predicate (min_tokens = 0): exact for periods
// <= 32; for longer periods exact when an anchor of the block recurs before
// the threshold (min_count >= 3 and blocks of distinct-ish tokens; the test
// checks 400 random cases). A block none of whose w-grams is selected (odds
// about 0.75^period) or that repeats all its w-grams can be found late or
// not at all; near_duplicate usually still fires.
//
//   LoopDetector det(config);
//   for (auto t : tokens) if (det.push(t)) break;   // online: stop early
//   const LoopHit& h = det.hit();                   // h.kind, h.period, h.start
#pragma once

#include "moecut/eval_outcome.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace moecut {

struct LoopDetectorConfig {
    // Exact cycles, kind "cycle".
    std::int64_t min_period = 1;
    std::int64_t max_period = 256;
    std::int64_t min_count = 4;    // copies of the block at the tail
    std::int64_t min_tokens = 64;  // tokens the repeating tail covers, at least
    // Longer periods, kind "long_cycle" (period > max_period, no upper bound).
    bool long_cycles = true;
    std::int64_t long_min_count = 3;
    std::int64_t anchor = 8;  // w-gram width for candidate periods, 1..32
    // Near-duplicate loops, kind "near_duplicate".
    bool near_duplicates = true;
    std::int64_t window = 512;     // tokens per distinct-4 window, >= 8
    double max_distinct4 = 0.35;   // fires when distinct-4 < this for `window` tokens
    // Reasoning restarts, kind "think_restart" (off while both are empty).
    std::vector<std::int64_t> think_end_ids;    // e.g. the id of "</think>"
    std::vector<std::int64_t> think_start_ids;  // e.g. the id of "<think>"

    // Throws InputError naming the field on an out-of-range value.
    void validate() const;
};

// Missing keys keep their defaults; unknown keys and wrong types are
// InputError. to_json writes every field.
void to_json(nlohmann::json& j, const LoopDetectorConfig& c);
void from_json(const nlohmann::json& j, LoopDetectorConfig& c);

struct LoopHit {
    std::string kind;             // "" when nothing was detected
    std::int64_t period = 0;      // block length in tokens (distance between markers for think_restart)
    std::int64_t start = -1;      // index of the first token of the repeating region
    std::int64_t detected_at = -1; // index of the token at which it fired

    bool detected() const { return !kind.empty(); }
    explicit operator bool() const { return detected(); }
};

void to_json(nlohmann::json& j, const LoopHit& h);

class LoopDetector {
public:
    static constexpr int kMaxCandidates = 16;

    explicit LoopDetector(LoopDetectorConfig config = {});  // validates the config
    ~LoopDetector();
    LoopDetector(LoopDetector&&) noexcept;
    LoopDetector& operator=(LoopDetector&&) noexcept;

    // Adds the next token; true once a loop has been detected (at it or before).
    bool push(std::int64_t token);
    const LoopHit& hit() const { return hit_; }
    std::int64_t tokens_seen() const { return seen_; }
    const LoopDetectorConfig& config() const { return config_; }

private:
    struct State;
    LoopDetectorConfig config_;
    std::unique_ptr<State> state_;
    LoopHit hit_;
    std::int64_t seen_ = 0;
};

// Exactly the streaming detector fed token by token.
LoopHit detect_loops(std::span<const std::int64_t> tokens, const LoopDetectorConfig& config = {});

// classify(hit.detected(), end) of eval_outcome.h.
Outcome classify(const LoopHit& hit, Termination end);

} // namespace moecut

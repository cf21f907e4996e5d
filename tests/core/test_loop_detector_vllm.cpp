// The "cycle" kind with min_tokens = 0 against a transcription of vLLM's
// repetition_detection predicate (vllm/v1/core/sched/utils.py,
// check_sequence_repetition, checked after every token): same first position,
// same (smallest) pattern length.
#include "moecut/loop_detector.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace moecut {
namespace {

using Tokens = std::vector<std::int64_t>;

// For pattern_len in [min, max]: stop with false once pattern_len * min_count
// exceeds the length; true when the last pattern_len tokens equal each of the
// min_count - 1 blocks before them. Returns the pattern length, or 0.
std::int64_t vllm_repetition(const Tokens& x, std::int64_t min_size, std::int64_t max_size, std::int64_t min_count) {
    if (min_size <= 0) min_size = 1;
    if (max_size <= 0 || min_count < 2 || min_size > max_size) return 0;
    const auto n = static_cast<std::int64_t>(x.size());
    for (std::int64_t p = min_size; p <= max_size; ++p) {
        if (p * min_count > n) return 0;
        bool all = true;
        for (std::int64_t k = 1; k <= p && all; ++k) {
            for (std::int64_t m = 1; m < min_count && all; ++m) all = x[static_cast<std::size_t>(n - k)] == x[static_cast<std::size_t>(n - (p * m + k))];
        }
        if (all) return p;
    }
    return 0;
}

TEST(LoopDetectorVllm, SamePredicateOnExactCycles) {
    std::mt19937_64 rng(7);
    int fired = 0;
    for (int trial = 0; trial < 400; ++trial) {
        LoopDetectorConfig c;
        c.min_period = 1 + static_cast<std::int64_t>(rng() % 4);
        c.max_period = c.min_period + static_cast<std::int64_t>(rng() % 60);
        c.min_count = 2 + static_cast<std::int64_t>(rng() % 4);
        c.min_tokens = 0;
        c.long_cycles = false;
        c.near_duplicates = false;
        // A random prefix over a small alphabet (chance short repeats fire
        // too), then a block of period 1..70 (some beyond max_period), with
        // small-alphabet blocks for short periods ("a b b a").
        Tokens x;
        const std::size_t alphabet = trial % 3 == 0 ? 3 : 50000;
        for (std::size_t i = 0, n = rng() % 40; i < n; ++i) x.push_back(static_cast<std::int64_t>(rng() % alphabet));
        const std::size_t p = 1 + rng() % (trial % 2 ? 8 : 70);
        Tokens block;
        for (std::size_t i = 0; i < p; ++i) block.push_back(static_cast<std::int64_t>(p < 9 ? rng() % 3 : 100 + rng() % 50000));
        for (std::size_t k = 0, copies = 1 + rng() % 7; k < copies; ++k) x.insert(x.end(), block.begin(), block.end());

        std::int64_t expected_at = -1, expected_period = 0;
        Tokens prefix;
        for (const auto t : x) {
            prefix.push_back(t);
            expected_period = vllm_repetition(prefix, c.min_period, c.max_period, c.min_count);
            if (expected_period > 0) {
                expected_at = static_cast<std::int64_t>(prefix.size()) - 1;
                break;
            }
        }
        const LoopHit h = detect_loops(x, c);
        ASSERT_EQ(h.detected_at, expected_at) << "trial " << trial;
        if (expected_at < 0) continue;
        ++fired;
        EXPECT_EQ(h.kind, "cycle");
        EXPECT_EQ(h.period, expected_period) << "trial " << trial;
    }
    EXPECT_GT(fired, 150);  // 194 of 400 with this seed
}

} // namespace
} // namespace moecut

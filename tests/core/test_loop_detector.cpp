// The streaming loop detector (loop_detector.h): each kind on constructed
// sequences with exact period/start/position, streaming == offline, vLLM's
// repetition_detection predicate on exact cycles, JSON config, and false
// positive / false negative rates on the labelled set tests/data/loops.
#include "moecut/error.h"
#include "moecut/loop_detector.h"
#include "moecut/tokenizer.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace moecut {
namespace {

using Tokens = std::vector<std::int64_t>;

// Distinct random ids from [base, base + 1e6): no chance repeats.
Tokens fresh(std::mt19937_64& rng, std::size_t n, std::int64_t base = 1000) {
    Tokens out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(base + static_cast<std::int64_t>(rng() % 1000000));
    return out;
}

Tokens looped(const Tokens& prefix, const Tokens& block, std::size_t copies) {
    Tokens out = prefix;
    for (std::size_t c = 0; c < copies; ++c) out.insert(out.end(), block.begin(), block.end());
    return out;
}

TEST(LoopDetector, ExactCyclePeriodStartAndPosition) {
    std::mt19937_64 rng(1);
    for (const std::size_t p : {1u, 3u, 5u, 8u, 9u, 17u, 40u, 256u}) {
        const Tokens prefix = fresh(rng, 37);
        const Tokens x = looped(prefix, fresh(rng, p), 400 / p + 5);
        const LoopHit h = detect_loops(x);
        ASSERT_TRUE(h) << p;
        EXPECT_EQ(h.kind, "cycle");
        EXPECT_EQ(h.period, static_cast<std::int64_t>(p));
        EXPECT_EQ(h.start, 37);
        // Default: 4 copies covering >= 64 tokens: need run max(3p, 64 - p).
        const auto pp = static_cast<std::int64_t>(p);
        EXPECT_EQ(h.detected_at, 37 + pp + std::max<std::int64_t>(3 * pp, 64 - pp) - 1) << p;
    }
}

TEST(LoopDetector, ReportsTheSmallestPeriodAndIgnoresShortRuns) {
    Tokens x = {5, 6, 7};
    for (int i = 0; i < 100; ++i) x.push_back(i % 2 ? 2 : 1);  // "1 2 1 2 ..." also has period 4
    const LoopHit h = detect_loops(x);
    EXPECT_EQ(h.kind, "cycle");
    EXPECT_EQ(h.period, 2);
    EXPECT_EQ(h.start, 3);
    const Tokens dashes(63, 42);  // "-----": 63 copies, below min_tokens
    EXPECT_FALSE(detect_loops(dashes));
    Tokens more = dashes;
    more.push_back(42);
    EXPECT_EQ(detect_loops(more).detected_at, 63);
}

TEST(LoopDetector, LongCyclesBeyondMaxPeriod) {
    std::mt19937_64 rng(2);
    for (const std::size_t p : {257u, 700u, 2500u}) {
        const Tokens x = looped(fresh(rng, 11), fresh(rng, p), 4);
        const LoopHit h = detect_loops(x);
        EXPECT_EQ(h.kind, "long_cycle");
        EXPECT_EQ(h.period, static_cast<std::int64_t>(p));
        EXPECT_EQ(h.start, 11);
        EXPECT_EQ(h.detected_at, 11 + 3 * static_cast<std::int64_t>(p) - 1);  // 3 copies
        LoopDetectorConfig off;
        off.long_cycles = false;
        EXPECT_FALSE(detect_loops(looped(fresh(rng, 11), fresh(rng, p), 4), off)) << p;
    }
}

TEST(LoopDetector, NearDuplicateLoopWithCounter) {
    std::mt19937_64 rng(3);
    const Tokens prefix = fresh(rng, 300);
    const Tokens block = fresh(rng, 15);  // one counter token per 16: distinct-4 about 4/16
    Tokens x = prefix;
    for (std::int64_t i = 0; i < 200; ++i) {
        x.push_back(10 + i);  // the counter
        x.insert(x.end(), block.begin(), block.end());
    }
    const LoopHit h = detect_loops(x);
    EXPECT_EQ(h.kind, "near_duplicate");
    EXPECT_EQ(h.period, 16);
    EXPECT_GE(h.start, 300 - 512);
    EXPECT_LE(h.start, 300 + 512);
    EXPECT_LT(h.detected_at, 300 + 2 * 512 + 200);
    LoopDetectorConfig off;
    off.near_duplicates = false;
    EXPECT_FALSE(detect_loops(x, off));  // no exact cycle: the counter breaks every copy
}

TEST(LoopDetector, ThinkRestarts) {
    LoopDetectorConfig c;
    c.think_end_ids = {99};
    c.think_start_ids = {98};
    const Tokens twice = {98, 1, 2, 99, 3, 4, 5, 99, 6};
    const LoopHit h = detect_loops(twice, c);
    EXPECT_EQ(h.kind, "think_restart");
    EXPECT_EQ(h.period, 4);
    EXPECT_EQ(h.start, 4);
    EXPECT_EQ(h.detected_at, 7);
    const LoopHit resumed = detect_loops(Tokens{98, 1, 99, 3, 4, 98, 5}, c);
    EXPECT_EQ(resumed.kind, "think_restart");
    EXPECT_EQ(resumed.start, 3);
    EXPECT_EQ(resumed.detected_at, 5);
    EXPECT_FALSE(detect_loops(Tokens{98, 1, 2, 99, 3, 4}, c));
    EXPECT_FALSE(detect_loops(twice));  // no ids configured: off
}

TEST(LoopDetector, StreamingEqualsOfflineAndNeverLooksAhead) {
    std::mt19937_64 rng(4);
    LoopDetectorConfig c;
    c.think_end_ids = {7};
    for (int trial = 0; trial < 60; ++trial) {
        Tokens x;
        while (x.size() < 3000) {  // small alphabet: chance repeats, cycles, markers
            const std::size_t kind = rng() % 4, len = 1 + rng() % 60;
            Tokens b;
            for (std::size_t i = 0; i < len; ++i) b.push_back(static_cast<std::int64_t>(rng() % (kind == 0 ? 8 : 400)));
            const std::size_t copies = kind == 1 ? 1 + rng() % 6 : 1;
            for (std::size_t k = 0; k < copies; ++k) x.insert(x.end(), b.begin(), b.end());
        }
        LoopDetector d(c);
        std::int64_t first_true = -1;
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (d.push(x[i]) && first_true < 0) first_true = static_cast<std::int64_t>(i);
        }
        const LoopHit off = detect_loops(x, c);
        EXPECT_EQ(off.kind, d.hit().kind);
        EXPECT_EQ(off.period, d.hit().period);
        EXPECT_EQ(off.start, d.hit().start);
        EXPECT_EQ(off.detected_at, d.hit().detected_at);
        EXPECT_EQ(first_true, d.hit().detected_at);
        EXPECT_EQ(d.tokens_seen(), static_cast<std::int64_t>(x.size()));
        if (!off) continue;
        const auto at = static_cast<std::size_t>(off.detected_at);
        EXPECT_EQ(detect_loops(std::span(x).first(at + 1), c).detected_at, off.detected_at);
        EXPECT_FALSE(detect_loops(std::span(x).first(at), c));
    }
}

TEST(LoopDetector, ClassifyWithHit) {
    LoopHit none;
    EXPECT_EQ(classify(none, Termination::eos), Outcome::eos);
    EXPECT_EQ(classify(none, Termination::cap), Outcome::runaway);
    const LoopHit h = detect_loops(Tokens(100, 3));
    ASSERT_TRUE(h);
    EXPECT_EQ(classify(h, Termination::eos), Outcome::loop);  // EOS after the loop: still a loop
    EXPECT_EQ(classify(h, Termination::cap), Outcome::loop);
    EXPECT_EQ(classify(h, Termination::timeout), Outcome::timeout);
}

TEST(LoopDetectorConfig, JsonRoundTripAndErrors) {
    LoopDetectorConfig c;
    c.max_period = 100;
    c.think_end_ids = {151668};
    c.max_distinct4 = 0.25;
    const nlohmann::json j = c;
    EXPECT_EQ(j.at("min_count"), 4);
    const auto back = j.get<LoopDetectorConfig>();
    EXPECT_EQ(nlohmann::json(back), j);
    EXPECT_EQ(nlohmann::json::object().get<LoopDetectorConfig>().max_period, 256);
    EXPECT_THROW((nlohmann::json{{"min_cont", 3}}.get<LoopDetectorConfig>()), InputError);
    EXPECT_THROW((nlohmann::json{{"min_count", "3"}}.get<LoopDetectorConfig>()), InputError);
    EXPECT_THROW((nlohmann::json{{"min_count", 1}}.get<LoopDetectorConfig>()), InputError);
    EXPECT_THROW((nlohmann::json{{"anchor", 0}}.get<LoopDetectorConfig>()), InputError);
    EXPECT_THROW((nlohmann::json{{"max_distinct4", 1.5}}.get<LoopDetectorConfig>()), InputError);
    LoopDetectorConfig bad;
    bad.min_period = 5;
    bad.max_period = 4;
    EXPECT_THROW(LoopDetector{bad}, InputError);
}

} // namespace
} // namespace moecut

namespace moecut {
namespace {

struct Labelled {
    std::string id;
    bool loop = false;
    std::vector<std::int64_t> tokens;
};

std::vector<Labelled> labelled_set(const Tokenizer& tok) {
    std::ifstream in(test::test_data_dir() / "loops" / "labelled.jsonl");
    std::vector<Labelled> out;
    for (std::string line; std::getline(in, line);) {
        const auto j = nlohmann::json::parse(line);
        Labelled l{j.at("id"), j.at("loop"), {}};
        for (const std::int32_t id : tok.encode(j.at("text").get<std::string>(), false)) l.tokens.push_back(id);
        out.push_back(std::move(l));
    }
    return out;
}

// The labelled set (scripts/make_loop_labelled_set.py) under the default
// config, with the demo tokenizer's </think> and <think> as markers.
TEST(LoopDetectorLabelled, FalsePositiveAndNegativeRates) {
    const auto tok = Tokenizer::from_file(test::source_dir() / "resources/models/tiny-glm5-moe/tokenizer.json");
    LoopDetectorConfig c;
    c.think_end_ids = {*tok.token_to_id("</think>")};
    c.think_start_ids = {*tok.token_to_id("<think>")};
    const auto items = labelled_set(tok);
    ASSERT_GE(items.size(), 60u);
    int negatives = 0, positives = 0, fp = 0, fn = 0;
    for (const auto& item : items) {
        const LoopHit h = detect_loops(item.tokens, c);
        (item.loop ? positives : negatives) += 1;
        if (h.detected() != item.loop) {
            (item.loop ? fn : fp) += 1;
        }
        std::printf("%-28s %5zu tokens  loop=%d  kind=%-14s period=%lld start=%lld at=%lld\n", item.id.c_str(),
                    item.tokens.size(), item.loop, h.kind.c_str(), static_cast<long long>(h.period),
                    static_cast<long long>(h.start), static_cast<long long>(h.detected_at));
    }
    std::printf("labelled set: %d negatives, %d false positives (%.1f%%); %d loops, %d false negatives\n", negatives,
                fp, 100.0 * fp / negatives, positives, fn);
    EXPECT_GE(positives, 20);
    EXPECT_GE(negatives, 30);
    EXPECT_LE(fp, negatives * 5 / 100);
    EXPECT_EQ(fn, 0);
}

} // namespace
} // namespace moecut

// generate() with one RowSampler per sequence (moecut/sampling.h): greedy rows
// equal the batch greedy sampler, seeded rows are reproducible and do not
// depend on the batch they run in, penalties see each sequence's own history.
#include "moecut/engine/generate.h"
#include "moecut/error.h"
#include "moecut/sampling.h"
#include "moecut/tiny_checkpoint.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <set>

using namespace moecut;
using namespace moecut::engine;

namespace {

struct Tiny {
    test::TempDir tmp;
    Model model;
    explicit Tiny(Family f) : model(open(tmp, f)) {}
    static Model open(const test::TempDir& tmp, Family f) {
        TinyOptions o;
        o.family = f;
        o.seed = 11;
        make_tiny_checkpoint(o, tmp / "m");
        return Model::open(tmp / "m");
    }
};

const std::vector<std::vector<std::int64_t>> kPrompts = {{5, 17, 230, 9, 44, 61}, {300, 12}, {7, 7, 7, 8}};

std::vector<RowSampler> rows_for(const SamplerConfig& c, std::uint64_t run_seed, std::size_t n, std::size_t first = 0) {
    std::vector<RowSampler> rows;
    for (std::size_t i = 0; i < n; ++i)
        rows.emplace_back(c, sample_seed(run_seed, "probe" + std::to_string(first + i), 0));
    return rows;
}

TEST(GenerateRowSamplers, GreedyRowsEqualTheGreedySampler) {
    Tiny t(Family::Qwen3Moe);
    GenerateOptions go;
    go.max_new_tokens = 7;
    const auto greedy = generate(t.model, kPrompts, go);
    SamplerConfig c;
    c.temperature = 0;
    auto rows = rows_for(c, 1, kPrompts.size());
    go.row_samplers = &rows;
    const auto got = generate(t.model, kPrompts, go);
    for (std::size_t b = 0; b < kPrompts.size(); ++b) EXPECT_EQ(got[b].tokens, greedy[b].tokens) << b;
}

TEST(GenerateRowSamplers, SeededRowsAreReproducibleAndIndependentOfTheBatch) {
    Tiny t(Family::GlmMoeDsa);
    SamplerConfig c;  // raw sampling
    c.min_p = 0.02;
    c.repetition_penalty = 1.1;
    GenerateOptions go;
    go.max_new_tokens = 10;
    auto rows = rows_for(c, 5, kPrompts.size());
    go.row_samplers = &rows;
    const auto batched = generate(t.model, kPrompts, go);
    auto again = rows_for(c, 5, kPrompts.size());
    go.row_samplers = &again;
    const auto repeat = generate(t.model, kPrompts, go);
    std::set<std::vector<std::int64_t>> distinct;
    for (std::size_t b = 0; b < kPrompts.size(); ++b) {
        EXPECT_EQ(batched[b].tokens, repeat[b].tokens) << b;
        auto alone_rows = rows_for(c, 5, 1, b);
        go.row_samplers = &alone_rows;
        const auto alone = generate(t.model, {kPrompts[b]}, go);
        EXPECT_EQ(alone[0].tokens, batched[b].tokens) << "sequence " << b << " alone";
        distinct.insert(batched[b].tokens);
    }
    EXPECT_EQ(distinct.size(), kPrompts.size());
    auto other = rows_for(c, 6, kPrompts.size());
    go.row_samplers = &other;
    const auto reseeded = generate(t.model, kPrompts, go);
    bool changed = false;
    for (std::size_t b = 0; b < kPrompts.size(); ++b) changed |= reseeded[b].tokens != batched[b].tokens;
    EXPECT_TRUE(changed);
}

TEST(GenerateRowSamplers, PenaltiesSeeEachSequencesOwnHistory) {
    Tiny t(Family::Qwen3Moe);
    SamplerConfig c;
    c.temperature = 0;
    c.repetition_penalty = 1e6;  // a seen token's logit goes to ~0 or far below
    c.presence_penalty = 2;
    GenerateOptions go;
    go.max_new_tokens = 12;
    auto rows = rows_for(c, 0, kPrompts.size());
    go.row_samplers = &rows;
    const auto got = generate(t.model, kPrompts, go);
    for (std::size_t b = 0; b < kPrompts.size(); ++b) {
        std::set<std::int64_t> seen(kPrompts[b].begin(), kPrompts[b].end());
        for (auto tok : got[b].tokens) EXPECT_TRUE(seen.insert(tok).second) << "sequence " << b << " repeats " << tok;
    }
}

TEST(GenerateRowSamplers, OnePerPrompt) {
    Tiny t(Family::Qwen3Moe);
    auto rows = rows_for(SamplerConfig{}, 0, 2);
    GenerateOptions go;
    go.row_samplers = &rows;
    EXPECT_THROW(generate(t.model, kPrompts, go), InputError);
}

// stop_row sees every new token of every running row and ends only the row it
// names (a loop detector stopping one sample of a batch).
TEST(GenerateRowSamplers, StopRowEndsOnlyThatSequence) {
    Tiny t(Family::Qwen3Moe);
    GenerateOptions go;
    go.max_new_tokens = 8;
    const auto plain = generate(t.model, kPrompts, go);
    std::vector<std::vector<std::int64_t>> seen(kPrompts.size());
    go.stop_row = [&](std::size_t row, std::int64_t token) {
        seen[row].push_back(token);
        return row == 1 && seen[row].size() == 3;
    };
    const auto got = generate(t.model, kPrompts, go);
    EXPECT_EQ(got[1].stop, StopReason::Stopped);
    EXPECT_EQ(got[1].tokens, std::vector<std::int64_t>(plain[1].tokens.begin(), plain[1].tokens.begin() + 3));
    for (std::size_t b : {0u, 2u}) {
        EXPECT_EQ(got[b].tokens, plain[b].tokens) << b;
        EXPECT_EQ(seen[b], got[b].tokens) << b;
    }
    EXPECT_STREQ(stop_reason_name(StopReason::Stopped), "stopped");
}

} // namespace

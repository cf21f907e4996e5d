// KV-cache decoding and generation: cached incremental logits equal the
// no-cache forward (left-padded batches, multi-token and one-token steps, the
// DSA indexer over cached keys), greedy generation equals transformers'
// generate(do_sample=False) (tests/data/generation/cases.json, made by
// scripts/make_generation_goldens.py), samplers, EOS ids.
#include "moecut/engine/generate.h"
#include "moecut/error.h"
#include "moecut/tiny_checkpoint.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <cstdio>
#include <fstream>

using namespace moecut;
using namespace moecut::engine;

namespace {


Family family_named(const std::string& model_type) {
    for (Family f : {Family::GlmMoeDsa, Family::Glm4Moe, Family::DeepseekV3, Family::DeepseekV32, Family::Qwen3Moe,
                     Family::Qwen2Moe, Family::Mixtral})
        if (family_model_type(f) == model_type) return f;
    throw std::runtime_error("unknown family " + model_type);
}

std::filesystem::path tiny(const test::TempDir& tmp, Family f, std::uint64_t seed,
                           ExpertLayout layout = ExpertLayout::PerExpert) {
    TinyOptions o;
    o.family = f;
    o.seed = seed;
    o.layout = layout;
    auto dir = tmp / (std::string(family_model_type(f)) + "_" + std::to_string(seed));
    make_tiny_checkpoint(o, dir);
    return dir;
}

std::vector<std::int64_t> random_ids(std::int64_t n, std::uint64_t seed) {
    torch::manual_seed(seed);
    auto t = torch::randint(4, 512, {n}, torch::kLong);
    return std::vector<std::int64_t>(t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + n);
}

torch::Tensor row(const std::vector<std::int64_t>& ids) { return torch::tensor(ids, torch::kLong).unsqueeze(0); }

// Two sequences (prompt lengths 6 and 3, then 8 more tokens each): prefill
// left-padded, then a 3-token step and five 1-token steps through the cache.
// Every real position's logits must equal those of each sequence's own
// no-cache forward. Returns the largest error.
double cached_vs_full(Model& model) {
    const auto s0 = random_ids(14, 1), s1 = random_ids(11, 2);
    const std::vector<std::vector<std::int64_t>> prompts = {{s0.begin(), s0.begin() + 6}, {s1.begin(), s1.begin() + 3}};
    std::vector<torch::Tensor> got0, got1;  // [V] per real position, in order
    KvCache cache = model.new_cache(2);
    auto [ids, mask] = left_pad(prompts, 0);
    ForwardOptions fo;
    fo.cache = &cache;
    fo.attention_mask = mask;
    auto l = model.forward(ids, fo).logits;
    for (int t = 0; t < 6; ++t) got0.push_back(l[0][t]);
    for (int t = 3; t < 6; ++t) got1.push_back(l[1][t]);
    fo.attention_mask = torch::Tensor();
    std::size_t next0 = 6, next1 = 3;
    for (int chunk : {3, 1, 1, 1, 1, 1}) {
        auto step = torch::empty({2, chunk}, torch::kLong);
        for (int c = 0; c < chunk; ++c) {
            step[0][c] = s0[next0 + static_cast<std::size_t>(c)];
            step[1][c] = s1[next1 + static_cast<std::size_t>(c)];
        }
        next0 += static_cast<std::size_t>(chunk);
        next1 += static_cast<std::size_t>(chunk);
        l = model.forward(step, fo).logits;
        for (int c = 0; c < chunk; ++c) {
            got0.push_back(l[0][c]);
            got1.push_back(l[1][c]);
        }
    }
    EXPECT_EQ(cache.length(), 14);
    auto full0 = model.forward(row(s0)).logits[0];
    auto full1 = model.forward(row(s1)).logits[0];
    return std::max((torch::stack(got0) - full0).abs().max().item<double>(),
                    (torch::stack(got1) - full1).abs().max().item<double>());
}

struct CacheCase {
    Family family;
    ExpertLayout layout;
    bool dense_shortcut;
};

class CachedForward : public ::testing::TestWithParam<CacheCase> {};

TEST_P(CachedForward, IncrementalLogitsEqualTheFullForward) {
    test::TempDir tmp;
    const auto p = GetParam();
    ModelOptions mo;
    mo.indexer_dense_shortcut = p.dense_shortcut;
    auto model = Model::open(tiny(tmp, p.family, 5, p.layout), mo);
    const double err = cached_vs_full(model);
    EXPECT_LE(err, 1e-4) << family_model_type(p.family);
}

INSTANTIATE_TEST_SUITE_P(
    Families, CachedForward,
    ::testing::Values(CacheCase{Family::GlmMoeDsa, ExpertLayout::PerExpert, true},
                      CacheCase{Family::GlmMoeDsa, ExpertLayout::PerExpert, false},
                      CacheCase{Family::DeepseekV32, ExpertLayout::PerExpert, true},
                      CacheCase{Family::DeepseekV3, ExpertLayout::PerExpert, true},
                      CacheCase{Family::Glm4Moe, ExpertLayout::PerExpert, true},
                      CacheCase{Family::Qwen3Moe, ExpertLayout::Fused, true},
                      CacheCase{Family::Qwen2Moe, ExpertLayout::PerExpert, true},
                      CacheCase{Family::Mixtral, ExpertLayout::PerExpert, true}),
    [](const auto& info) {
        return std::string(family_model_type(info.param.family)) +
               (info.param.layout == ExpertLayout::Fused ? "_fused" : "") +
               (info.param.dense_shortcut ? "" : "_no_shortcut");
    });

TEST(KvCache, HoldsWhatEachFamilyCaches) {
    test::TempDir tmp;
    auto mla = Model::open(tiny(tmp, Family::GlmMoeDsa, 3));
    KvCache c = mla.new_cache(2);
    ForwardOptions fo;
    fo.cache = &c;
    mla.forward(torch::randint(4, 512, {2, 5}, torch::kLong), fo);
    const auto& a = mla.arch();
    for (int i = 0; i < a.num_hidden_layers; ++i) {
        const auto& l = c.layer(i);
        ASSERT_TRUE(l.latent.defined());
        EXPECT_EQ(l.latent.sizes(), (std::vector<std::int64_t>{2, 5, a.attention.kv_lora_rank}));
        EXPECT_EQ(l.k_rot.sizes(), (std::vector<std::int64_t>{2, 5, a.attention.qk_rope_head_dim}));
        EXPECT_FALSE(l.k.defined());  // not the expanded keys
        const bool full = a.layers[static_cast<std::size_t>(i)].indexer == IndexerKind::Full;
        // The dense shortcut skips the indexer at 5 tokens: keys are still cached for later steps.
        EXPECT_EQ(l.index_k.defined(), full) << "layer " << i;
    }
    auto gqa = Model::open(tiny(tmp, Family::Qwen3Moe, 3));
    KvCache g = gqa.new_cache(1);
    fo.cache = &g;
    gqa.forward(torch::randint(4, 512, {1, 4}, torch::kLong), fo);
    EXPECT_EQ(g.layer(0).k.sizes(), (std::vector<std::int64_t>{1, 4, 2, 32}));
    EXPECT_FALSE(g.layer(0).latent.defined());
    EXPECT_GT(g.bytes(), 0);
}

TEST(KvCache, PositionsFollowEachSequence) {
    test::TempDir tmp;
    auto model = Model::open(tiny(tmp, Family::Mixtral, 3));
    KvCache c = model.new_cache(2);
    auto mask = torch::tensor({0, 0, 1, 1, 1, 1, 1, 1}, torch::kLong).view({2, 4});
    auto pos = c.begin_step(mask, 4);
    EXPECT_TRUE(pos.equal(torch::tensor({0, 0, 0, 1, 0, 1, 2, 3}, torch::kLong).view({2, 4})));
    pos = c.begin_step(torch::Tensor(), 1);
    EXPECT_TRUE(pos.equal(torch::tensor({2, 4}, torch::kLong).view({2, 1})));
    auto allowed = c.allowed(1, 0);
    EXPECT_TRUE(allowed[0][0].equal(torch::tensor({false, false, true, true, true})));
}

// Greedy generation against transformers' generate(do_sample=False).
TEST(Generation, GreedyMatchesTransformers) {
    std::ifstream in(test::test_data_dir() / "generation" / "cases.json");
    ASSERT_TRUE(in) << "tests/data/generation/cases.json missing";
    const auto doc = nlohmann::json::parse(in);
    ASSERT_GE(doc["cases"].size(), 3u);
    bool long_dsa = false;
    for (const auto& c : doc["cases"]) {
        SCOPED_TRACE(c["name"].get<std::string>());
        test::TempDir tmp;
        TinyOptions o;
        o.family = family_named(c["family"]);
        o.layout = c["layout"] == "fused" ? ExpertLayout::Fused : ExpertLayout::PerExpert;
        o.seed = c["seed"].get<std::uint64_t>();
        make_tiny_checkpoint(o, tmp / "m");
        ASSERT_EQ(test::file_fnv1a64(tmp / "m" / "config.json"), c["config_fnv1a64"]) << "rerun scripts/make_generation_goldens.py";
        ASSERT_EQ(test::file_fnv1a64(tmp / "m" / "model.safetensors"), c["weights_fnv1a64"])
            << "make-tiny's weights changed: rerun scripts/make_generation_goldens.py";
        auto model = Model::open(tmp / "m");
        EXPECT_EQ(eos_token_ids(tmp / "m"), c["eos_token_id"].get<std::vector<std::int64_t>>());
        GenerateOptions go;
        go.max_new_tokens = c["max_new_tokens"];
        go.eos_ids = eos_token_ids(tmp / "m");
        const auto prompts = c["prompts"].get<std::vector<std::vector<std::int64_t>>>();
        const auto expected = c["expected"].get<std::vector<std::vector<std::int64_t>>>();
        const auto got = generate(model, prompts, go);
        ASSERT_EQ(got.size(), expected.size());
        for (std::size_t b = 0; b < got.size(); ++b) {
            EXPECT_EQ(got[b].tokens, expected[b]) << "sequence " << b;
            const auto cap = static_cast<std::size_t>(go.max_new_tokens);
            EXPECT_EQ(got[b].stop == StopReason::MaxTokens, expected[b].size() == cap &&
                      std::find(go.eos_ids.begin(), go.eos_ids.end(), expected[b].back()) == go.eos_ids.end());
            const auto topk = tiny_config(o.family).value("index_topk", std::int64_t{1} << 40);
            if (static_cast<std::int64_t>(prompts[b].size() + expected[b].size()) > topk) long_dsa = true;
        }
    }
    EXPECT_TRUE(long_dsa) << "no case decodes past index_topk";
}

TEST(Generation, CachedUncachedAndStreamingAgree) {
    test::TempDir tmp;
    const auto dir = tiny(tmp, Family::GlmMoeDsa, 8);
    auto model = Model::open(dir);
    TemperatureSampler s1(0.8, 42);
    GenerateOptions go;
    go.max_new_tokens = 9;
    go.sampler = &s1;
    const std::vector<std::vector<std::int64_t>> prompts = {random_ids(7, 3), random_ids(2, 4)};
    const auto cached = generate(model, prompts, go);
    TemperatureSampler s2(0.8, 42);
    go.sampler = &s2;
    go.use_cache = false;
    const auto uncached = generate(model, prompts, go);
    ModelOptions so;
    so.streaming = true;
    auto streamed_model = Model::open(dir, so);
    TemperatureSampler s3(0.8, 42);
    go.sampler = &s3;
    go.use_cache = true;
    const auto streamed = generate(streamed_model, prompts, go);
    for (std::size_t b = 0; b < prompts.size(); ++b) {
        EXPECT_EQ(cached[b].tokens, uncached[b].tokens);
        EXPECT_EQ(cached[b].tokens, streamed[b].tokens);
        EXPECT_EQ(cached[b].tokens.size(), 9u);
    }
    EXPECT_LE(streamed_model.weights().peak_resident_layers(), 1);
}

TEST(Generation, StopsEachSequenceAtItsEos) {
    test::TempDir tmp;
    auto model = Model::open(tiny(tmp, Family::Qwen3Moe, 8));
    const std::vector<std::vector<std::int64_t>> prompts = {random_ids(5, 5), random_ids(3, 6)};
    GenerateOptions go;
    go.max_new_tokens = 6;
    const auto free_run = generate(model, prompts, go);
    // Make sequence 0's third token an EOS: it stops there, sequence 1 runs on unchanged.
    go.eos_ids = {free_run[0].tokens[2]};
    std::vector<std::int64_t> steps;
    go.on_step = [&](std::int64_t step, const std::vector<std::int64_t>&) { steps.push_back(step); };
    const auto stopped = generate(model, prompts, go);
    const auto first = std::find(free_run[0].tokens.begin(), free_run[0].tokens.end(), go.eos_ids[0]);
    const auto n0 = static_cast<std::size_t>(first - free_run[0].tokens.begin()) + 1;
    EXPECT_EQ(stopped[0].tokens, std::vector<std::int64_t>(free_run[0].tokens.begin(), free_run[0].tokens.begin() + static_cast<std::ptrdiff_t>(n0)));
    EXPECT_EQ(stopped[0].stop, StopReason::Eos);
    const auto e1 = std::find(free_run[1].tokens.begin(), free_run[1].tokens.end(), go.eos_ids[0]);
    const auto n1 = e1 == free_run[1].tokens.end() ? free_run[1].tokens.size()
                                                   : static_cast<std::size_t>(e1 - free_run[1].tokens.begin()) + 1;
    EXPECT_EQ(stopped[1].tokens, std::vector<std::int64_t>(free_run[1].tokens.begin(), free_run[1].tokens.begin() + static_cast<std::ptrdiff_t>(n1)));
    EXPECT_FALSE(steps.empty());
}

TEST(Sampler, TemperatureIsSeededAndFollowsTheDistribution) {
    auto logits = torch::tensor({0.0f, static_cast<float>(std::log(3.0))}).unsqueeze(0).expand({4000, 2});
    TemperatureSampler a(1.0, 9), b(1.0, 9), c(1.0, 10);
    auto ta = a.sample(logits), tb = b.sample(logits), tc = c.sample(logits);
    EXPECT_TRUE(ta.equal(tb));
    EXPECT_FALSE(ta.equal(tc));
    const double ones = ta.to(torch::kDouble).mean().item<double>();
    EXPECT_NEAR(ones, 0.75, 0.03);
    TemperatureSampler cold(0.01, 1);
    EXPECT_EQ(cold.sample(logits).sum().item<std::int64_t>(), 4000);
    GreedySampler g;
    EXPECT_EQ(g.sample(torch::tensor({{0.1f, 0.7f, 0.2f}})).item<std::int64_t>(), 1);
}

TEST(EosIds, FromGenerationConfigThenConfig) {
    test::TempDir tmp;
    test::write_text(tmp / "config.json", R"({"eos_token_id": 7})");
    EXPECT_EQ(eos_token_ids(tmp.path()), std::vector<std::int64_t>{7});
    test::write_text(tmp / "generation_config.json", R"({"eos_token_id": [4, 5]})");
    EXPECT_EQ(eos_token_ids(tmp.path()), (std::vector<std::int64_t>{4, 5}));
    test::write_text(tmp / "generation_config.json", R"({"bos_token_id": 1})");
    EXPECT_EQ(eos_token_ids(tmp.path()), std::vector<std::int64_t>{7});
    test::write_text(tmp / "generation_config.json", R"({"eos_token_id": "x"})");
    EXPECT_THROW(eos_token_ids(tmp.path()), InputError);
}

} // namespace

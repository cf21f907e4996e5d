// Tiny random checkpoints and the GLM-5.2 sparse preset.
#include "moecut/tiny_checkpoint.h"

#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/fp8.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <map>
#include <set>

namespace moecut {
namespace {

using test::TempDir;

constexpr std::array kFamilies = {Family::GlmMoeDsa, Family::Glm4Moe,  Family::DeepseekV3, Family::DeepseekV32,
                                  Family::Qwen3Moe,  Family::Qwen2Moe, Family::Mixtral};

ArchDescriptor tiny_arch(Family f) { return ArchDescriptor::from_config(tiny_config(f), "config.json"); }

std::filesystem::path make(const TempDir& tmp, Family f, ExpertLayout layout, bool fp8, std::uint64_t seed,
                           const std::string& name) {
    TinyOptions o;
    o.family = f;
    o.layout = layout;
    o.fp8 = fp8;
    o.seed = seed;
    auto dir = tmp / name;
    make_tiny_checkpoint(o, dir);
    return dir;
}

double mean_of(const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += x;
    return s / static_cast<double>(v.size());
}

double sd_of(const std::vector<float>& v) {
    const double m = mean_of(v);
    double s = 0;
    for (float x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size()));
}

TEST(TinyConfig, EveryFamilyParsesSmallWithItsStructure) {
    for (Family f : kFamilies) {
        SCOPED_TRACE(family_model_type(f));
        const nlohmann::json c = tiny_config(f);
        EXPECT_EQ(c.at("model_type"), family_model_type(f));
        EXPECT_EQ(c.at("architectures").at(0), family_architecture(f));
        const ArchDescriptor a = tiny_arch(f);
        EXPECT_EQ(a.hidden_size, 64);
        EXPECT_EQ(a.vocab_size, 512);
        EXPECT_GE(a.num_hidden_layers, 4);
        EXPECT_LE(a.num_hidden_layers, 6);
        EXPECT_GE(a.router.n_experts, 8);
        EXPECT_LE(a.router.n_experts, 16);
        EXPECT_GE(a.router.top_k, 2);
        EXPECT_LE(a.router.top_k, 4);
        EXPECT_FALSE(a.moe_layers().empty());
        const bool deepseek_like = f == Family::GlmMoeDsa || f == Family::Glm4Moe || f == Family::DeepseekV3 ||
                                   f == Family::DeepseekV32;
        EXPECT_EQ(a.mtp_layers().size(), deepseek_like ? 1u : 0u);
        EXPECT_EQ(!a.dense_layers().empty(), deepseek_like);
        EXPECT_EQ(a.router.correction_bias, deepseek_like);
        EXPECT_EQ(a.router.scoring == Scoring::Sigmoid, deepseek_like);
        EXPECT_EQ(a.n_shared_experts, f == Family::Qwen3Moe || f == Family::Mixtral ? 0 : 1);
        EXPECT_EQ(a.indexer.has_value(), f == Family::GlmMoeDsa || f == Family::DeepseekV32);
        if (a.indexer) {
            EXPECT_LT(a.indexer->topk, 24);
        }  // the check script's 24 tokens exercise it
    }
}

TEST(TinyConfig, FamilyDetails) {
    const ArchDescriptor glm5 = tiny_arch(Family::GlmMoeDsa);
    EXPECT_EQ(glm5.indexer_full_layers(), (std::vector<int>{0, 1, 3}));
    EXPECT_EQ(glm5.indexer_shared_layers(), (std::vector<int>{2, 4}));
    EXPECT_EQ(glm5.dense_layers(), (std::vector<int>{0}));
    EXPECT_EQ(glm5.mtp_layers(), (std::vector<int>{5}));
    EXPECT_DOUBLE_EQ(glm5.attention.rope.theta, 8e6);  // read from the nested rope_parameters

    const ArchDescriptor v3 = tiny_arch(Family::DeepseekV3);
    EXPECT_EQ(v3.router.n_group, 4);
    EXPECT_EQ(v3.router.topk_group, 2);
    EXPECT_EQ(v3.dense_layers(), (std::vector<int>{0, 1}));
    EXPECT_EQ(v3.attention.rope.type, "yarn");
    EXPECT_TRUE(v3.mtp_has_embed);

    const ArchDescriptor glm4 = tiny_arch(Family::Glm4Moe);
    EXPECT_TRUE(glm4.attention.qkv_bias);
    EXPECT_FALSE(glm4.attention.o_bias);
    EXPECT_TRUE(glm4.attention.qk_norm);
    EXPECT_EQ(glm4.attention.rope.rotary_dim, 8);  // partial_rotary_factor 0.5 of head_dim 16

    const ArchDescriptor q3 = tiny_arch(Family::Qwen3Moe);
    EXPECT_EQ(q3.attention.head_dim, 32);
    EXPECT_TRUE(q3.attention.qk_norm);
    EXPECT_TRUE(q3.router.norm_topk_prob);

    const ArchDescriptor q2 = tiny_arch(Family::Qwen2Moe);
    EXPECT_TRUE(q2.shared_expert_gate);
    EXPECT_EQ(q2.shared_intermediate_size, 80);
    EXPECT_FALSE(q2.router.norm_topk_prob);
    EXPECT_TRUE(q2.attention.qkv_bias);

    const ArchDescriptor mx = tiny_arch(Family::Mixtral);
    EXPECT_EQ(mx.router.n_experts, 8);
    EXPECT_EQ(mx.router.top_k, 2);
}

TEST(TinyCheckpoint, HoldsExactlyTheExpectedTensors) {
    TempDir tmp;
    for (Family f : kFamilies) {
        for (ExpertLayout layout : {ExpertLayout::PerExpert, ExpertLayout::Fused}) {
            const std::string name = family_model_type(f) + (layout == ExpertLayout::Fused ? "-fused" : "");
            SCOPED_TRACE(name);
            const auto dir = make(tmp, f, layout, false, 1, name);
            const Checkpoint ck = Checkpoint::open(dir);
            EXPECT_EQ(ck.config(), tiny_config(f));
            const auto gen = read_json_file(dir / "generation_config.json");
            EXPECT_EQ(gen.at("eos_token_id"), tiny_config(f).at("eos_token_id"));
            const ArchDescriptor a = tiny_arch(f);
            std::size_t n = 0;
            for (const ExpectedTensor& t : a.expected_tensors(layout)) {
                const bool want = t.required || a.mtp_has_embed;
                const Checkpoint::Entry* e = ck.find(t.name);
                ASSERT_EQ(e != nullptr, want) << t.name;
                if (!e) continue;
                ++n;
                EXPECT_EQ(e->info->shape, t.shape) << t.name;
                EXPECT_EQ(e->info->dtype, DType::F32) << t.name;
            }
            EXPECT_EQ(ck.entries().size(), n);
            EXPECT_EQ(ck.shards().size(), 1u);
            EXPECT_FALSE(std::filesystem::exists(dir / "model.safetensors.index.json"));
        }
    }
}

TEST(TinyCheckpoint, IndexerWeightsOnFullLayersOnly) {
    TempDir tmp;
    const Checkpoint ck = Checkpoint::open(make(tmp, Family::GlmMoeDsa, ExpertLayout::PerExpert, false, 0, "g"));
    for (int layer = 0; layer <= 5; ++layer) {
        const bool full = layer == 0 || layer == 1 || layer == 3 || layer == 5;  // 5 is the MTP layer
        const std::string p = "model.layers." + std::to_string(layer) + ".self_attn.indexer.";
        EXPECT_EQ(ck.contains(p + "wq_b.weight"), full) << layer;
        EXPECT_EQ(ck.contains(p + "weights_proj.weight"), full) << layer;
    }
    EXPECT_FALSE(ck.contains("model.layers.5.embed_tokens.weight"));  // GLM-5 ships no MTP embedding copy
    EXPECT_TRUE(ck.contains("model.layers.5.eh_proj.weight"));
    EXPECT_TRUE(ck.contains("model.layers.4.mlp.gate.e_score_correction_bias"));
}

TEST(TinyCheckpoint, DeterministicPerSeedAndIndependentOfLayout) {
    TempDir tmp;
    const auto a = make(tmp, Family::DeepseekV3, ExpertLayout::PerExpert, false, 7, "a");
    const auto b = make(tmp, Family::DeepseekV3, ExpertLayout::PerExpert, false, 7, "b");
    const auto c = make(tmp, Family::DeepseekV3, ExpertLayout::PerExpert, false, 8, "c");
    const auto d = make(tmp, Family::DeepseekV3, ExpertLayout::Fused, false, 7, "d");
    EXPECT_EQ(test::read_text(a / "model.safetensors"), test::read_text(b / "model.safetensors"));
    EXPECT_NE(test::read_text(a / "model.safetensors"), test::read_text(c / "model.safetensors"));
    // Each tensor has its own stream: the non-expert tensors of the fused
    // variant equal those of the per-expert one.
    const Checkpoint ca = Checkpoint::open(a), cd = Checkpoint::open(d);
    int same = 0;
    for (const auto& e : cd.entries()) {
        const auto* other = ca.find(e.info->name);
        if (!other) continue;
        const auto x = ca.bytes(*other), y = cd.bytes(e);
        EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin(), y.end())) << e.info->name;
        ++same;
    }
    EXPECT_GT(same, 50);
}

TEST(TinyCheckpoint, ValuesPinnedAcrossPlatforms) {
    // The generator uses integer arithmetic and IEEE multiplies only, so these
    // bits are the same everywhere; an independent Python implementation of
    // mt19937_64 + the same arithmetic gives them too. If the generator changes
    // on purpose, regenerate every fixture made from tiny checkpoints and
    // update these numbers.
    TempDir tmp;
    const Checkpoint ck = Checkpoint::open(make(tmp, Family::Mixtral, ExpertLayout::PerExpert, false, 42, "m"));
    const auto emb = load_as_float(ck, "model.embed_tokens.weight");
    // 0.031083673, -0.03232531, 0.001603183, 0.0001791886
    const std::array<std::uint32_t, 4> pinned = {1023320880u, 3171182475u, 986849765u, 960226451u};
    for (std::size_t i = 0; i < pinned.size(); ++i) EXPECT_EQ(std::bit_cast<std::uint32_t>(emb[i]), pinned[i]) << i;
}

TEST(TinyCheckpoint, ValueScales) {
    TempDir tmp;
    const Checkpoint ck = Checkpoint::open(make(tmp, Family::GlmMoeDsa, ExpertLayout::Fused, false, 3, "g"));
    const auto norm = load_as_float(ck, "model.layers.2.input_layernorm.weight");
    EXPECT_NEAR(mean_of(norm), 1.0, 0.03);
    EXPECT_NEAR(sd_of(norm), 0.05, 0.02);
    const auto experts = load_as_float(ck, "model.layers.2.mlp.experts.gate_up_proj");
    EXPECT_NEAR(mean_of(experts), 0.0, 0.001);
    EXPECT_NEAR(sd_of(experts), 0.02, 0.001);
    for (float x : experts) ASSERT_LE(std::fabs(x), 0.02f * 3.47f);
    const auto router = load_as_float(ck, "model.layers.2.mlp.gate.weight");
    EXPECT_NEAR(sd_of(router), 0.1, 0.01);
    const auto bias = load_as_float(ck, "model.layers.2.mlp.gate.e_score_correction_bias");
    EXPECT_NEAR(sd_of(bias), 0.05, 0.03);
    EXPECT_GT(*std::max_element(bias.begin(), bias.end()), *std::min_element(bias.begin(), bias.end()));
}

TEST(TinyCheckpoint, Fp8BlockQuantisedWithPartialEdges) {
    TempDir tmp;
    for (ExpertLayout layout : {ExpertLayout::PerExpert, ExpertLayout::Fused}) {
        const bool fused = layout == ExpertLayout::Fused;
        SCOPED_TRACE(fused ? "fused" : "per-expert");
        const auto ref_dir = make(tmp, Family::DeepseekV32, layout, false, 5, fused ? "rf" : "rp");
        const auto q_dir = make(tmp, Family::DeepseekV32, layout, true, 5, fused ? "qf" : "qp");
        const Checkpoint ref = Checkpoint::open(ref_dir), q = Checkpoint::open(q_dir);
        const auto block = fp8_block_from_config(q.config());
        ASSERT_TRUE(block.has_value());
        EXPECT_EQ(block->rows, 16);
        int quantised = 0, partial = 0;
        for (const auto& e : ref.entries()) {
            const std::string& name = e.info->name;
            const auto* qe = q.find(name);
            ASSERT_NE(qe, nullptr) << name;
            const auto* scale = q.find(scale_inv_name(name));
            const bool want_fp8 = e.info->shape.size() >= 2 && name.find("embed_tokens") == std::string::npos &&
                                  name.find("lm_head") == std::string::npos &&
                                  name.find("mlp.gate.weight") == std::string::npos &&
                                  name.find("weights_proj") == std::string::npos &&
                                  name.find("eh_proj") == std::string::npos &&
                                  name.find("shared_head.head") == std::string::npos;
            EXPECT_EQ(qe->info->dtype, want_fp8 ? DType::F8_E4M3 : DType::F32) << name;
            ASSERT_EQ(scale != nullptr, want_fp8) << name;
            const auto exact = load_as_float(ref, name);
            const auto deq = load_as_float(q, name);
            if (!want_fp8) {
                EXPECT_EQ(exact, deq) << name;
                continue;
            }
            ++quantised;
            const auto& shape = e.info->shape;
            const std::int64_t rows = shape[shape.size() - 2], cols = shape.back();
            auto expect_shape = std::vector<std::int64_t>(shape.begin(), shape.end() - 2);
            expect_shape.push_back((rows + 15) / 16);
            expect_shape.push_back((cols + 15) / 16);
            EXPECT_EQ(scale->info->shape, expect_shape) << name;
            EXPECT_EQ(scale->info->dtype, DType::F32) << name;
            if (rows % 16 || cols % 16) ++partial;
            // E4M3 keeps 3 mantissa bits: relative error <= 2^-4 for normal values,
            // and small values are subnormal relative to the block maximum.
            for (std::size_t i = 0; i < exact.size(); ++i)
                ASSERT_NEAR(deq[i], exact[i], std::fabs(exact[i]) / 16 + 1e-6) << name << " " << i;
        }
        EXPECT_GT(quantised, 20);
        EXPECT_GT(partial, 5);  // kv_a_proj (24 rows), experts (40)
        EXPECT_TRUE(q.contains(scale_inv_name(fused ? "model.layers.1.mlp.experts.gate_up_proj"
                                                    : "model.layers.1.mlp.experts.3.down_proj.weight")));
    }
}

TEST(TinyCheckpoint, ExistingOutputIsRefusedAndLeftAlone) {
    TempDir tmp;
    std::filesystem::create_directory(tmp / "out");
    test::write_text(tmp / "out" / "keep.txt", "mine");
    TinyOptions o;
    EXPECT_THROW(make_tiny_checkpoint(o, tmp / "out"), InputError);
    EXPECT_EQ(test::read_text(tmp / "out" / "keep.txt"), "mine");
    std::size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(tmp.path())) (void)e, ++entries;
    EXPECT_EQ(entries, 1u);  // no staging folder left behind
}

TEST(Glm52Config, RealShape) {
    const nlohmann::json c = glm52_config();
    const ArchDescriptor a = ArchDescriptor::from_config(c, "config.json");
    EXPECT_EQ(a.family, Family::GlmMoeDsa);
    EXPECT_EQ(a.num_hidden_layers, 78);
    EXPECT_EQ(a.mtp_layers(), (std::vector<int>{78}));
    EXPECT_EQ(a.dense_layers(), (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(a.moe_layers().size(), 75u);
    EXPECT_EQ(a.router.n_experts, 256);
    EXPECT_EQ(a.router.top_k, 8);
    EXPECT_EQ(a.hidden_size, 6144);
    EXPECT_DOUBLE_EQ(a.attention.rope.theta, 8e6);
    const auto full = a.indexer_full_layers();
    EXPECT_EQ(full.size(), 21u);
    const std::set<int> full_set(full.begin(), full.end());
    for (int i : {0, 1, 2, 6, 10, 14, 70, 74}) EXPECT_TRUE(full_set.count(i)) << i;
    for (int i : {3, 4, 5, 7, 73, 75, 77}) EXPECT_FALSE(full_set.count(i)) << i;
    EXPECT_EQ(c.at("indexer_types").size(), 78u);
    EXPECT_EQ(c.at("mlp_layer_types").size(), 78u);
    EXPECT_GT(a.params_total(), 7.3e11);
    EXPECT_LT(a.params_total(), 7.7e11);
}

TEST(SparseCheckpoint, HeadersOnlyBf16WithF32Bias) {
    TempDir tmp;
    make_sparse_checkpoint(tiny_config(Family::GlmMoeDsa), tmp / "s");
    const Checkpoint ck = Checkpoint::open(tmp / "s");
    const ArchDescriptor a = tiny_arch(Family::GlmMoeDsa);
    std::size_t required = 0;
    for (const auto& t : a.expected_tensors()) required += t.required;
    EXPECT_EQ(ck.entries().size(), required);
    for (const auto& e : ck.entries()) {
        const bool bias = e.info->name.ends_with("e_score_correction_bias");
        EXPECT_EQ(e.info->dtype, bias ? DType::F32 : DType::BF16) << e.info->name;
    }
    struct stat st {};
    ASSERT_EQ(::stat((tmp / "s" / "model.safetensors").c_str(), &st), 0);
    EXPECT_GT(st.st_size, 1'000'000);
    EXPECT_LT(static_cast<long long>(st.st_blocks) * 512, st.st_size / 4);  // mostly holes
}

} // namespace
} // namespace moecut

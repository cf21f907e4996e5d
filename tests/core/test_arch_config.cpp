// ArchDescriptor::from_config on the real full-size config.json of each
// supported family (tests/data/configs): layer lists, routing, attention,
// RoPE and the DSA indexer schedule.
#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using moecut::ArchDescriptor;
using nlohmann::json;
namespace mc = moecut;

namespace {

json load_config(const std::string& name) {
    return mc::read_json_file(mc::test::test_data_dir() / "configs" / (name + ".json"));
}

ArchDescriptor load(const std::string& name) { return ArchDescriptor::from_config(load_config(name), name + ".json"); }

std::vector<int> iota(int from, int to_inclusive) {
    std::vector<int> v(static_cast<std::size_t>(to_inclusive - from + 1));
    std::iota(v.begin(), v.end(), from);
    return v;
}

} // namespace

TEST(ArchConfig, Glm52LayersAndRouting) {
    const ArchDescriptor d = load("glm5_2");
    EXPECT_EQ(d.family, mc::Family::GlmMoeDsa);
    EXPECT_EQ(d.model_type, "glm_moe_dsa");
    EXPECT_EQ(d.num_hidden_layers, 78);
    EXPECT_EQ(d.num_mtp_layers, 1);
    ASSERT_EQ(d.layers.size(), 79u);
    EXPECT_EQ(d.dense_layers(), (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(d.moe_layers(), iota(3, 77));
    EXPECT_EQ(d.mtp_layers(), (std::vector<int>{78}));
    EXPECT_TRUE(d.layers[78].is_mtp);
    EXPECT_TRUE(d.layers[78].is_moe);
    EXPECT_EQ(d.hidden_size, 6144);
    EXPECT_EQ(d.vocab_size, 154880);
    EXPECT_EQ(d.intermediate_size, 12288);
    EXPECT_EQ(d.moe_intermediate_size, 2048);
    EXPECT_EQ(d.n_shared_experts, 1);
    EXPECT_EQ(d.shared_intermediate_size, 2048);
    EXPECT_FALSE(d.mtp_has_embed);
    EXPECT_EQ(d.max_position_embeddings, 1048576);
    EXPECT_EQ(d.eos_token_ids, (std::vector<std::int64_t>{154820, 154827, 154829}));

    const mc::RouterSpec& r = d.router;
    EXPECT_EQ(r.scoring, mc::Scoring::Sigmoid);
    EXPECT_TRUE(r.correction_bias);
    EXPECT_EQ(r.n_group, 1);
    EXPECT_EQ(r.topk_group, 1);
    EXPECT_TRUE(r.norm_topk_prob);
    EXPECT_DOUBLE_EQ(r.routed_scaling_factor, 2.5);
    EXPECT_EQ(r.n_experts, 256);
    EXPECT_EQ(r.top_k, 8);
    EXPECT_EQ(d.expert_count_field(), "n_routed_experts");
}

TEST(ArchConfig, Glm52AttentionAndIndexer) {
    const ArchDescriptor d = load("glm5_2");
    const mc::AttentionSpec& a = d.attention;
    EXPECT_EQ(a.kind, mc::AttentionKind::Mla);
    EXPECT_EQ(a.n_heads, 64);
    EXPECT_EQ(a.q_lora_rank, 2048);
    EXPECT_EQ(a.kv_lora_rank, 512);
    EXPECT_EQ(a.qk_nope_head_dim, 192);
    EXPECT_EQ(a.qk_rope_head_dim, 64);
    EXPECT_EQ(a.v_head_dim, 256);
    // theta nested in rope_parameters (8e6 in 5.2; a flat fallback would give 1e4).
    EXPECT_DOUBLE_EQ(a.rope.theta, 8e6);
    EXPECT_EQ(a.rope.type, "default");
    EXPECT_EQ(a.rope.rotary_dim, 64);
    EXPECT_EQ(a.rope.style, mc::RopeStyle::Interleaved);
    EXPECT_DOUBLE_EQ(a.softmax_scale, 1.0 / 16.0);  // (192+64)^-0.5, no YaRN

    ASSERT_TRUE(d.indexer.has_value());
    EXPECT_EQ(d.indexer->n_heads, 32);
    EXPECT_EQ(d.indexer->head_dim, 128);
    EXPECT_EQ(d.indexer->topk, 2048);
    EXPECT_EQ(d.indexer->rope_style, mc::RopeStyle::Interleaved);

    // IndexShare: full = {0, 1, 2, 6, 10, ..., 74}, 21 layers; 57 shared.
    std::vector<int> full = {0, 1, 2};
    for (int i = 6; i <= 74; i += 4) full.push_back(i);
    EXPECT_EQ(d.indexer_full_layers(), full);
    EXPECT_EQ(d.indexer_full_layers().size(), 21u);
    EXPECT_EQ(d.indexer_shared_layers().size(), 57u);
    // The same as transformers' rule with freq 4, offset 3.
    for (int i = 0; i < 78; ++i) {
        const bool rule_full = std::max(i - 3 + 1, 0) % 4 == 0;
        EXPECT_EQ(d.layers[static_cast<std::size_t>(i)].indexer,
                  rule_full ? mc::IndexerKind::Full : mc::IndexerKind::Shared)
            << "layer " << i;
    }
    EXPECT_EQ(d.layers[78].indexer, mc::IndexerKind::Full);  // MTP always full
}

TEST(ArchConfig, Glm52ScheduleFromRuleAndPatternMatchesList) {
    json c = load_config("glm5_2");
    const ArchDescriptor listed = ArchDescriptor::from_config(c, "c");
    c.erase("indexer_types");
    const ArchDescriptor ruled = ArchDescriptor::from_config(c, "c");
    EXPECT_EQ(ruled.indexer_full_layers(), listed.indexer_full_layers());
    EXPECT_EQ(ruled.indexer_shared_layers(), listed.indexer_shared_layers());

    std::string pattern(78, 'S');
    for (int i : listed.indexer_full_layers()) pattern[static_cast<std::size_t>(i)] = 'F';
    pattern[40] = 'F';
    c["index_topk_pattern"] = pattern;
    c["index_topk_freq"] = 1;  // the pattern wins over the rule
    const ArchDescriptor patterned = ArchDescriptor::from_config(c, "c");
    std::vector<int> want = listed.indexer_full_layers();
    want.push_back(40);
    std::sort(want.begin(), want.end());
    EXPECT_EQ(patterned.indexer_full_layers(), want);
}

TEST(ArchConfig, IndexerRuleDefaultsAreFreq1Offset2) {
    json c = load_config("glm5_2");
    c.erase("indexer_types");
    c.erase("index_topk_freq");
    c["index_skip_topk_offset"] = 3;
    EXPECT_EQ(ArchDescriptor::from_config(c, "c").indexer_shared_layers().size(), 0u);  // freq 1: all full
    c["index_topk_freq"] = 2;
    c.erase("index_skip_topk_offset");  // offset 2: full iff max(i-1,0) even
    const ArchDescriptor d = ArchDescriptor::from_config(c, "c");
    for (int i = 0; i < 78; ++i)
        EXPECT_EQ(d.layers[static_cast<std::size_t>(i)].indexer,
                  std::max(i - 1, 0) % 2 == 0 ? mc::IndexerKind::Full : mc::IndexerKind::Shared);
}

TEST(ArchConfig, Glm5EveryLayerFull) {
    const ArchDescriptor d = load("glm5");
    EXPECT_EQ(d.indexer_full_layers(), iota(0, 77));
    EXPECT_TRUE(d.indexer_shared_layers().empty());
    EXPECT_DOUBLE_EQ(d.attention.rope.theta, 1e6);
    EXPECT_EQ(d.attention.head_dim, 256);  // config head_dim 64 is ignored for MLA
    EXPECT_EQ(d.dense_layers(), (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(d.max_position_embeddings, 202752);
}

TEST(ArchConfig, Glm45Air) {
    const ArchDescriptor d = load("glm4_5_air");
    EXPECT_EQ(d.family, mc::Family::Glm4Moe);
    EXPECT_EQ(d.dense_layers(), (std::vector<int>{0}));
    EXPECT_EQ(d.moe_layers(), iota(1, 45));
    EXPECT_EQ(d.mtp_layers(), (std::vector<int>{46}));
    EXPECT_TRUE(d.mtp_has_embed);
    const mc::AttentionSpec& a = d.attention;
    EXPECT_EQ(a.kind, mc::AttentionKind::Gqa);
    EXPECT_EQ(a.n_heads, 96);
    EXPECT_EQ(a.n_kv_heads, 8);
    EXPECT_EQ(a.head_dim, 128);
    EXPECT_TRUE(a.qkv_bias);
    EXPECT_FALSE(a.o_bias);
    EXPECT_FALSE(a.qk_norm);
    EXPECT_EQ(a.rope.rotary_dim, 64);  // partial_rotary_factor 0.5
    EXPECT_EQ(a.rope.style, mc::RopeStyle::HalfSplit);
    EXPECT_DOUBLE_EQ(a.rope.theta, 1e6);
    EXPECT_NEAR(a.softmax_scale, 1.0 / std::sqrt(128.0), 1e-15);
    EXPECT_EQ(d.router.scoring, mc::Scoring::Sigmoid);
    EXPECT_TRUE(d.router.correction_bias);
    EXPECT_EQ(d.router.n_experts, 128);
    EXPECT_EQ(d.router.top_k, 8);
    EXPECT_DOUBLE_EQ(d.router.routed_scaling_factor, 1.0);
    EXPECT_EQ(d.n_shared_experts, 1);
    EXPECT_EQ(d.intermediate_size, 10944);
    EXPECT_EQ(d.moe_intermediate_size, 1408);
    EXPECT_FALSE(d.indexer.has_value());
    EXPECT_TRUE(d.indexer_full_layers().empty());
}

TEST(ArchConfig, Glm45PartialRotaryNestedInRopeParameters) {
    json c = load_config("glm4_5_air");
    c.erase("partial_rotary_factor");
    c.erase("rope_theta");
    c["rope_parameters"] = {{"rope_theta", 5e5}, {"rope_type", "default"}, {"partial_rotary_factor", 0.25}};
    const ArchDescriptor d = ArchDescriptor::from_config(c, "c");
    EXPECT_EQ(d.attention.rope.rotary_dim, 32);
    EXPECT_DOUBLE_EQ(d.attention.rope.theta, 5e5);
    c.erase("rope_parameters");  // glm4_moe defaults to 0.5 (transformers BC default)
    EXPECT_EQ(ArchDescriptor::from_config(c, "c").attention.rope.rotary_dim, 64);
}

TEST(ArchConfig, DeepseekV3YarnAndGroups) {
    const ArchDescriptor d = load("deepseek_v3");
    EXPECT_EQ(d.family, mc::Family::DeepseekV3);
    EXPECT_EQ(d.dense_layers(), (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(d.moe_layers(), iota(3, 60));
    EXPECT_EQ(d.mtp_layers(), (std::vector<int>{61}));
    EXPECT_TRUE(d.mtp_has_embed);
    EXPECT_EQ(d.router.n_group, 8);
    EXPECT_EQ(d.router.topk_group, 4);
    EXPECT_EQ(d.router.n_experts, 256);
    const mc::RopeSpec& rp = d.attention.rope;
    EXPECT_EQ(rp.type, "yarn");
    EXPECT_DOUBLE_EQ(rp.theta, 10000.0);
    EXPECT_DOUBLE_EQ(rp.factor, 40.0);
    EXPECT_EQ(rp.original_max_position, 4096);
    EXPECT_DOUBLE_EQ(rp.beta_fast, 32.0);
    EXPECT_DOUBLE_EQ(rp.beta_slow, 1.0);
    EXPECT_DOUBLE_EQ(rp.mscale, 1.0);
    EXPECT_DOUBLE_EQ(rp.mscale_all_dim, 1.0);
    EXPECT_EQ(rp.rotary_dim, 64);
    EXPECT_EQ(rp.style, mc::RopeStyle::Interleaved);
    // spec 3.4: 192^-0.5 * (0.1 ln 40 + 1)^2 = 0.1352
    EXPECT_NEAR(d.attention.softmax_scale, 0.13519, 5e-5);
    EXPECT_FALSE(d.indexer.has_value());
}

TEST(ArchConfig, DeepseekV32EveryLayerFullHalfSplitIndexer) {
    const ArchDescriptor d = load("deepseek_v3_2");
    EXPECT_EQ(d.family, mc::Family::DeepseekV32);
    ASSERT_TRUE(d.indexer.has_value());
    EXPECT_EQ(d.indexer->n_heads, 64);
    EXPECT_EQ(d.indexer->rope_style, mc::RopeStyle::HalfSplit);
    EXPECT_EQ(d.attention.rope.style, mc::RopeStyle::Interleaved);
    EXPECT_EQ(d.indexer_full_layers(), iota(0, 60));
    EXPECT_TRUE(d.indexer_shared_layers().empty());
    EXPECT_EQ(d.layers[61].indexer, mc::IndexerKind::Full);
}

TEST(ArchConfig, Qwen3) {
    const ArchDescriptor d = load("qwen3_30b_a3b");
    EXPECT_EQ(d.family, mc::Family::Qwen3Moe);
    EXPECT_EQ(d.moe_layers(), iota(0, 47));
    EXPECT_TRUE(d.dense_layers().empty());
    EXPECT_TRUE(d.mtp_layers().empty());
    EXPECT_EQ(d.router.scoring, mc::Scoring::Softmax);
    EXPECT_FALSE(d.router.correction_bias);
    EXPECT_TRUE(d.router.norm_topk_prob);
    EXPECT_EQ(d.router.n_experts, 128);
    EXPECT_EQ(d.router.top_k, 8);
    EXPECT_EQ(d.n_shared_experts, 0);
    EXPECT_TRUE(d.attention.qk_norm);
    EXPECT_FALSE(d.attention.qkv_bias);
    EXPECT_EQ(d.attention.head_dim, 128);
    EXPECT_EQ(d.attention.n_kv_heads, 4);
    EXPECT_EQ(d.attention.rope.rotary_dim, 128);
    EXPECT_EQ(d.attention.sliding_window, 0);
    EXPECT_EQ(d.expert_count_field(), "num_experts");
}

TEST(ArchConfig, QwenSparseStepAndMlpOnlyLayers) {
    json c = load_config("qwen3_30b_a3b");
    c["decoder_sparse_step"] = 2;
    c["mlp_only_layers"] = {5};
    const ArchDescriptor d = ArchDescriptor::from_config(c, "c");
    std::vector<int> moe;
    for (int i = 0; i < 48; ++i)
        if ((i + 1) % 2 == 0 && i != 5) moe.push_back(i);
    EXPECT_EQ(d.moe_layers(), moe);
    EXPECT_EQ(d.dense_layers().size(), 48u - moe.size());
    EXPECT_EQ(d.intermediate_size, 6144);
}

TEST(ArchConfig, Qwen15SharedExpertGate) {
    const ArchDescriptor d = load("qwen1_5_moe_a2_7b");
    EXPECT_EQ(d.family, mc::Family::Qwen2Moe);
    EXPECT_EQ(d.moe_layers(), iota(0, 23));
    EXPECT_EQ(d.router.n_experts, 60);
    EXPECT_EQ(d.router.top_k, 4);
    EXPECT_FALSE(d.router.norm_topk_prob);
    EXPECT_EQ(d.n_shared_experts, 1);
    EXPECT_EQ(d.shared_intermediate_size, 5632);
    EXPECT_TRUE(d.shared_expert_gate);
    EXPECT_TRUE(d.attention.qkv_bias);  // absent from the config: defaults on
    EXPECT_FALSE(d.attention.qk_norm);
    EXPECT_EQ(d.attention.head_dim, 128);  // 2048 / 16
}

TEST(ArchConfig, MixtralNames) {
    const ArchDescriptor d = load("mixtral_8x7b");
    EXPECT_EQ(d.family, mc::Family::Mixtral);
    EXPECT_EQ(d.moe_layers(), iota(0, 31));
    EXPECT_EQ(d.router.n_experts, 8);
    EXPECT_EQ(d.router.top_k, 2);
    EXPECT_TRUE(d.router.norm_topk_prob);
    EXPECT_EQ(d.moe_intermediate_size, 14336);
    EXPECT_DOUBLE_EQ(d.attention.rope.theta, 1e6);
    EXPECT_EQ(d.expert_count_field(), "num_local_experts");
    EXPECT_EQ(d.router_weight(0), "model.layers.0.block_sparse_moe.gate.weight");
    EXPECT_EQ(d.router_weight(0, mc::ExpertLayout::Fused), "model.layers.0.mlp.gate.weight");
    EXPECT_EQ(d.expert_weight(3, 5, 0), "model.layers.3.block_sparse_moe.experts.5.w1.weight");
    EXPECT_EQ(d.expert_weight(3, 5, 1), "model.layers.3.block_sparse_moe.experts.5.w3.weight");
    EXPECT_EQ(d.expert_weight(3, 5, 2), "model.layers.3.block_sparse_moe.experts.5.w2.weight");
    EXPECT_EQ(d.fused_expert_weight(3, 0), "model.layers.3.mlp.experts.gate_up_proj");
}

TEST(ArchConfig, ModuleNames) {
    const ArchDescriptor d = load("glm5_2");
    EXPECT_EQ(d.layer_prefix(7), "model.layers.7.");
    EXPECT_EQ(d.mlp_prefix(7), "model.layers.7.mlp.");
    EXPECT_EQ(d.router_weight(7), "model.layers.7.mlp.gate.weight");
    EXPECT_EQ(d.router_bias(7), "model.layers.7.mlp.gate.e_score_correction_bias");
    EXPECT_EQ(d.expert_weight(7, 255, 2), "model.layers.7.mlp.experts.255.down_proj.weight");
    EXPECT_EQ(d.fused_expert_weight(7, 1), "model.layers.7.mlp.experts.down_proj");
    EXPECT_EQ(mc::family_architecture(d.family), "GlmMoeDsaForCausalLM");
}

TEST(ArchConfig, UnknownModelTypeNamesSupported) {
    json c = load_config("mixtral_8x7b");
    c["model_type"] = "llama";
    try {
        ArchDescriptor::from_config(c, "/x/config.json");
        FAIL() << "no error";
    } catch (const mc::InputError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "/x/config.json: unsupported model_type 'llama' (supported: glm_moe_dsa, glm4_moe, deepseek_v3, "
                  "deepseek_v32, qwen3_moe, qwen2_moe, mixtral)");
    }
}

// Found by fuzz_config: a model_type holding a newline broke the one-line
// message. Control bytes from the file are printed as \xNN.
TEST(ArchConfig, ControlBytesInModelTypeStayOnOneLine) {
    json c = load_config("mixtral_8x7b");
    c["model_type"] = "qw\n3_moe\r";
    try {
        ArchDescriptor::from_config(c, "/x/config.json");
        FAIL() << "no error";
    } catch (const mc::InputError& e) {
        std::string msg = e.what();
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        EXPECT_TRUE(msg.starts_with("/x/config.json: unsupported model_type 'qw\\x0a3_moe\\x0d'")) << msg;
    }
}

TEST(ArchConfig, BadConfigsNameTheField) {
    auto message = [](json c) {
        try {
            ArchDescriptor::from_config(c, "cfg.json");
        } catch (const mc::InputError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    json c = load_config("glm5_2");
    json m = c;
    m.erase("hidden_size");
    EXPECT_EQ(message(m), "cfg.json: missing required field 'hidden_size'");
    m = c;
    m.erase("model_type");
    EXPECT_EQ(message(m), "cfg.json: missing required field 'model_type'");
    m = c;
    m.erase("n_routed_experts");
    EXPECT_EQ(message(m), "cfg.json: missing required field 'n_routed_experts'");
    m = c;
    m["num_experts_per_tok"] = 300;
    EXPECT_NE(message(m).find("num_experts_per_tok 300 exceeds"), std::string::npos);
    m = c;
    m["hidden_size"] = "big";
    EXPECT_NE(message(m).find("field 'hidden_size' must be an integer"), std::string::npos);
    m = c;
    m["mlp_layer_types"].erase(0);
    EXPECT_NE(message(m).find("mlp_layer_types"), std::string::npos);
    m = c;
    m["indexer_types"][5] = "half";
    EXPECT_NE(message(m).find("indexer_types[5]"), std::string::npos);
    m = c;
    m["indexer_types"][0] = "shared";
    m["indexer_types"][1] = "shared";
    m["indexer_types"][2] = "shared";
    EXPECT_NE(message(m).find("layer 0 is shared"), std::string::npos);
    m = load_config("deepseek_v3");
    m["rope_scaling"].erase("factor");
    EXPECT_NE(message(m).find("rope_scaling.factor"), std::string::npos);
    m = c;
    m["hidden_size"] = -4;
    EXPECT_EQ(message(m), "cfg.json: field 'hidden_size' is -4, must be at least 1");
    m = c;
    m["vocab_size"] = 2000000000;
    m["hidden_size"] = 2000000000;
    EXPECT_NE(message(m).find("more than moecut supports"), std::string::npos) << message(m);
    m = c;
    m["num_hidden_layers"] = 1e300;
    EXPECT_NE(message(m).find("field 'num_hidden_layers' must be an integer"), std::string::npos) << message(m);
    EXPECT_EQ(message(json::array()), "cfg.json: config is not a JSON object");
}

TEST(ArchConfig, MoeLayerFreqAndMlpLayerTypes) {
    json c = load_config("deepseek_v3");
    c["moe_layer_freq"] = 2;
    const ArchDescriptor d = ArchDescriptor::from_config(c, "c");
    std::vector<int> moe;
    for (int i = 3; i < 61; ++i)
        if (i % 2 == 0) moe.push_back(i);
    EXPECT_EQ(d.moe_layers(), moe);

    json g = load_config("glm5_2");
    g["mlp_layer_types"][10] = "dense";
    g["first_k_dense_replace"] = 0;  // the explicit list wins
    EXPECT_EQ(ArchDescriptor::from_config(g, "g").dense_layers(), (std::vector<int>{0, 1, 2, 10}));
}

TEST(ArchConfig, NoQLoraUsesQProj) {
    json c = load_config("deepseek_v3");
    c["q_lora_rank"] = nullptr;
    const ArchDescriptor d = ArchDescriptor::from_config(c, "c");
    EXPECT_EQ(d.attention.q_lora_rank, 0);
    bool has_q_proj = false;
    for (const auto& t : d.expected_tensors())
        if (t.name == "model.layers.0.self_attn.q_proj.weight") {
            has_q_proj = true;
            EXPECT_EQ(t.shape, (std::vector<std::int64_t>{128 * 192, 7168}));
        }
    EXPECT_TRUE(has_q_proj);
}

// Named GGUF type mixtures (--type q4_k_m ...): llama.cpp's per-tensor bumps
// (llama_tensor_get_type_impl) on non-expert tensors, routed experts at the
// base type, the rest at least at the mixture's keep type; explicit
// --tensor-type rules win; the plan's reasons say which rule chose.
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/gguf_export.h"
#include "moecut/gguf_mixture.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace moecut {
namespace {

GgmlType type_of(const char* mixture, const GgufMixtureModel& m, const std::string& name, std::string* why = nullptr) {
    std::string reason;
    const GgmlType t = gguf_mixture_type(*gguf_mixture_from_name(mixture), m, name, reason);
    if (why) *why = reason;
    return t;
}

TEST(GgufMixtures, Names) {
    for (const char* n : {"q2_k_m", "Q3_K_M", "q4_k_s", "q4_k_m", "Q5_K_S", "q5_k_m", "q6_k_m"})
        EXPECT_TRUE(gguf_mixture_from_name(n).has_value()) << n;
    for (const char* n : {"q4_k", "q8_0", "q6_k", "q4_k_l", ""}) EXPECT_FALSE(gguf_mixture_from_name(n).has_value()) << n;
    const auto m = *gguf_mixture_from_name("q4_k_m");
    EXPECT_EQ(m.name, "Q4_K_M");
    EXPECT_EQ(m.base, GgmlType::Q4_K);
    EXPECT_EQ(m.keep, GgmlType::Q5_K);
    EXPECT_EQ(m.file_type, 15u);  // LLAMA_FTYPE_MOSTLY_Q4_K_M
    EXPECT_EQ(gguf_mixture_from_name("q2_k_m")->file_type, 10u);
    EXPECT_EQ(gguf_mixture_from_name("q6_k_m")->file_type, 18u);
    EXPECT_NE(gguf_mixture_names().find("q4_k_m"), std::string::npos);
}

// 16 layers, 64 experts, GQA 4 (a generic MoE): use_more_bits(i, 16) is true
// for i in {0, 1, 4, 7, 10, 13, 14, 15}.
TEST(GgufMixtures, Q4KMFollowsLlamaCppBumpsOnNonExpertTensors) {
    const GgufMixtureModel m{16, 64, 4, false};
    std::string why;
    EXPECT_EQ(type_of("q4_k_m", m, "blk.4.ffn_down_exps.weight", &why), GgmlType::Q4_K);  // never bumped (moecut)
    EXPECT_NE(why.find("routed experts at q4_K"), std::string::npos) << why;
    EXPECT_EQ(type_of("q4_k_m", m, "blk.3.ffn_gate_exps.weight"), GgmlType::Q4_K);
    EXPECT_EQ(type_of("q4_k_m", m, "blk.4.ffn_down_shexp.weight", &why), GgmlType::Q6_K);
    EXPECT_EQ(why, "mixture Q4_K_M: ffn_down in a use_more_bits layer -> q6_K");
    EXPECT_EQ(type_of("q4_k_m", m, "blk.3.ffn_down_shexp.weight", &why), GgmlType::Q5_K);  // llama.cpp: q4_k; kept
    EXPECT_NE(why.find("kept at q5_K"), std::string::npos) << why;
    for (int i = 0; i < 16; ++i) {
        const bool more = i < 2 || i >= 14 || (i - 2) % 3 == 2;
        EXPECT_EQ(type_of("q4_k_m", m, "blk." + std::to_string(i) + ".attn_v.weight"), more ? GgmlType::Q6_K : GgmlType::Q5_K) << i;
    }
    EXPECT_EQ(type_of("q4_k_m", m, "blk.7.attn_v_b.weight", &why), GgmlType::Q6_K);  // MLA's v_b counts as attn_v
    EXPECT_EQ(why, "mixture Q4_K_M: attn_v in a use_more_bits layer -> q6_K");
    EXPECT_EQ(type_of("q4_k_m", m, "blk.8.attn_k_b.weight"), GgmlType::Q5_K);
    EXPECT_EQ(type_of("q4_k_m", m, "blk.8.indexer.attn_q_b.weight"), GgmlType::Q5_K);
    EXPECT_EQ(type_of("q4_k_m", m, "output.weight", &why), GgmlType::Q6_K);
    EXPECT_EQ(why, "mixture Q4_K_M: output -> q6_K");
    EXPECT_EQ(type_of("q4_k_m", m, "token_embd.weight"), GgmlType::Q5_K);
    const GgufMixtureModel tied{16, 64, 4, true};
    EXPECT_EQ(type_of("q4_k_m", tied, "token_embd.weight"), GgmlType::Q6_K);  // tied: treated as the output
}

TEST(GgufMixtures, OtherMixtures) {
    const GgufMixtureModel m{32, 64, 4, false};
    // Q2_K (moecut q2_k_m): attn_v -> q4_k with GQA >= 4, ffn_down -> q3_k (kept at q4_k), output q6_k.
    EXPECT_EQ(type_of("q2_k_m", m, "blk.9.ffn_up_exps.weight"), GgmlType::Q2_K);
    EXPECT_EQ(type_of("q2_k_m", m, "blk.9.ffn_down_exps.weight"), GgmlType::Q2_K);
    EXPECT_EQ(type_of("q2_k_m", m, "blk.9.attn_v.weight"), GgmlType::Q4_K);
    EXPECT_EQ(type_of("q2_k_m", m, "blk.9.ffn_down_shexp.weight"), GgmlType::Q4_K);
    EXPECT_EQ(type_of("q2_k_m", m, "output.weight"), GgmlType::Q6_K);
    // Q3_K_M: attn_v q5_k in the first 2 layers, ffn_down q5_k in the first n/16.
    EXPECT_EQ(type_of("q3_k_m", m, "blk.1.attn_v.weight"), GgmlType::Q5_K);
    EXPECT_EQ(type_of("q3_k_m", m, "blk.2.attn_v.weight"), GgmlType::Q4_K);
    EXPECT_EQ(type_of("q3_k_m", m, "blk.1.ffn_down.weight"), GgmlType::Q5_K);
    EXPECT_EQ(type_of("q3_k_m", m, "blk.2.ffn_down.weight"), GgmlType::Q4_K);
    EXPECT_EQ(type_of("q3_k_m", m, "blk.2.ffn_down_exps.weight"), GgmlType::Q3_K);
    // Q4_K_S: q5_k floor; attn_v/ffn_down bumps are q5_k too.
    EXPECT_EQ(type_of("q4_k_s", m, "blk.0.attn_v.weight"), GgmlType::Q5_K);
    EXPECT_EQ(type_of("q4_k_s", m, "blk.20.attn_q_a.weight"), GgmlType::Q5_K);
    // Q5_K_M / Q6_K_M.
    EXPECT_EQ(type_of("q5_k_m", m, "blk.20.attn_q_a.weight"), GgmlType::Q6_K);
    EXPECT_EQ(type_of("q5_k_m", m, "blk.20.ffn_up_exps.weight"), GgmlType::Q5_K);
    EXPECT_EQ(type_of("q6_k_m", m, "blk.20.ffn_up_exps.weight"), GgmlType::Q6_K);
    EXPECT_EQ(type_of("q6_k_m", m, "blk.20.attn_output.weight"), GgmlType::Q8_0);
    EXPECT_EQ(type_of("q6_k_m", m, "output.weight"), GgmlType::Q8_0);
    // 8 experts (Mixtral): llama.cpp puts attn_v and attn_k at q8_0, attn_output at q5_k.
    const GgufMixtureModel mix{32, 8, 4, false};
    EXPECT_EQ(type_of("q4_k_m", mix, "blk.3.attn_v.weight"), GgmlType::Q8_0);
    EXPECT_EQ(type_of("q4_k_m", mix, "blk.3.attn_k.weight"), GgmlType::Q8_0);
    EXPECT_EQ(type_of("q2_k_m", mix, "blk.3.attn_output.weight"), GgmlType::Q5_K);
}

// The planner on the demo model (hidden 128: K-quants fall back by shape).
TEST(GgufMixtures, PlanUsesMixtureAndRulesWin) {
    const Checkpoint ck = Checkpoint::open(test::source_dir() / "resources/models/tiny-glm5-moe");
    GgufExportOptions o;
    o.mixture = "q4_k_m";
    o.tensor_types.push_back(parse_gguf_type_rule("blk\\.1\\.attn_output=bf16"));
    const GgufExportPlan p = plan_gguf_export(ck, o);
    EXPECT_EQ(p.layout.find("general.file_type")->as_u64(), 15u);
    std::map<std::string, const GgufExportTensor*> by;
    for (const auto& t : p.tensors) by[t.name] = &t;
    const auto* e = by.at("blk.2.ffn_up_exps.weight");
    EXPECT_NE(e->type_reason.find("mixture Q4_K_M: routed experts at q4_K"), std::string::npos) << e->type_reason;
    EXPECT_NE(e->type_reason.find("fallback q4_K -> q8_0"), std::string::npos) << e->type_reason;
    EXPECT_EQ(by.at("blk.1.attn_output.weight")->type, GgmlType::BF16);
    EXPECT_EQ(by.at("blk.1.attn_output.weight")->type_reason, "rule 'blk\\.1\\.attn_output=bf16'");
    EXPECT_NE(by.at("blk.2.attn_output.weight")->type_reason.find("mixture Q4_K_M"), std::string::npos);
    EXPECT_EQ(by.at("blk.2.attn_norm.weight")->type, GgmlType::F32);
    EXPECT_NE(by.at("output.weight")->type_reason.find("mixture Q4_K_M: output -> q6_K"), std::string::npos);

    o.mixture = "q9_k_m";
    EXPECT_THROW(plan_gguf_export(ck, o), InputError);
}

} // namespace
} // namespace moecut

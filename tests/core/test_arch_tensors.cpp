// expected_tensors() against transformers 5.24: the exact tensor inventories
// of small models saved in both layouts (tests/data/arch_reference), and the
// parameter/tensor counts of the full-size configs (tests/data/configs).
#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using moecut::ArchDescriptor;
using moecut::ExpectedTensor;
using moecut::ExpertLayout;
using nlohmann::json;
namespace mc = moecut;

namespace {

using Inventory = std::map<std::string, std::vector<std::int64_t>>;

Inventory inventory(const std::vector<ExpectedTensor>& ts) {
    Inventory out;
    for (const auto& t : ts) EXPECT_TRUE(out.emplace(t.name, t.shape).second) << "duplicate " << t.name;
    return out;
}

Inventory inventory(const json& list) {
    Inventory out;
    for (const auto& e : list) out.emplace(e[0].get<std::string>(), e[1].get<std::vector<std::int64_t>>());
    return out;
}

void expect_same(const Inventory& got, const Inventory& want, const std::string& what) {
    for (const auto& [name, shape] : want) {
        auto it = got.find(name);
        if (it == got.end()) ADD_FAILURE() << what << ": missing " << name;
        else EXPECT_EQ(it->second, shape) << what << ": " << name;
    }
    for (const auto& [name, shape] : got)
        if (!want.count(name)) ADD_FAILURE() << what << ": not in transformers: " << name;
}

json load_config(const std::string& name) {
    return mc::read_json_file(mc::test::test_data_dir() / "configs" / (name + ".json"));
}

std::int64_t numel(const std::vector<std::int64_t>& s) {
    std::int64_t n = 1;
    for (auto v : s) n *= v;
    return n;
}

const ExpectedTensor* find(const std::vector<ExpectedTensor>& ts, const std::string& name) {
    for (const auto& t : ts)
        if (t.name == name) return &t;
    return nullptr;
}

} // namespace

class ArchReference : public ::testing::TestWithParam<std::string> {};

TEST_P(ArchReference, MatchesTransformersInBothLayouts) {
    const json rec = mc::read_json_file(mc::test::test_data_dir() / "arch_reference" / (GetParam() + ".json"));
    const ArchDescriptor d = ArchDescriptor::from_config(rec["config"], GetParam());
    const auto per_expert = d.expected_tensors(ExpertLayout::PerExpert);
    const auto fused = d.expected_tensors(ExpertLayout::Fused);
    for (const auto& t : per_expert) EXPECT_TRUE(t.required) << t.name;  // no MTP in these configs
    expect_same(inventory(per_expert), inventory(rec["per_expert"]), GetParam() + " per-expert");
    expect_same(inventory(fused), inventory(rec["fused"]), GetParam() + " fused");
}

INSTANTIATE_TEST_SUITE_P(Families, ArchReference,
                         ::testing::Values("glm_moe_dsa", "deepseek_v32", "deepseek_v3", "deepseek_v3_no_q_lora",
                                           "glm4_moe", "qwen3_moe", "qwen2_moe", "mixtral"));

class FullSizeCounts : public ::testing::TestWithParam<std::string> {};

// transformers' parameter count (trunk, fused) = ours minus the MTP layers.
TEST_P(FullSizeCounts, MatchTransformers) {
    const json ref = mc::read_json_file(mc::test::test_data_dir() / "configs" / "reference_counts.json");
    const ArchDescriptor d = ArchDescriptor::from_config(load_config(GetParam()), GetParam());
    std::int64_t trunk_params = 0, mtp_params = 0, trunk_tensors = 0;
    for (const auto& t : d.expected_tensors(ExpertLayout::Fused)) {
        const bool mtp = t.layer >= d.num_hidden_layers;
        if (mtp) {
            if (t.required || d.mtp_has_embed) mtp_params += numel(t.shape);
        } else {
            trunk_params += numel(t.shape);
            ++trunk_tensors;
        }
    }
    EXPECT_EQ(trunk_params, ref[GetParam()]["params"].get<std::int64_t>());
    EXPECT_EQ(trunk_tensors, ref[GetParam()]["tensors"].get<std::int64_t>());
    EXPECT_EQ(d.params_total(), trunk_params + mtp_params);
}

INSTANTIATE_TEST_SUITE_P(Configs, FullSizeCounts,
                         ::testing::Values("glm5", "glm5_2", "glm4_5_air", "deepseek_v3", "deepseek_v3_2",
                                           "qwen3_30b_a3b", "qwen1_5_moe_a2_7b", "mixtral_8x7b"));

TEST(ArchTensors, Glm52Inventory) {
    const ArchDescriptor d = ArchDescriptor::from_config(load_config("glm5_2"), "glm5_2");
    const auto ts = d.expected_tensors();
    // 3 globals; 9 attention/norm tensors per layer (79); 5 indexer tensors on
    // 21 full trunk layers + the MTP layer; 3 dense MLP x 3; 75 + 1 MoE blocks of
    // router + bias + 256 x 3 experts + 3 shared; 6 MTP extras (2 optional).
    const std::size_t want = 3 + 79 * 9 + 22 * 5 + 3 * 3 + 76 * (2 + 256 * 3 + 3) + 6;
    EXPECT_EQ(ts.size(), want);
    std::size_t optional = 0;
    for (const auto& t : ts) optional += !t.required;
    EXPECT_EQ(optional, 2u);

    auto shape_of = [&](const std::string& n) {
        const ExpectedTensor* t = find(ts, n);
        return t ? t->shape : std::vector<std::int64_t>{-1};
    };
    using S = std::vector<std::int64_t>;
    EXPECT_EQ(shape_of("model.embed_tokens.weight"), (S{154880, 6144}));
    EXPECT_EQ(shape_of("lm_head.weight"), (S{154880, 6144}));
    EXPECT_EQ(shape_of("model.layers.0.self_attn.q_b_proj.weight"), (S{16384, 2048}));
    EXPECT_EQ(shape_of("model.layers.0.self_attn.kv_a_proj_with_mqa.weight"), (S{576, 6144}));
    EXPECT_EQ(shape_of("model.layers.0.self_attn.kv_b_proj.weight"), (S{28672, 512}));
    EXPECT_EQ(shape_of("model.layers.0.self_attn.o_proj.weight"), (S{6144, 16384}));
    EXPECT_EQ(shape_of("model.layers.0.mlp.gate_proj.weight"), (S{12288, 6144}));
    EXPECT_EQ(shape_of("model.layers.6.self_attn.indexer.wq_b.weight"), (S{4096, 2048}));
    EXPECT_EQ(shape_of("model.layers.6.self_attn.indexer.k_norm.bias"), (S{128}));
    EXPECT_EQ(shape_of("model.layers.6.self_attn.indexer.weights_proj.weight"), (S{32, 6144}));
    EXPECT_EQ(find(ts, "model.layers.5.self_attn.indexer.wk.weight"), nullptr);  // shared layer
    EXPECT_EQ(shape_of("model.layers.78.self_attn.indexer.wk.weight"), (S{128, 6144}));
    EXPECT_EQ(shape_of("model.layers.5.mlp.experts.255.down_proj.weight"), (S{6144, 2048}));
    EXPECT_EQ(shape_of("model.layers.5.mlp.gate.e_score_correction_bias"), (S{256}));
    EXPECT_EQ(shape_of("model.layers.77.mlp.shared_experts.up_proj.weight"), (S{2048, 6144}));
    EXPECT_EQ(shape_of("model.layers.78.eh_proj.weight"), (S{6144, 12288}));
    EXPECT_EQ(shape_of("model.layers.78.enorm.weight"), (S{6144}));
    EXPECT_EQ(shape_of("model.layers.78.shared_head.norm.weight"), (S{6144}));
    EXPECT_EQ(shape_of("model.layers.78.mlp.experts.0.gate_proj.weight"), (S{2048, 6144}));
    ASSERT_NE(find(ts, "model.layers.78.embed_tokens.weight"), nullptr);
    EXPECT_FALSE(find(ts, "model.layers.78.embed_tokens.weight")->required);
    EXPECT_FALSE(find(ts, "model.layers.78.shared_head.head.weight")->required);

    const ExpectedTensor* e = find(ts, "model.layers.9.mlp.experts.17.up_proj.weight");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->role, mc::TensorRole::RoutedExpert);
    EXPECT_EQ(e->layer, 9);
    EXPECT_EQ(e->expert, 17);

    // ~7.5e11 parameters: transformers' 743.4e9 trunk plus one MTP layer.
    EXPECT_GT(d.params_total(), 7.4e11);
    EXPECT_LT(d.params_total(), 7.6e11);
    // Active: total minus 248 idle experts (3 x 6144 x 2048 each) in 76 MoE blocks.
    EXPECT_EQ(d.params_active(), d.params_total() - 76LL * 248 * 3 * 6144 * 2048);

    const auto fused = d.expected_tensors(ExpertLayout::Fused);
    EXPECT_EQ(fused.size(), want - 76 * 256 * 3 + 76 * 2);
    EXPECT_EQ(find(fused, "model.layers.3.mlp.experts.gate_up_proj")->shape, (S{256, 4096, 6144}));
    EXPECT_EQ(find(fused, "model.layers.3.mlp.experts.down_proj")->shape, (S{256, 6144, 2048}));
}

TEST(ArchTensors, TiedEmbeddingsDropLmHead) {
    json c = load_config("qwen3_30b_a3b");
    c["tie_word_embeddings"] = true;
    const auto ts = ArchDescriptor::from_config(c, "c").expected_tensors();
    EXPECT_EQ(find(ts, "lm_head.weight"), nullptr);
    EXPECT_NE(find(ts, "model.embed_tokens.weight"), nullptr);
}

TEST(ArchTensors, PublishedActiveParameterCounts) {
    auto active = [](const std::string& n) {
        return static_cast<double>(ArchDescriptor::from_config(load_config(n), n).params_active());
    };
    auto total = [](const std::string& n) {
        return static_cast<double>(ArchDescriptor::from_config(load_config(n), n).params_total());
    };
    // Model cards: Mixtral-8x7B 46.7B total / 12.9B active; Qwen3-30B-A3B 30.5B / 3.3B;
    // DeepSeek-V3 671B + 14B MTP.
    EXPECT_NEAR(total("mixtral_8x7b"), 46.7e9, 0.05e9);
    EXPECT_NEAR(active("mixtral_8x7b"), 12.9e9, 0.05e9);
    EXPECT_NEAR(total("qwen3_30b_a3b"), 30.5e9, 0.05e9);
    EXPECT_NEAR(active("qwen3_30b_a3b"), 3.3e9, 0.1e9);  // 3.35e9, published as "3.3B"
    EXPECT_NEAR(total("deepseek_v3"), 685e9, 1e9);
}

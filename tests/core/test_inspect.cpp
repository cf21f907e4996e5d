// inspect_checkpoint: structure, counts and problems of real safetensors
// checkpoints written in the test; the summary text; the speed on a
// full-size GLM-5.2 checkpoint written as sparse files.
#include "arch_test_checkpoint.h"
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/inspect.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <chrono>

using moecut::ArchDescriptor;
using moecut::ExpertLayout;
using nlohmann::json;
namespace mc = moecut;
namespace fs = std::filesystem;
using mc::test::TempDir;
using mc::test::TensorSpec;

namespace {

std::uint64_t folder_bytes(const fs::path& dir) {
    std::uint64_t n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".safetensors") n += fs::file_size(e.path());
    return n;
}

std::vector<std::string> problems(const json& r) { return r["problems"].get<std::vector<std::string>>(); }

bool has_problem(const json& r, const std::string& text) {
    for (const auto& p : problems(r))
        if (p == text) return true;
    return false;
}

} // namespace

TEST(Inspect, ConsistentCheckpoint) {
    TempDir tmp;
    const json config = mc::test::small_glm_config();
    const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
    const auto specs = mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert);
    mc::test::write_arch_checkpoint(tmp.path(), config, specs, false, 40000);  // several shards

    const json r = mc::inspect_checkpoint(tmp.path());
    EXPECT_EQ(r["problems"], json::array());
    EXPECT_EQ(r["problem_count"], 0);
    EXPECT_EQ(r["model_type"], "glm_moe_dsa");
    EXPECT_EQ(r["architecture"], "GlmMoeDsaForCausalLM");
    EXPECT_EQ(r["layers"], 6);
    EXPECT_EQ(r["mtp_layers"], (std::vector<int>{6}));
    EXPECT_EQ(r["dense_layers"], (std::vector<int>{0}));
    EXPECT_EQ(r["moe_layers"], (std::vector<int>{1, 2, 3, 4, 5}));
    EXPECT_EQ(r["indexer_full_layers"], (std::vector<int>{0, 1, 3, 5}));
    EXPECT_EQ(r["indexer_shared_layers"], (std::vector<int>{2, 4}));
    EXPECT_EQ(r["routed_experts"], 8);
    EXPECT_EQ(r["experts_per_token"], 2);
    EXPECT_EQ(r["shared_experts"], 1);
    EXPECT_EQ(r["routing"], "sigmoid");
    EXPECT_EQ(r["expert_layout"], "per-expert");
    EXPECT_EQ(r["attention"], "mla");
    EXPECT_EQ(r["fp8"], false);
    EXPECT_EQ(r["hidden_size"], 64);
    EXPECT_EQ(r["vocab_size"], 128);
    EXPECT_EQ(r["tensors"], specs.size());

    std::int64_t params = 0;
    std::uint64_t bf16 = 0, f32 = 0;
    for (const auto& s : specs) {
        std::int64_t n = 1;
        for (auto v : s.shape) n *= v;
        params += n;
        (s.dtype == mc::DType::F32 ? f32 : bf16) += static_cast<std::uint64_t>(n) * mc::dtype_size(s.dtype);
    }
    EXPECT_EQ(r["params_total"], params);
    EXPECT_EQ(r["params_total"], d.params_total());
    // 6 MoE blocks (5 trunk + MTP), 6 idle experts each of 3 x 64 x 16.
    EXPECT_EQ(r["params_active"], params - 6 * 6 * 3 * 64 * 16);
    EXPECT_EQ(r["params_active"], d.params_active());
    EXPECT_EQ(r["dtypes"]["BF16"], bf16);
    EXPECT_EQ(r["dtypes"]["F32"], f32);
    EXPECT_EQ(r["dtypes"].size(), 2u);
    EXPECT_EQ(r["bytes_on_disk"], folder_bytes(tmp.path()));
    EXPECT_GT(r["bytes_on_disk"].get<std::uint64_t>(), bf16 + f32);  // plus headers

    ASSERT_EQ(r["layer_table"].size(), 7u);
    const json& mtp = r["layer_table"][6];
    EXPECT_EQ(mtp["index"], 6);
    EXPECT_EQ(mtp["mtp"], true);
    EXPECT_EQ(mtp["kind"], "moe");
    EXPECT_EQ(mtp["indexer"], "full");
    EXPECT_EQ(r["layer_table"][0]["kind"], "dense");
    EXPECT_EQ(r["layer_table"][2]["indexer"], "shared");
    std::int64_t layer_params = 0;
    for (const auto& l : r["layer_table"]) layer_params += l["params"].get<std::int64_t>();
    EXPECT_EQ(layer_params, params - 2 * 128 * 64 - 64);  // minus embed, lm_head, final norm
}

TEST(Inspect, FusedLayoutDetected) {
    for (const char* family : {"glm", "mixtral"}) {
        TempDir tmp;
        json config = mc::test::small_glm_config();
        if (std::string(family) == "mixtral") {
            config = json{{"model_type", "mixtral"}, {"hidden_size", 64}, {"intermediate_size", 32},
                          {"num_attention_heads", 4}, {"num_key_value_heads", 2}, {"num_local_experts", 4},
                          {"num_experts_per_tok", 2}, {"num_hidden_layers", 2}, {"vocab_size", 128}};
        }
        const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
        mc::test::write_arch_checkpoint(tmp.path(), config, mc::test::arch_tensor_specs(d, ExpertLayout::Fused));
        const json r = mc::inspect_checkpoint(tmp.path());
        EXPECT_EQ(r["expert_layout"], "fused") << family;
        EXPECT_EQ(r["problems"], json::array()) << family << ": " << r["problems"].dump();
        EXPECT_EQ(r["params_total"], d.params_total()) << family;
        EXPECT_EQ(r["params_active"], d.params_active()) << family;
    }
}

TEST(Inspect, MissingUnexpectedAndMisshaped) {
    TempDir tmp;
    const json config = mc::test::small_glm_config();
    const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
    auto specs = mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert);
    mc::test::erase_tensor(specs, "model.layers.4.mlp.experts.7.up_proj.weight");
    mc::test::erase_tensor(specs, "model.layers.3.self_attn.indexer.wk.weight");  // a full layer
    specs.push_back({"model.layers.1.mlp.experts.8.gate_proj.weight", mc::DType::BF16, {16, 64}});
    mc::test::find_tensor(specs, "model.layers.2.self_attn.q_a_proj.weight")->shape = {32, 65};
    mc::test::write_arch_checkpoint(tmp.path(), config, specs);

    const json r = mc::inspect_checkpoint(tmp.path());
    EXPECT_EQ(r["problem_count"], 4) << r["problems"].dump();
    EXPECT_TRUE(has_problem(r, "missing: model.layers.4.mlp.experts.7.up_proj.weight [16, 64]"));
    EXPECT_TRUE(has_problem(r, "missing: model.layers.3.self_attn.indexer.wk.weight [8, 64]"));
    EXPECT_TRUE(has_problem(r, "unexpected: model.layers.1.mlp.experts.8.gate_proj.weight [16, 64]"));
    EXPECT_TRUE(has_problem(r, "model.layers.2.self_attn.q_a_proj.weight: shape [32, 65], expected [32, 64]"));
}

TEST(Inspect, IndexerOnSharedLayersIsTolerated) {
    TempDir tmp;
    const json config = mc::test::small_glm_config();
    const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
    auto specs = mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert);
    for (int layer : {2, 4})
        for (const auto& t : d.indexer_tensors(layer)) specs.push_back({t.name, mc::DType::BF16, t.shape});
    mc::test::write_arch_checkpoint(tmp.path(), config, specs);
    const json r = mc::inspect_checkpoint(tmp.path());
    EXPECT_EQ(r["problems"], json::array()) << r["problems"].dump();
    EXPECT_EQ(r["indexer_shared_layers"], (std::vector<int>{2, 4}));

    // ... but not with a wrong shape, and not on a layer without an indexer schedule.
    TempDir tmp2;
    mc::test::find_tensor(specs, "model.layers.2.self_attn.indexer.wk.weight")->shape = {8, 63};
    mc::test::write_arch_checkpoint(tmp2.path(), config, specs);
    const json r2 = mc::inspect_checkpoint(tmp2.path());
    EXPECT_EQ(problems(r2), (std::vector<std::string>{
                                "model.layers.2.self_attn.indexer.wk.weight: shape [8, 63], expected [8, 64]"}));
}

TEST(Inspect, Fp8ScalesExpectedAndChecked) {
    json config = mc::test::small_glm_config();
    config["quantization_config"] = {{"quant_method", "fp8"}, {"fmt", "e4m3"}, {"weight_block_size", {8, 16}}};
    const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
    auto base = mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert);
    auto quantise = [&](std::vector<TensorSpec> specs) {
        std::vector<TensorSpec> out;
        for (auto& s : specs) {
            const bool big = s.name.find("experts.") != std::string::npos || s.name.ends_with("q_b_proj.weight");
            if (big && s.shape.size() == 2) {
                s.dtype = mc::DType::F8_E4M3;
                out.push_back({s.name + "_scale_inv", mc::DType::F32, {(s.shape[0] + 7) / 8, (s.shape[1] + 15) / 16}});
            }
            out.push_back(s);
        }
        return out;
    };
    {
        TempDir tmp;
        const auto specs = quantise(base);
        mc::test::write_arch_checkpoint(tmp.path(), config, specs);
        const json r = mc::inspect_checkpoint(tmp.path());
        EXPECT_EQ(r["problems"], json::array()) << r["problems"].dump();
        EXPECT_EQ(r["fp8"], true);
        EXPECT_EQ(r["params_total"], d.params_total());  // scales are not parameters
        EXPECT_GT(r["dtypes"]["F8_E4M3"].get<std::uint64_t>(), 0u);
    }
    {
        TempDir tmp;
        auto specs = quantise(base);
        mc::test::erase_tensor(specs, "model.layers.1.mlp.experts.0.gate_proj.weight_scale_inv");
        // [64, 16] in 8x16 blocks is [8, 1]; say [8, 2].
        mc::test::find_tensor(specs, "model.layers.2.mlp.experts.3.down_proj.weight_scale_inv")->shape = {8, 2};
        specs.push_back({"model.norm.weight_scale_inv", mc::DType::F32, {1}});
        mc::test::write_arch_checkpoint(tmp.path(), config, specs);
        const json r = mc::inspect_checkpoint(tmp.path());
        EXPECT_EQ(r["problem_count"], 3) << r["problems"].dump();
        EXPECT_TRUE(has_problem(r, "model.layers.1.mlp.experts.0.gate_proj.weight: FP8 weight without "
                                   "model.layers.1.mlp.experts.0.gate_proj.weight_scale_inv"));
        EXPECT_TRUE(has_problem(r, "model.layers.2.mlp.experts.3.down_proj.weight_scale_inv: shape [8, 2], "
                                   "expected [8, 1] (8x16 blocks)"));
        EXPECT_TRUE(has_problem(r, "unexpected: model.norm.weight_scale_inv (no FP8 weight of that name)"));
    }
}

TEST(Inspect, ProblemsAreCapped) {
    TempDir tmp;
    const json config = mc::test::small_glm_config();
    const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
    auto specs = mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert);
    const std::size_t n = specs.size();
    specs.resize(1);  // the embedding only
    mc::test::write_arch_checkpoint(tmp.path(), config, specs);
    const json r = mc::inspect_checkpoint(tmp.path());
    const auto p = problems(r);
    ASSERT_EQ(p.size(), 51u);
    EXPECT_EQ(p.back(), "... and " + std::to_string(n - 1 - 50) + " more");
    EXPECT_EQ(r["problem_count"], n - 1);
    const std::string text = mc::format_inspect(r);
    EXPECT_NE(text.find("problems    " + std::to_string(n - 1) + " (the first 50 listed)"), std::string::npos);
}

TEST(Inspect, UnsupportedModelTypeIsInputError) {
    TempDir tmp;
    json config = mc::test::small_glm_config();
    const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
    config["model_type"] = "llama";
    mc::test::write_arch_checkpoint(tmp.path(), config, mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert));
    try {
        mc::inspect_checkpoint(tmp.path());
        FAIL() << "no error";
    } catch (const mc::InputError& e) {
        const std::string m = e.what();
        EXPECT_EQ(m.rfind((tmp.path() / "config.json").string() + ": unsupported model_type 'llama' (supported: ", 0), 0u)
            << m;
    }
}

TEST(Inspect, SummaryText) {
    TempDir tmp;
    const json config = mc::test::small_glm_config();
    const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
    mc::test::write_arch_checkpoint(tmp.path(), config, mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert));
    const std::string text = mc::format_inspect(mc::inspect_checkpoint(tmp.path()));
    for (const char* want : {"model       glm_moe_dsa (GlmMoeDsaForCausalLM), hidden 64, vocab 128\n",
                             "layers      6 trunk + 1 MTP (6)\n", "  dense     0 (1 layers, MLP width 96)\n",
                             "  moe       1-5 (5 layers) + MTP 6\n",
                             "experts     8 routed (width 16), 2 per token, 1 shared\n",
                             "routing     sigmoid, correction bias, 1 group, renormalised, x2.5\n",
                             "  full      0-1,3,5 (4 layers, MTP always full)\n", "  shared    2 layers\n",
                             "rope        theta 8e+06, default, 4 dims interleaved\n", "problems    none\n"})
        EXPECT_NE(text.find(want), std::string::npos) << "missing line: " << want << "\nin:\n" << text;
}

// The done-criterion: the full-size GLM-5.2 checkpoint (sparse files, ~60k
// tensors) is inspected in seconds.
TEST(Inspect, Glm52SparseCheckpointIsFast) {
    TempDir tmp;
    const json config = mc::read_json_file(mc::test::test_data_dir() / "configs" / "glm5_2.json");
    const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
    const auto specs = mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert);
    mc::test::write_arch_checkpoint(tmp.path(), config, specs, /*sparse=*/true);

    const auto t0 = std::chrono::steady_clock::now();
    const json r = mc::inspect_checkpoint(tmp.path());
    const std::string text = mc::format_inspect(r);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(secs, 5.0);
    RecordProperty("inspect_seconds", std::to_string(secs));

    EXPECT_EQ(r["problems"], json::array()) << r["problems"].dump();
    EXPECT_EQ(r["layers"], 78);
    EXPECT_EQ(r["mtp_layers"], (std::vector<int>{78}));
    EXPECT_EQ(r["routed_experts"], 256);
    EXPECT_EQ(r["experts_per_token"], 8);
    EXPECT_EQ(r["hidden_size"], 6144);
    EXPECT_EQ(r["indexer_full_layers"].size(), 21u);
    EXPECT_EQ(r["indexer_shared_layers"].size(), 57u);
    EXPECT_EQ(r["tensors"], specs.size());
    EXPECT_EQ(r["params_total"], d.params_total());
    EXPECT_GT(r["params_total"].get<double>(), 7.4e11);
    EXPECT_LT(r["params_total"].get<double>(), 7.6e11);
    EXPECT_EQ(r["bytes_on_disk"], folder_bytes(tmp.path()));
    EXPECT_NE(text.find("  full      0-2,6,10,14,18,22,26,30,34,38,42,46,50,54,58,62,66,70,74 (21 layers"),
              std::string::npos)
        << text;
}

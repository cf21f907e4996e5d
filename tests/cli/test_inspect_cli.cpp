// `moecut inspect DIR [--json]` end to end: the real binary on checkpoints
// written by the test.
#include "../core/arch_test_checkpoint.h"
#include "test_support.h"

#include <gtest/gtest.h>

using moecut::ArchDescriptor;
using moecut::ExpertLayout;
using nlohmann::json;
namespace mc = moecut;
using mc::test::run_moecut;
using mc::test::TempDir;

namespace {

void write_small(const std::filesystem::path& dir, json config) {
    const ArchDescriptor d = ArchDescriptor::from_config(mc::test::small_glm_config(), "c");
    mc::test::write_arch_checkpoint(dir, config, mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert));
}

} // namespace

TEST(InspectCli, JsonHasEveryKey) {
    TempDir tmp;
    write_small(tmp.path(), mc::test::small_glm_config());
    const auto res = run_moecut({"inspect", tmp.path().string(), "--json"});
    ASSERT_EQ(res.exit_code, 0) << res.err;
    const json r = json::parse(res.out);
    ASSERT_TRUE(r.is_object());
    for (const char* key :
         {"model_type", "architecture", "layers", "mtp_layers", "moe_layers", "dense_layers", "routed_experts",
          "experts_per_token", "shared_experts", "routing", "indexer_full_layers", "indexer_shared_layers",
          "params_total", "params_active", "bytes_on_disk", "dtypes", "expert_layout", "fp8", "hidden_size",
          "vocab_size", "attention", "problems", "layer_table"})
        EXPECT_TRUE(r.contains(key)) << key;
    EXPECT_EQ(r["model_type"], "glm_moe_dsa");
    EXPECT_EQ(r["layers"], 6);
    EXPECT_EQ(r["indexer_full_layers"], (std::vector<int>{0, 1, 3, 5}));
    EXPECT_EQ(r["problems"], json::array());
    EXPECT_TRUE(r["dtypes"].is_object());
}

TEST(InspectCli, ReadableSummary) {
    TempDir tmp;
    write_small(tmp.path(), mc::test::small_glm_config());
    const auto res = run_moecut({"inspect", tmp.path().string()});
    ASSERT_EQ(res.exit_code, 0) << res.err;
    EXPECT_NE(res.out.find("routing     sigmoid, correction bias, 1 group, renormalised, x2.5"), std::string::npos)
        << res.out;
    EXPECT_NE(res.out.find("problems    none"), std::string::npos) << res.out;
}

TEST(InspectCli, UnsupportedModelTypeExits2) {
    TempDir tmp;
    json config = mc::test::small_glm_config();
    config["model_type"] = "llama";
    write_small(tmp.path(), config);
    const auto res = run_moecut({"inspect", tmp.path().string()});
    EXPECT_EQ(res.exit_code, 2);
    EXPECT_NE(res.err.find("config.json: unsupported model_type 'llama' (supported: glm_moe_dsa, glm4_moe, "
                           "deepseek_v3, deepseek_v32, qwen3_moe, qwen2_moe, mixtral)"),
              std::string::npos)
        << res.err;
    EXPECT_TRUE(res.out.empty());
}

TEST(InspectCli, MissingFolderExits2) {
    TempDir tmp;
    const auto res = run_moecut({"inspect", (tmp.path() / "nope").string(), "--json"});
    EXPECT_EQ(res.exit_code, 2);
    EXPECT_NE(res.err.find("no such folder"), std::string::npos) << res.err;
}

TEST(InspectCli, ProblemsAreListedNotFatal) {
    TempDir tmp;
    const json config = mc::test::small_glm_config();
    const ArchDescriptor d = ArchDescriptor::from_config(config, "c");
    auto specs = mc::test::arch_tensor_specs(d, ExpertLayout::PerExpert);
    mc::test::erase_tensor(specs, "model.layers.1.mlp.gate.weight");
    mc::test::write_arch_checkpoint(tmp.path(), config, specs);
    const auto res = run_moecut({"inspect", tmp.path().string(), "--json"});
    ASSERT_EQ(res.exit_code, 0) << res.err;
    EXPECT_EQ(json::parse(res.out)["problems"],
              (std::vector<std::string>{"missing: model.layers.1.mlp.gate.weight [8, 64]"}));
}

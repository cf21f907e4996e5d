// moecut make-tiny and make-sparse, end to end: the written checkpoints are
// what `moecut inspect` expects of their family.
#include "moecut/checkpoint.h"
#include "moecut/fp8.h"
#include "moecut/safetensors.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <chrono>
#include <string>
#include <vector>

namespace moecut {
namespace {

using nlohmann::json;
using test::run_moecut;
using test::TempDir;

// What inspect must report for each family's tiny model (written out here,
// not computed by the library under test).
struct Expected {
    std::string family;
    int layers;
    std::vector<int> dense, moe, mtp, index_full, index_shared;
    int experts, top_k, shared;
    std::string routing, attention;
};

const std::vector<Expected>& families() {
    static const std::vector<Expected> f = {
        {"glm_moe_dsa", 5, {0}, {1, 2, 3, 4}, {5}, {0, 1, 3}, {2, 4}, 16, 4, 1, "sigmoid", "mla"},
        {"glm4_moe", 4, {0}, {1, 2, 3}, {4}, {}, {}, 16, 4, 1, "sigmoid", "gqa"},
        {"deepseek_v3", 5, {0, 1}, {2, 3, 4}, {5}, {}, {}, 16, 4, 1, "sigmoid", "mla"},
        {"deepseek_v32", 4, {0}, {1, 2, 3}, {4}, {0, 1, 2, 3}, {}, 16, 4, 1, "sigmoid", "mla"},
        {"qwen3_moe", 4, {}, {0, 1, 2, 3}, {}, {}, {}, 16, 4, 0, "softmax", "gqa"},
        {"qwen2_moe", 4, {}, {0, 1, 2, 3}, {}, {}, {}, 12, 4, 1, "softmax", "gqa"},
        {"mixtral", 4, {}, {0, 1, 2, 3}, {}, {}, {}, 8, 2, 0, "softmax", "gqa"},
    };
    return f;
}

json inspect_json(const std::filesystem::path& dir) {
    const auto r = run_moecut({"inspect", "--json", dir.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
}

void make_tiny(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"make-tiny"};
    all.insert(all.end(), args.begin(), args.end());
    const auto r = run_moecut(all);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("wrote"), std::string::npos);
}

TEST(MakeTiny, EveryFamilyAndLayoutInspectsClean) {
    TempDir tmp;
    for (const Expected& e : families()) {
        for (const std::string layout : {"per-expert", "fused"}) {
            SCOPED_TRACE(e.family + " " + layout);
            const auto dir = tmp / (e.family + "-" + layout);
            make_tiny({"--family", e.family, "--layout", layout, "--out", dir.string()});
            const json j = inspect_json(dir);
            EXPECT_EQ(j.at("problems"), json::array());
            EXPECT_EQ(j.at("model_type"), e.family);
            EXPECT_EQ(j.at("layers"), e.layers);
            EXPECT_EQ(j.at("dense_layers").get<std::vector<int>>(), e.dense);
            EXPECT_EQ(j.at("moe_layers").get<std::vector<int>>(), e.moe);
            EXPECT_EQ(j.at("mtp_layers").get<std::vector<int>>(), e.mtp);
            EXPECT_EQ(j.at("indexer_full_layers").get<std::vector<int>>(), e.index_full);
            EXPECT_EQ(j.at("indexer_shared_layers").get<std::vector<int>>(), e.index_shared);
            EXPECT_EQ(j.at("routed_experts"), e.experts);
            EXPECT_EQ(j.at("experts_per_token"), e.top_k);
            EXPECT_EQ(j.at("shared_experts"), e.shared);
            EXPECT_EQ(j.at("routing"), e.routing);
            EXPECT_EQ(j.at("attention"), e.attention);
            EXPECT_EQ(j.at("expert_layout"), layout);
            EXPECT_EQ(j.at("fp8"), false);
            EXPECT_EQ(j.at("hidden_size"), 64);
            EXPECT_EQ(j.at("layer_table").size(), e.layers + e.mtp.size());
            EXPECT_EQ(j.at("dtypes").size(), 1u);
            EXPECT_TRUE(j.at("dtypes").contains("F32"));
        }
    }
}

TEST(MakeTiny, SameSeedSameBytesOtherSeedOtherBytes) {
    TempDir tmp;
    for (const std::string family : {"glm_moe_dsa", "qwen2_moe"}) {
        SCOPED_TRACE(family);
        const auto a = tmp / (family + "a"), b = tmp / (family + "b"), c = tmp / (family + "c");
        make_tiny({"--family", family, "--seed", "11", "--out", a.string()});
        make_tiny({"--family", family, "--seed", "11", "--out", b.string()});
        make_tiny({"--family", family, "--seed", "12", "--out", c.string()});
        for (const char* f : {"config.json", "generation_config.json", "model.safetensors"})
            EXPECT_EQ(test::read_text(a / f), test::read_text(b / f)) << f;
        EXPECT_NE(test::read_text(a / "model.safetensors"), test::read_text(c / "model.safetensors"));
        EXPECT_EQ(test::read_text(a / "config.json"), test::read_text(c / "config.json"));
    }
}

TEST(MakeTiny, Fp8HasScaleSiblingsAndInspectsClean) {
    TempDir tmp;
    for (const std::string layout : {"per-expert", "fused"}) {
        SCOPED_TRACE(layout);
        const auto dir = tmp / ("v3-" + layout);
        make_tiny({"--family", "deepseek_v3", "--layout", layout, "--fp8", "--out", dir.string()});
        const json j = inspect_json(dir);
        EXPECT_EQ(j.at("problems"), json::array());
        EXPECT_EQ(j.at("fp8"), true);
        EXPECT_TRUE(j.at("dtypes").contains("F8_E4M3"));
        const Checkpoint ck = Checkpoint::open(dir);
        ASSERT_TRUE(fp8_block_from_config(ck.config()).has_value());
        int fp8 = 0;
        for (const auto& e : ck.entries()) {
            if (e.info->dtype != DType::F8_E4M3) continue;
            ++fp8;
            const auto* s = ck.find(scale_inv_name(e.info->name));
            ASSERT_NE(s, nullptr) << e.info->name;
            EXPECT_EQ(s->info->dtype, DType::F32);
            EXPECT_EQ(s->info->shape.size(), e.info->shape.size());
        }
        EXPECT_GT(fp8, 20);
        EXPECT_EQ(ck.find("model.layers.2.mlp.gate.weight")->info->dtype, DType::F32);
        EXPECT_EQ(ck.find("model.embed_tokens.weight")->info->dtype, DType::F32);
    }
}

TEST(MakeTiny, BadInputExitsTwo) {
    TempDir tmp;
    auto r = run_moecut({"make-tiny", "--family", "llama", "--out", (tmp / "x").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("llama"), std::string::npos) << r.err;
    for (const char* f : {"glm_moe_dsa", "glm4_moe", "deepseek_v3", "deepseek_v32", "qwen3_moe", "qwen2_moe", "mixtral"})
        EXPECT_NE(r.err.find(f), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(tmp / "x"));

    r = run_moecut({"make-tiny", "--family", "mixtral", "--layout", "stacked", "--out", (tmp / "y").string()});
    EXPECT_EQ(r.exit_code, 2);

    std::filesystem::create_directory(tmp / "taken");
    r = run_moecut({"make-tiny", "--family", "mixtral", "--out", (tmp / "taken").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;

    r = run_moecut({"make-sparse", "--preset", "glm-9", "--out", (tmp / "z").string()});
    EXPECT_EQ(r.exit_code, 2);
}

TEST(MakeSparse, Glm52InspectsAtScaleInSeconds) {
    TempDir tmp;
    const auto dir = tmp / "glm52";
    const auto r = run_moecut({"make-sparse", "--preset", "glm-5.2", "--out", dir.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const auto t0 = std::chrono::steady_clock::now();
    const json j = inspect_json(dir);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(seconds, 10.0);  // a loose guard; bench/ measures it properly

    EXPECT_EQ(j.at("problems"), json::array());
    EXPECT_EQ(j.at("model_type"), "glm_moe_dsa");
    EXPECT_EQ(j.at("layers"), 78);
    EXPECT_EQ(j.at("mtp_layers"), json::array({78}));
    EXPECT_EQ(j.at("dense_layers"), json::array({0, 1, 2}));
    EXPECT_EQ(j.at("moe_layers").size(), 75u);
    EXPECT_EQ(j.at("routed_experts"), 256);
    EXPECT_EQ(j.at("experts_per_token"), 8);
    EXPECT_EQ(j.at("hidden_size"), 6144);
    EXPECT_EQ(j.at("indexer_full_layers").size(), 21u);
    EXPECT_EQ(j.at("indexer_shared_layers").size(), 57u);
    const double params = j.at("params_total").get<double>();
    EXPECT_GT(params, 7.3e11);
    EXPECT_LT(params, 7.7e11);
    // The MTP layer is a MoE layer too: 76 in the table.
    const json& table = j.at("layer_table");
    ASSERT_EQ(table.size(), 79u);
    int moe = 0;
    for (const json& l : table) moe += l.at("kind") == "moe";
    EXPECT_EQ(moe, 76);
    EXPECT_EQ(table.back().at("mtp"), true);
    EXPECT_TRUE(j.at("dtypes").contains("BF16"));

    // About 1.5 TB apparent, almost nothing on disk.
    std::uintmax_t apparent = 0, allocated = 0;
    int shards = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        struct stat st {};
        ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
        apparent += static_cast<std::uintmax_t>(st.st_size);
        allocated += static_cast<std::uintmax_t>(st.st_blocks) * 512;
        shards += e.path().extension() == ".safetensors";
    }
    EXPECT_GT(apparent, 1.4e12);
    EXPECT_LT(apparent, 1.6e12);
    EXPECT_LT(allocated, 256u << 20);
    EXPECT_GT(shards, 250);
    EXPECT_TRUE(std::filesystem::exists(dir / "model.safetensors.index.json"));
}

} // namespace
} // namespace moecut

// moecut plan / prune / verify end to end on tiny checkpoints of every
// family and layout, and on the full-size sparse GLM-5.2 layout.
#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/fp8.h"
#include "moecut/saliency_file.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace moecut {
namespace {

using nlohmann::json;
using test::run_moecut;
using test::TempDir;

struct Case {
    std::string family, layout;
    bool fp8;
};

std::vector<Case> cases() {
    std::vector<Case> out;
    for (const char* f : {"glm_moe_dsa", "glm4_moe", "deepseek_v3", "deepseek_v32", "qwen3_moe", "qwen2_moe", "mixtral"})
        for (const char* l : {"per-expert", "fused"}) out.push_back({f, l, false});
    out.push_back({"glm_moe_dsa", "per-expert", true});
    out.push_back({"glm_moe_dsa", "fused", true});
    out.push_back({"deepseek_v3", "per-expert", true});
    out.push_back({"qwen3_moe", "per-expert", true});
    return out;
}

void make_tiny(const Case& c, const std::filesystem::path& dir) {
    std::vector<std::string> args = {"make-tiny", "--family", c.family, "--layout", c.layout, "--out", dir.string(),
                                     "--seed", "5"};
    if (c.fp8) args.push_back("--fp8");
    const auto r = run_moecut(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

// A hand-written plan that differs per layer: with one group, K = E/2 ids
// (5j + layer) mod E in that (non-ascending) plan order; with n_group groups,
// 2 per group in group order.
std::map<int, std::vector<int>> hand_plan(const ArchDescriptor& a) {
    const int E = static_cast<int>(a.router.n_experts), G = static_cast<int>(a.router.n_group);
    std::map<int, std::vector<int>> keep;
    for (const LayerSpec& l : a.layers) {
        if (!l.is_moe) continue;
        std::vector<int>& ids = keep[l.index];
        if (G > 1) {
            const int size = E / G;
            for (int g = 0; g < G; ++g) {
                ids.push_back(g * size + (l.index + 1) % size);
                ids.push_back(g * size + l.index % size);
            }
        } else {
            for (int j = 0; j < E / 2; ++j) ids.push_back((5 * j + l.index) % E);
            if (l.index % 2 == 0) std::sort(ids.begin(), ids.end());
        }
    }
    return keep;
}

void write_plan_json(const std::filesystem::path& p, const std::map<int, std::vector<int>>& keep) {
    json k = json::object();
    for (const auto& [layer, ids] : keep) k[std::to_string(layer)] = ids;
    test::write_text(p, json{{"keep", k}}.dump(2));
}

std::span<const std::byte> bytes_of(const Checkpoint& c, const std::string& name) {
    const auto* e = c.find(name);
    EXPECT_NE(e, nullptr) << name;
    return e ? c.bytes(*e) : std::span<const std::byte>();
}

bool same(std::span<const std::byte> a, std::span<const std::byte> b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

// Row j of dst equals row old of src (both with leading expert dimension).
void expect_row(const Checkpoint& src, const Checkpoint& dst, const std::string& name, int E, int K, int old, int j) {
    const auto s = bytes_of(src, name), d = bytes_of(dst, name);
    ASSERT_EQ(s.size() / static_cast<std::size_t>(E), d.size() / static_cast<std::size_t>(K)) << name;
    const std::size_t row = s.size() / static_cast<std::size_t>(E);
    EXPECT_TRUE(same(s.subspan(static_cast<std::size_t>(old) * row, row), d.subspan(static_cast<std::size_t>(j) * row, row)))
        << name << " row " << j << " (old " << old << ")";
}

void check_pruned(const Case& c, const std::filesystem::path& src_dir, const std::filesystem::path& dst_dir,
                  const std::map<int, std::vector<int>>& keep) {
    const Checkpoint src = Checkpoint::open(src_dir), dst = Checkpoint::open(dst_dir);
    const ArchDescriptor a = ArchDescriptor::from_config(src.config(), "config.json");
    const int E = static_cast<int>(a.router.n_experts);
    const int K = static_cast<int>(keep.begin()->second.size());
    const bool fused = c.layout == "fused";
    const ExpertLayout layout = fused ? ExpertLayout::Fused : ExpertLayout::PerExpert;

    // config.json: only the count field changed.
    json want = src.config();
    want[a.expert_count_field()] = K;
    EXPECT_EQ(dst.config(), want);
    EXPECT_TRUE(std::filesystem::exists(dst_dir / "generation_config.json"));
    const json prov = json::parse(test::read_text(dst_dir / "moecut_provenance.json"));
    EXPECT_EQ(prov.at("experts_before"), E);
    EXPECT_EQ(prov.at("experts_after"), K);
    EXPECT_EQ(prov.at("plan").at("keep").at(std::to_string(keep.begin()->first)), keep.begin()->second);
    EXPECT_EQ(prov.at("source").at("fingerprint").get<std::string>().rfind("sha256:", 0), 0u);

    for (const auto& [layer, ids] : keep) {
        const bool mtp = layer >= a.num_hidden_layers;
        SCOPED_TRACE("layer " + std::to_string(layer) + (mtp ? " (MTP)" : ""));
        const std::string router = a.router_weight(layer, layout);
        EXPECT_EQ(dst.find(router)->info->shape, (std::vector<std::int64_t>{K, a.hidden_size}));
        for (int j = 0; j < K; ++j) {
            const int old = ids[static_cast<std::size_t>(j)];
            expect_row(src, dst, router, E, K, old, j);
            if (a.router.correction_bias) expect_row(src, dst, a.router_bias(layer), E, K, old, j);
            if (fused) {
                for (int w = 0; w < 2; ++w) {
                    expect_row(src, dst, a.fused_expert_weight(layer, w), E, K, old, j);
                    if (c.fp8) expect_row(src, dst, scale_inv_name(a.fused_expert_weight(layer, w)), E, K, old, j);
                }
                continue;
            }
            for (int p = 0; p < 3; ++p) {
                EXPECT_TRUE(same(bytes_of(src, a.expert_weight(layer, old, p)), bytes_of(dst, a.expert_weight(layer, j, p))))
                    << a.expert_weight(layer, j, p);
                if (c.fp8) {
                    EXPECT_TRUE(same(bytes_of(src, scale_inv_name(a.expert_weight(layer, old, p))),
                                     bytes_of(dst, scale_inv_name(a.expert_weight(layer, j, p)))))
                        << "scale of " << a.expert_weight(layer, j, p);
                }
            }
        }
        if (!fused) {
            EXPECT_EQ(dst.find(a.expert_weight(layer, K, 0)), nullptr);  // nothing beyond K-1
        }
    }
    // Everything that is not routed-expert or router data is byte-identical.
    std::size_t untouched = 0;
    for (const auto& e : src.entries()) {
        const std::string& n = e.info->name;
        if (n.find(".experts.") != std::string::npos && n.find("shared_expert") == std::string::npos) continue;
        if (n.find(".gate.") != std::string::npos) continue;
        EXPECT_TRUE(same(src.bytes(e), bytes_of(dst, n))) << n;
        ++untouched;
    }
    EXPECT_GT(untouched, 10u);
}

TEST(PruneCli, EveryFamilyLayoutAndFp8) {
    TempDir tmp;
    for (const Case& c : cases()) {
        const std::string tag = c.family + "-" + c.layout + (c.fp8 ? "-fp8" : "");
        SCOPED_TRACE(tag);
        const auto src = tmp / tag, out = tmp / (tag + "-pruned"), plan = tmp / (tag + ".plan.json");
        make_tiny(c, src);
        const ArchDescriptor a = ArchDescriptor::from_file(src / "config.json");
        const auto keep = hand_plan(a);
        write_plan_json(plan, keep);

        const auto r = run_moecut({"prune", "--model", src.string(), "--plan", plan.string(), "--out", out.string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.out.find("wrote"), std::string::npos);
        // stderr is not a terminal: progress comes as JSON lines ending at total.
        std::istringstream lines(r.err);
        json last;
        for (std::string line; std::getline(lines, line);) last = json::parse(line);
        EXPECT_EQ(last.at("event"), "progress");
        EXPECT_EQ(last.at("step"), "prune");
        EXPECT_EQ(last.at("done"), last.at("total"));
        EXPECT_GT(last.at("total").get<std::uint64_t>(), 0u);

        const auto v = run_moecut({"verify", out.string()});
        EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
        EXPECT_EQ(v.out.rfind("OK: ", 0), 0u) << v.out;
        const auto i = run_moecut({"inspect", "--json", out.string()});
        ASSERT_EQ(i.exit_code, 0) << i.err;
        const json j = json::parse(i.out);
        EXPECT_EQ(j.at("problems"), json::array());
        EXPECT_EQ(j.at("routed_experts"), keep.begin()->second.size());
        EXPECT_EQ(j.at("expert_layout"), c.layout);
        EXPECT_EQ(j.at("fp8"), c.fp8);
        if (!a.mtp_layers().empty()) {
            EXPECT_TRUE(keep.count(a.mtp_layers().front()));  // MTP pruned too
        }
        check_pruned(c, src, out, keep);
    }
}

TEST(PruneCli, BadPlansLeaveNothing) {
    TempDir tmp;
    const auto src = tmp / "src", out = tmp / "out", plan = tmp / "plan.json";
    make_tiny({"glm_moe_dsa", "per-expert", false}, src);
    const ArchDescriptor a = ArchDescriptor::from_file(src / "config.json");
    auto keep = hand_plan(a);

    auto expect_refused = [&](const std::string& what) {
        const auto r = run_moecut({"prune", "--model", src.string(), "--plan", plan.string(), "--out", out.string()});
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(out));
        for (const auto& e : std::filesystem::directory_iterator(tmp.path()))
            EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
    };
    auto extra = keep;
    extra[42] = keep.begin()->second;
    write_plan_json(plan, extra);
    expect_refused("layer 42, which has no router");

    auto small = keep;
    for (auto& [_, ids] : small) ids.resize(3);  // top-k is 4
    write_plan_json(plan, small);
    expect_refused("below the router's top-k (4)");

    auto missing = keep;
    missing.erase(a.mtp_layers().front());
    write_plan_json(plan, missing);
    expect_refused("no entry for MoE layer 5");

    test::write_text(plan, "{\"keep\": ");
    expect_refused("not valid JSON");

    // A source whose expert tensor is gone: found before anything is written.
    write_plan_json(plan, keep);
    const auto r = run_moecut({"prune", "--model", (tmp / "nowhere").string(), "--plan", plan.string(), "--out",
                               out.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_FALSE(std::filesystem::exists(out));

    // An existing output folder is never overwritten.
    std::filesystem::create_directory(out);
    const auto e = run_moecut({"prune", "--model", src.string(), "--plan", plan.string(), "--out", out.string()});
    EXPECT_EQ(e.exit_code, 2);
    EXPECT_NE(e.err.find("already exists"), std::string::npos) << e.err;
}

TEST(PruneCli, VerifyFindsInconsistencies) {
    TempDir tmp;
    const auto src = tmp / "src", out = tmp / "out", plan = tmp / "plan.json";
    make_tiny({"qwen3_moe", "per-expert", false}, src);
    const ArchDescriptor a = ArchDescriptor::from_file(src / "config.json");
    write_plan_json(plan, hand_plan(a));
    ASSERT_EQ(run_moecut({"prune", "--model", src.string(), "--plan", plan.string(), "--out", out.string()}).exit_code, 0);
    ASSERT_EQ(run_moecut({"verify", out.string()}).exit_code, 0);

    // The count field says 9 where 8 experts remain.
    json cfg = json::parse(test::read_text(out / "config.json"));
    cfg["num_experts"] = 9;
    test::write_text(out / "config.json", cfg.dump(2));
    const auto v = run_moecut({"verify", out.string()});
    EXPECT_EQ(v.exit_code, 1);  // read fine, found problems (2 is for unreadable input)
    EXPECT_NE(v.out.find("routed expert ids are not 0..8 (9 experts in config.json): missing 8"), std::string::npos)
        << v.out;
    EXPECT_NE(v.out.find("experts_after = 8, but config.json says 9"), std::string::npos) << v.out;
    const auto vj = run_moecut({"verify", "--json", out.string()});
    EXPECT_EQ(vj.exit_code, 1);
    EXPECT_EQ(json::parse(vj.out).at("ok"), false);

    // The unpruned source verifies.
    EXPECT_EQ(run_moecut({"verify", src.string()}).exit_code, 0);
}

// saliency file -> moecut plan -> moecut prune -> verify, and the plan's choices.
TEST(PruneCli, PlanFromSaliencyThenPrune) {
    TempDir tmp;
    const auto src = tmp / "src";
    make_tiny({"mixtral", "per-expert", false}, src);
    const ArchDescriptor a = ArchDescriptor::from_file(src / "config.json");  // 4 layers, 8 experts, top-2
    SaliencyTable t;
    t.layers = a.moe_layers();
    t.experts = 8;
    t.top_k = 2;
    t.model_type = "mixtral";
    SaliencySums s;
    s.resize(t.rows(), 8);
    for (std::size_t r = 0; r < t.rows(); ++r)
        for (std::size_t e = 0; e < 8; ++e) {
            const std::size_t i = r * 8 + e;
            s.count[i] = 10;
            s.reap_sum[i] = 10.0 * static_cast<double>((e * 3 + r) % 8);  // reap = (3e + r) mod 8
            s.norm_max[i] = 1;
        }
    t.set_domain("all", s, 40);
    for (auto& v : s.reap_sum) v = 0;
    for (std::size_t r = 0; r < t.rows(); ++r) s.reap_sum[r * 8 + 7 - r] = 5;  // code likes expert 7 - r
    t.set_domain("code", s, 40);
    write_saliency_file(tmp / "sal.safetensors", t);

    const auto p = run_moecut({"plan", "--saliency", (tmp / "sal.safetensors").string(), "--keep", "4", "--swap-domain",
                               "code", "--swaps", "1", "--out", (tmp / "PLAN.json").string()});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    const json plan = json::parse(test::read_text(tmp / "PLAN.json"));
    // Row 0: reap by expert = 0,3,6,1,4,7,2,5 -> top 4 = {5,2,7,4}; code's expert 7 is kept
    // already, so no swap there. Row 1: reap = 1,4,7,2,5,0,3,6 -> top 4 = {2,7,4,1}; code's
    // expert 6 was dropped: it replaces the weakest kept, expert 1 (reap 4).
    EXPECT_EQ(plan.at("keep").at("0"), (std::vector<int>{2, 4, 5, 7}));
    EXPECT_EQ(plan.at("keep").at("1"), (std::vector<int>{2, 4, 6, 7}));
    EXPECT_EQ(plan.at("criterion"), "reap");
    bool found = false;
    for (const auto& sw : plan.at("swaps"))
        if (sw.at("layer") == 1) {
            found = true;
            EXPECT_EQ(sw.at("out"), 1);
            EXPECT_EQ(sw.at("in"), 6);
            EXPECT_NE(sw.at("reason").get<std::string>().find("knowledge swap"), std::string::npos);
        }
    EXPECT_TRUE(found);

    const auto r = run_moecut({"prune", "--model", src.string(), "--plan", (tmp / "PLAN.json").string(), "--out",
                               (tmp / "out").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(run_moecut({"verify", (tmp / "out").string()}).exit_code, 0);

    // Refusals come back as one line and exit 2.
    const auto bad = run_moecut({"plan", "--saliency", (tmp / "sal.safetensors").string(), "--keep", "1", "--out",
                                 (tmp / "P2.json").string()});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("below the router's top-k (2)"), std::string::npos) << bad.err;
    EXPECT_FALSE(std::filesystem::exists(tmp / "P2.json"));
}

// The GLM-5.2 layout at full size (sparse files): 256 -> 168 in every MoE layer and the MTP layer.
TEST(PruneCli, Glm52SparseTo168) {
    TempDir tmp;
    const auto src = tmp / "glm52", out = tmp / "glm52-168", plan = tmp / "plan.json";
    ASSERT_EQ(run_moecut({"make-sparse", "--preset", "glm-5.2", "--out", src.string()}).exit_code, 0);
    const ArchDescriptor a = ArchDescriptor::from_file(src / "config.json");
    std::map<int, std::vector<int>> keep;
    for (int l : a.moe_layers())
        for (int e = 0; e < 168; ++e) keep[l].push_back(e + l % 88);
    for (int l : a.mtp_layers())
        for (int e = 0; e < 168; ++e) keep[l].push_back(255 - e);
    ASSERT_EQ(keep.size(), 76u);  // 75 trunk MoE layers + 1 MTP layer
    write_plan_json(plan, keep);

    // Without the flag the holes would be read as data: refused.
    const auto no_flag = run_moecut({"prune", "--model", src.string(), "--plan", plan.string(), "--out", out.string()});
    EXPECT_EQ(no_flag.exit_code, 2);
    EXPECT_NE(no_flag.err.find("--structure-only"), std::string::npos) << no_flag.err;
    EXPECT_FALSE(std::filesystem::exists(out));

    const auto r = run_moecut(
        {"prune", "--structure-only", "--model", src.string(), "--plan", plan.string(), "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("256 -> 168"), std::string::npos) << r.out;
    const auto v = run_moecut({"verify", out.string()});
    EXPECT_EQ(v.exit_code, 0) << v.out;
    const json j = json::parse(run_moecut({"inspect", "--json", out.string()}).out);
    EXPECT_EQ(j.at("problems"), json::array());
    EXPECT_EQ(j.at("routed_experts"), 168);
    EXPECT_EQ(j.at("mtp_layers"), json::array({78}));
    const Checkpoint c = Checkpoint::open(out);
    EXPECT_EQ(c.find("model.layers.78.mlp.gate.weight")->info->shape, (std::vector<std::int64_t>{168, 6144}));
    EXPECT_EQ(c.find("model.layers.78.mlp.gate.e_score_correction_bias")->info->shape, (std::vector<std::int64_t>{168}));
    EXPECT_EQ(c.find("model.layers.3.mlp.experts.168.gate_proj.weight"), nullptr);
    EXPECT_NE(c.find("model.layers.3.mlp.experts.167.down_proj.weight"), nullptr);
    EXPECT_EQ(c.config().at("n_routed_experts"), 168);
    EXPECT_GT(c.shards().size(), 1u);
}

} // namespace
} // namespace moecut

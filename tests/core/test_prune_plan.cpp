// Keep-K plans: exact top-K selection, ties, group balance, knowledge swaps,
// super experts, refusals, and PLAN.json.
#include "moecut/arch.h"
#include "moecut/error.h"
#include "moecut/prune_plan.h"
#include "moecut/super_experts.h"
#include "moecut/tiny_checkpoint.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fstream>

namespace moecut {
namespace {

using test::TempDir;

// A table whose statistics are set directly: rows x E, every statistic 0
// unless given.
SaliencyTable table(std::vector<int> layers, int E, std::int64_t top_k, std::int64_t n_group = 1,
                    std::int64_t topk_group = 1) {
    SaliencyTable t;
    t.layers = std::move(layers);
    t.experts = E;
    t.top_k = top_k;
    t.n_group = n_group;
    t.topk_group = topk_group;
    t.domains = {"all"};
    t.tokens["all"] = 100;
    for (const auto& s : saliency_statistics()) t.values[s]["all"].assign(t.layers.size() * static_cast<std::size_t>(E), 0.0f);
    return t;
}

void set_row(SaliencyTable& t, const std::string& stat, const std::string& domain, std::size_t row, std::vector<float> v) {
    if (!t.has_domain(domain)) {
        t.domains.push_back(domain);
        t.tokens[domain] = 100;
        for (const auto& s : saliency_statistics()) t.values[s][domain].assign(t.rows() * static_cast<std::size_t>(t.experts), 0.0f);
    }
    auto& m = t.values[stat][domain];
    std::copy(v.begin(), v.end(), m.begin() + static_cast<std::ptrdiff_t>(row * static_cast<std::size_t>(t.experts)));
}

std::string plan_error(const SaliencyTable& t, const PlanOptions& o) {
    try {
        make_plan(t, o);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(PrunePlan, TopKExactWithTiesToLowerId) {
    SaliencyTable t = table({3, 4}, 8, 2);
    set_row(t, "reap", "all", 0, {0.5f, 0.1f, 0.9f, 0.3f, 0.3f, 0.7f, 0.0f, 0.2f});
    set_row(t, "reap", "all", 1, {1, 1, 1, 1, 1, 1, 1, 1});  // all tied: the lowest ids win
    set_row(t, "frequency", "all", 0, {0, 0, 0, 0, 0.4f, 0.3f, 0.2f, 0});
    PlanOptions o;
    o.keep = 4;
    const Plan p = make_plan(t, o);
    EXPECT_EQ(p.keep.at(3), (std::vector<int>{0, 2, 3, 5}));  // 3 and 4 tie at 0.3: 3 wins
    EXPECT_EQ(p.keep.at(4), (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(p.criterion, "reap");
    EXPECT_EQ(p.experts, 8);
    EXPECT_TRUE(p.swaps.empty());

    o.criterion = "frequency";
    const Plan f = make_plan(t, o);
    EXPECT_EQ(f.keep.at(3), (std::vector<int>{0, 4, 5, 6}));  // 4, 5, 6, then the tie at 0 goes to 0
}

TEST(PrunePlan, RefusesKTheRouterCannotTake) {
    SaliencyTable t = table({1}, 8, 4);
    PlanOptions o;
    o.keep = 3;
    EXPECT_NE(plan_error(t, o).find("below the router's top-k (4)"), std::string::npos) << plan_error(t, o);
    o.keep = 9;
    EXPECT_NE(plan_error(t, o).find("more than the 8 experts"), std::string::npos);
    o.keep = 4;
    o.criterion = "magic";
    EXPECT_NE(plan_error(t, o).find("not one of reap, frequency, ean"), std::string::npos);
    o.criterion = "reap";
    o.domain = "math";
    EXPECT_NE(plan_error(t, o).find("no domain \"math\""), std::string::npos);

    SaliencyTable g = table({1}, 16, 4, 4, 1);  // 4 groups of 4, one group chosen per token
    o.domain = "all";
    o.keep = 6;
    EXPECT_NE(plan_error(g, o).find("not a multiple of n_group = 4"), std::string::npos) << plan_error(g, o);
    o.keep = 4;
    EXPECT_NE(plan_error(g, o).find("1 expert(s) per group"), std::string::npos) << plan_error(g, o);
    o.keep = 8;  // 2 per group, 1 group per token: 2 reachable < top-k 4
    EXPECT_NE(plan_error(g, o).find("2 reachable experts, below top-k 4"), std::string::npos) << plan_error(g, o);
    o.keep = 16;
    EXPECT_EQ(plan_error(g, o), "");

    SaliencyTable no_topk = table({1}, 8, 0);
    EXPECT_NE(plan_error(no_topk, o).find("top_k"), std::string::npos);
}

TEST(PrunePlan, GroupBalancedSelection) {
    // 2 groups of 4; the global top 4 are all in group 0.
    SaliencyTable t = table({2}, 8, 2, 2, 1);
    set_row(t, "reap", "all", 0, {0.9f, 0.8f, 0.7f, 0.6f, 0.1f, 0.2f, 0.3f, 0.05f});
    PlanOptions o;
    o.keep = 4;
    const Plan p = make_plan(t, o);
    EXPECT_EQ(p.keep.at(2), (std::vector<int>{0, 1, 5, 6}));
}

TEST(PrunePlan, KnowledgeSwaps) {
    SaliencyTable t = table({1, 2}, 8, 2);
    set_row(t, "reap", "all", 0, {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f});
    set_row(t, "reap", "all", 1, {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f});
    set_row(t, "reap", "code", 0, {0.1f, 0.0f, 0.0f, 0.2f, 0.0f, 0.9f, 0.5f, 0.3f});
    set_row(t, "reap", "code", 1, {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.4f});  // one candidate only
    PlanOptions o;
    o.keep = 4;
    o.swap_domain = "code";
    o.swaps = 2;
    const Plan p = make_plan(t, o);
    // Layer 1: kept {0,1,2,3}; code's best dropped are 5 then 6; the weakest kept are 3 then 2.
    EXPECT_EQ(p.keep.at(1), (std::vector<int>{0, 1, 5, 6}));
    // Layer 2: only expert 7 scores above 0 in code; one swap, out goes 3.
    EXPECT_EQ(p.keep.at(2), (std::vector<int>{0, 1, 2, 7}));
    ASSERT_EQ(p.swaps.size(), 3u);
    EXPECT_EQ(p.swaps[0].layer, 1);
    EXPECT_EQ(p.swaps[0].out, 3);
    EXPECT_EQ(p.swaps[0].in, 5);
    EXPECT_EQ(p.swaps[1].out, 2);
    EXPECT_EQ(p.swaps[1].in, 6);
    EXPECT_EQ(p.swaps[2].layer, 2);
    EXPECT_EQ(p.swaps[2].out, 3);
    EXPECT_EQ(p.swaps[2].in, 7);
    EXPECT_EQ(p.swaps[0].domain, "code");
    const std::string& why = p.swaps[0].reason;
    EXPECT_NE(why.find("expert 5 has reap 0.9 there (rank 1 of 8)"), std::string::npos) << why;
    EXPECT_NE(why.find("dropped it (rank 6, 0.4)"), std::string::npos) << why;
    EXPECT_NE(why.find("replaces expert 3, the weakest kept by 'all' (rank 4, 0.6"), std::string::npos) << why;

    o.swap_domain = "all";
    EXPECT_NE(plan_error(t, o).find("must differ from --domain"), std::string::npos);
    o.swap_domain = "code";
    o.swaps = 4;
    EXPECT_NE(plan_error(t, o).find("would replace all 4 kept"), std::string::npos);
    o.swaps = 0;
    EXPECT_NE(plan_error(t, o).find("needs --swaps"), std::string::npos);
}

// 8 trunk rows of 64 experts (first 6 rows considered), all norm_max 1 but three outliers.
SaliencyTable outlier_table() {
    SaliencyTable t = table({0, 1, 2, 3, 4, 5, 6, 7}, 64, 2);
    auto& m = t.values["norm_max"]["all"];
    std::fill(m.begin(), m.end(), 1.0f);
    m[0 * 64 + 5] = 500.0f;
    m[1 * 64 + 7] = 400.0f;
    m[7 * 64 + 2] = 600.0f;  // last quarter of the layers: not considered
    return t;
}

TEST(SuperExperts, ReapsRule) {
    const SaliencyTable t = outlier_table();
    const SuperExperts s = find_super_experts(t, "all");
    // 512 values, q99.5 at position 508.445: 1 + 0.445 * (400 - 1).
    EXPECT_NEAR(s.threshold, 1.0 + 0.445 * 399.0, 1e-6);
    EXPECT_EQ(s.total(), 2u);
    EXPECT_EQ(s.by_row[0], (std::vector<int>{5}));
    EXPECT_EQ(s.by_row[1], (std::vector<int>{7}));
    EXPECT_TRUE(s.by_row[7].empty());

    // max/10 wins when it is larger: one huge outlier among 256.
    SaliencyTable u = table({0, 1, 2, 3}, 64, 2);
    auto& m = u.values["norm_max"]["all"];
    std::fill(m.begin(), m.end(), 1.0f);
    m[3] = 50.0f;
    m[64 + 4] = 20.0f;
    m[128 + 5] = 1000.0f;
    const SuperExperts v = find_super_experts(u, "all");
    EXPECT_DOUBLE_EQ(v.threshold, 100.0);  // q99.5 = 20 + 0.725 * 30 < 100
    EXPECT_EQ(v.total(), 1u);
    EXPECT_EQ(v.by_row[2], (std::vector<int>{5}));
}

TEST(PrunePlan, ProtectsSuperExperts) {
    SaliencyTable t = outlier_table();
    for (std::size_t r = 0; r < 8; ++r) {
        std::vector<float> reap(64);
        for (int e = 0; e < 64; ++e) reap[static_cast<std::size_t>(e)] = static_cast<float>(64 - e);  // expert 0 strongest
        set_row(t, "reap", "all", r, reap);
    }
    PlanOptions o;
    o.keep = 4;
    o.protect_super_experts = true;
    const Plan p = make_plan(t, o);
    EXPECT_EQ(p.keep.at(0), (std::vector<int>{0, 1, 2, 5}));
    EXPECT_EQ(p.keep.at(1), (std::vector<int>{0, 1, 2, 7}));
    EXPECT_EQ(p.keep.at(7), (std::vector<int>{0, 1, 2, 3}));
    EXPECT_EQ(p.protected_experts.at(0), (std::vector<int>{5}));
    EXPECT_FALSE(p.super_expert_rule.empty());
    // A protected expert is never swapped out.
    set_row(t, "reap", "code", 0, std::vector<float>(64, 0.0f));
    std::vector<float> code(64, 0.0f);
    code[40] = 1.0f;
    code[41] = 0.5f;
    set_row(t, "reap", "code", 0, code);
    o.swap_domain = "code";
    o.swaps = 1;
    const Plan q = make_plan(t, o);
    EXPECT_EQ(q.keep.at(0), (std::vector<int>{0, 1, 5, 40}));  // out: 2 (weakest unprotected), not 5
}

TEST(PrunePlan, ValidatesHandWrittenPlans) {
    RouterLimits r;
    r.experts = 8;
    r.top_k = 2;
    r.layers = {1, 2};
    auto err = [&](const std::string& text) {
        try {
            validate_plan(plan_from_json(nlohmann::json::parse(text), "P.json"), r, "P.json");
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(err(R"({"keep": {"1": [0, 1, 2], "2": [7, 3, 4]}})"), "");
    EXPECT_NE(err(R"({"keep": {"1": [0, 1, 2]}})").find("no entry for MoE layer 2"), std::string::npos);
    EXPECT_NE(err(R"({"keep": {"1": [0, 1], "2": [0, 1], "9": [0, 1]}})").find("layer 9, which has no router"),
              std::string::npos);
    EXPECT_NE(err(R"({"keep": {"1": [0, 1, 1], "2": [0, 1, 2]}})").find("expert 1 is listed twice"), std::string::npos);
    EXPECT_NE(err(R"({"keep": {"1": [0, 1, 8], "2": [0, 1, 2]}})").find("out of range 0..7"), std::string::npos);
    EXPECT_NE(err(R"({"keep": {"1": [0, 1, 2], "2": [0, 1]}})").find("K must be the same"), std::string::npos);
    EXPECT_NE(err(R"({"keep": {"1": [0], "2": [1]}})").find("below the router's top-k"), std::string::npos);
    EXPECT_NE(err(R"({"keep": {"x": [0]}})").find("not a layer index"), std::string::npos);
    EXPECT_NE(err(R"({"kept": {}})").find("no \"keep\""), std::string::npos);
    EXPECT_NE(err(R"({"keep": {"1": [0, 1], "2": [0, 1]}, "experts": 16})").find("made for 16 experts"), std::string::npos);

    // Groups: 2 groups of 4, 2 kept each, group 0's experts first.
    r.n_group = 2;
    EXPECT_EQ(err(R"({"keep": {"1": [0, 3, 4, 6], "2": [1, 2, 5, 7]}})"), "");
    EXPECT_NE(err(R"({"keep": {"1": [0, 1, 2, 6], "2": [1, 2, 5, 7]}})").find("position 2 (new group 1) holds expert 2"),
              std::string::npos);
    EXPECT_NE(err(R"({"keep": {"1": [4, 5, 0, 1], "2": [1, 2, 5, 7]}})").find("each group must keep 2"), std::string::npos);
}

TEST(PrunePlan, JsonRoundTrip) {
    SaliencyTable t = table({1, 2}, 8, 2);
    set_row(t, "reap", "all", 0, {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f});
    set_row(t, "reap", "code", 0, {0, 0, 0, 0, 0, 0.9f, 0, 0});
    t.model_hash = "sha256:1234";
    PlanOptions o;
    o.keep = 4;
    o.swap_domain = "code";
    o.swaps = 1;
    o.saliency_path = "sal.safetensors";
    const Plan p = make_plan(t, o);
    TempDir tmp;
    write_plan(tmp / "PLAN.json", p);
    const std::string text = test::read_text(tmp / "PLAN.json");
    EXPECT_NE(text.find("\"1\": [0,1,2,5]"), std::string::npos) << text;  // one line per layer
    const Plan q = read_plan(tmp / "PLAN.json");
    EXPECT_EQ(q.keep, p.keep);
    EXPECT_EQ(q.criterion, "reap");
    EXPECT_EQ(q.domain, "all");
    EXPECT_EQ(q.experts, 8);
    ASSERT_EQ(q.swaps.size(), 1u);
    EXPECT_EQ(q.swaps[0].in, 5);
    EXPECT_EQ(q.swaps[0].out, 3);
    EXPECT_EQ(q.swaps[0].reason, p.swaps[0].reason);
    EXPECT_EQ(q.model_hash(), "sha256:1234");
    EXPECT_EQ(nlohmann::json::parse(text).at("keep_per_layer"), 4);
}

TEST(PrunePlan, RouterLimitsFromConfig) {
    const ArchDescriptor a = ArchDescriptor::from_config(tiny_config(Family::DeepseekV3), "config.json");
    const RouterLimits r = router_limits(a);
    EXPECT_EQ(r.layers, (std::vector<int>{2, 3, 4, 5}));  // trunk MoE layers, then the MTP layer
    EXPECT_EQ(r.experts, 16);
    EXPECT_EQ(r.top_k, 4);
    EXPECT_EQ(r.n_group, 4);
    EXPECT_EQ(r.topk_group, 2);
    EXPECT_EQ(keep_count_problem(8, r), "");
    EXPECT_EQ(keep_count_problem(12, r), "");  // 3 per group, 2 groups per token: 6 reachable >= 4
    EXPECT_NE(keep_count_problem(10, r), "");
}

} // namespace
} // namespace moecut

// The runtime against transformers 5.24: each case regenerates its tiny
// checkpoint with make_tiny_checkpoint (the seed and options recorded in the
// fixture, the bytes checked by hash), runs the recorded input ids, and
// compares logits, routing and expert output norms with
// tests/data/runtime/<case>/expected.safetensors (scripts/make_runtime_goldens.py).
#include "moecut/engine/model.h"
#include "moecut/safetensors.h"
#include "moecut/tiny_checkpoint.h"
#include "golden_fixture.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <torch/types.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

using namespace moecut;
using namespace moecut::engine;

namespace {

using test::Golden;
using test::family_of;

// Routing of one layer: identical top-k sets per token, weights and norms
// matched per expert id.
void expect_routing(const Golden& g, int layer, const MoeLayerTaps& got, const std::string& what) {
    const std::string p = fmt::format("moe.{}.", layer);
    auto e_idx = g.t.at(p + "topk_idx");
    auto e_w = g.t.at(p + "topk_weight");
    auto e_n = g.t.at(p + "expert_norm");
    auto e_logits = g.t.at(p + "router_logits");
    ASSERT_EQ(got.topk_idx.sizes(), e_idx.sizes()) << what;
    EXPECT_LE((got.router_logits - e_logits).abs().max().item<double>(), 1e-4) << what << " router logits";
    const auto N = e_idx.size(0), K = e_idx.size(1);
    int mismatched_tokens = 0;
    double max_w = 0, max_n = 0;
    for (std::int64_t n = 0; n < N; ++n) {
        std::map<std::int64_t, std::pair<double, double>> expect, have;
        for (std::int64_t k = 0; k < K; ++k) {
            expect[e_idx[n][k].item<std::int64_t>()] = {e_w[n][k].item<double>(), e_n[n][k].item<double>()};
            have[got.topk_idx[n][k].item<std::int64_t>()] = {got.topk_weight[n][k].item<double>(),
                                                            got.expert_out_norm[n][k].item<double>()};
        }
        std::set<std::int64_t> a, b;
        for (auto& [e, v] : expect) a.insert(e);
        for (auto& [e, v] : have) b.insert(e);
        if (a != b) {
            ++mismatched_tokens;
            continue;
        }
        for (auto& [e, v] : expect) {
            max_w = std::max(max_w, std::abs(v.first - have[e].first));
            max_n = std::max(max_n, std::abs(v.second - have[e].second) / std::max(1.0, std::abs(v.second)));
        }
    }
    EXPECT_EQ(mismatched_tokens, 0) << what << ": tokens whose selected experts differ";
    EXPECT_LE(max_w, 1e-5) << what << ": combine weights";
    EXPECT_LE(max_n, 1e-4) << what << ": expert output norms";
}

class RuntimeGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(RuntimeGolden, MatchesTransformers) {
    const auto dir = test::test_data_dir() / "runtime" / GetParam();
    Golden g(dir / "expected.safetensors");

    TinyOptions o;
    o.family = family_of(g.meta.at("family"));
    o.layout = g.meta.at("layout") == "fused" ? ExpertLayout::Fused : ExpertLayout::PerExpert;
    o.fp8 = g.meta.at("fp8") == "1";
    o.seed = std::stoull(g.meta.at("seed"));
    test::TempDir tmp;
    const auto ckpt = tmp / "ckpt";
    make_tiny_checkpoint(o, ckpt);
    ASSERT_EQ(test::file_fnv1a64(ckpt / "config.json"), g.meta.at("config_fnv1a64"))
        << "make-tiny's config changed: rerun scripts/make_runtime_goldens.py";
    ASSERT_EQ(test::file_fnv1a64(ckpt / "model.safetensors"), g.meta.at("weights_fnv1a64"))
        << "make-tiny's weights changed: rerun scripts/make_runtime_goldens.py";

    auto model = Model::open(ckpt);
    RoutingTaps taps;
    ForwardOptions fo;
    fo.taps = &taps;
    if (g.has("mtp.logits")) {
        fo.run_mtp = true;
        fo.mtp_next_ids = g.t.at("mtp.next_ids");
    }
    auto out = model.forward(g.t.at("input_ids"), fo);

    const double err = (out.logits - g.t.at("logits")).abs().max().item<double>();
    EXPECT_LE(err, 1e-4) << "max |logit error|";
    double mtp_err = 0;
    if (g.has("mtp.logits")) {
        mtp_err = (out.mtp_logits - g.t.at("mtp.logits")).abs().max().item<double>();
        EXPECT_LE(mtp_err, 1e-4) << "max |MTP logit error|";
    }
    RecordProperty("max_logit_error", fmt::format("{:.3g}", err));
    RecordProperty("max_mtp_logit_error", fmt::format("{:.3g}", mtp_err));

    // Every MoE layer the reference recorded (trunk and MTP), and no other.
    std::set<int> expected_layers;
    for (const auto& [k, v] : g.t)
        if (k.rfind("moe.", 0) == 0) expected_layers.insert(std::stoi(k.substr(4)));
    std::set<int> got_layers;
    for (const auto& l : taps.layers) got_layers.insert(l.layer);
    EXPECT_EQ(got_layers, expected_layers);
    for (int layer : expected_layers) {
        const auto* t = taps.find(layer);
        ASSERT_NE(t, nullptr) << "layer " << layer;
        expect_routing(g, layer, *t, fmt::format("layer {}", layer));
    }
}

std::vector<std::string> golden_cases() {
    std::vector<std::string> names;
    const auto root = test::test_data_dir() / "runtime";
    if (std::filesystem::exists(root))
        for (const auto& e : std::filesystem::directory_iterator(root))
            if (std::filesystem::exists(e.path() / "expected.safetensors")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

INSTANTIATE_TEST_SUITE_P(Cases, RuntimeGolden, ::testing::ValuesIn(golden_cases()),
                         [](const auto& info) { return info.param; });

// The suite must not pass vacuously: every family and the special cases are there.
TEST(RuntimeGoldenSet, CoversEveryFamilyAndSpecialCase) {
    const auto names = golden_cases();
    std::set<std::string> families;
    bool long_dsa = false, fp8 = false, fused = false, mtp = false;
    for (const auto& n : names) {
        Golden g(test::test_data_dir() / "runtime" / n / "expected.safetensors");
        families.insert(g.meta.at("family"));
        const auto& cfg = tiny_config(family_of(g.meta.at("family")));
        if (cfg.contains("index_topk") && std::stoll(g.meta.at("tokens")) > cfg["index_topk"].get<std::int64_t>())
            long_dsa = true;
        fp8 = fp8 || g.meta.at("fp8") == "1";
        fused = fused || g.meta.at("layout") == "fused";
        mtp = mtp || g.has("mtp.logits");
    }
    EXPECT_EQ(families.size(), supported_model_types().size());
    EXPECT_TRUE(long_dsa);
    EXPECT_TRUE(fp8);
    EXPECT_TRUE(fused);
    EXPECT_TRUE(mtp);
}

} // namespace

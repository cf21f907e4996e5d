// A pruned model computes what the original computes with the dropped experts
// masked out of routing, wherever that equality is exact:
//   * sigmoid routers with a correction bias (GLM-5, GLM-4.5, DeepSeek-V3,
//     DeepSeek-V3.2): the masked original is the source checkpoint with the
//     dropped experts' e_score_correction_bias set to -1e9, so they are never
//     chosen (the bias only steers the choice; the weights come from the
//     unbiased scores). With groups the plan keeps the same number per group,
//     so the top-2 group scores are made of kept experts on both sides. The
//     whole forward (logits, routing, MTP) is compared.
//   * softmax top-k with renormalisation (Qwen3-MoE, Mixtral): the softmax
//     denominator cancels, so top-k over the kept logits equals top-k over all
//     logits with the dropped columns at -inf. These routers have no bias to
//     mask with, so the check is per MoE layer, through route and moe_forward
//     on the same hidden states.
//   Qwen2-MoE (softmax without renormalisation) is not exact: the weights keep
//   the full softmax denominator. Not tested here.
// And pruned tiny checkpoints load in transformers with the same logits
// (tests/data/pruned, scripts/make_pruned_goldens.py).
#include "moecut/checkpoint.h"
#include "moecut/engine/layers.h"
#include "moecut/engine/model.h"
#include "moecut/engine/weights.h"
#include "moecut/prune_plan.h"
#include "moecut/pruner.h"
#include "moecut/safetensors.h"
#include "moecut/safetensors_writer.h"
#include "moecut/tiny_checkpoint.h"
#include "golden_fixture.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <limits>
#include <map>
#include <set>

using namespace moecut;
using namespace moecut::engine;

namespace {

std::filesystem::path make_tiny(const test::TempDir& tmp, Family f, std::uint64_t seed = 3) {
    TinyOptions o;
    o.family = f;
    o.seed = seed;
    auto dir = tmp / family_model_type(f);
    make_tiny_checkpoint(o, dir);
    return dir;
}

// Keeps half of each group's experts (the whole router when n_group == 1),
// a different half on each layer; `shift` gives another plan of the same shape.
Plan half_plan(const ArchDescriptor& arch, int shift = 0) {
    const RouterLimits r = router_limits(arch);
    const int E = static_cast<int>(r.experts), G = static_cast<int>(r.n_group), S = E / G;
    Plan p;
    p.experts = E;
    for (int layer : r.layers) {
        auto& keep = p.keep[layer];
        for (int g = 0; g < G; ++g)
            for (int j = 0; j < S; ++j)
                if ((j * 5 + layer * 3 + g + shift) % S < S / 2) keep.push_back(g * S + j);
    }
    validate_plan(p, r, "half_plan");
    return p;
}

// The source checkpoint with plan-dropped experts' correction bias at -1e9.
std::filesystem::path write_masked(const std::filesystem::path& src, const ArchDescriptor& arch, const Plan& plan,
                                   const std::filesystem::path& out) {
    auto ckpt = Checkpoint::open(src);
    std::map<std::string, std::set<int>> kept_of_bias;
    for (const auto& [layer, keep] : plan.keep) kept_of_bias[arch.router_bias(layer)] = {keep.begin(), keep.end()};
    std::filesystem::create_directories(out);
    CheckpointWriter writer(out);
    std::size_t masked = 0;
    for (const auto& e : ckpt.entries()) {
        auto bytes = ckpt.bytes(e);
        auto it = kept_of_bias.find(e.info->name);
        if (it == kept_of_bias.end()) {
            writer.add_bytes(e.info->name, e.info->dtype, e.info->shape, bytes);
            continue;
        }
        EXPECT_EQ(e.info->dtype, DType::F32) << e.info->name;
        std::vector<float> v(bytes.size() / sizeof(float));
        std::memcpy(v.data(), bytes.data(), bytes.size());
        for (int i = 0; i < static_cast<int>(v.size()); ++i)
            if (!it->second.count(i)) v[static_cast<std::size_t>(i)] = -1e9f;
        writer.add_bytes(e.info->name, DType::F32, e.info->shape, std::as_bytes(std::span<const float>(v)));
        ++masked;
    }
    EXPECT_EQ(masked, plan.keep.size()) << "a MoE layer without a correction bias";
    writer.finish();
    for (const char* f : {"config.json", "generation_config.json"})
        if (std::filesystem::exists(src / f)) std::filesystem::copy_file(src / f, out / f);
    return out;
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat32) - b.to(torch::kFloat32)).abs().max().item<double>();
}

// Pruned expert ids [N, K] as the source's ids.
torch::Tensor to_source_ids(const torch::Tensor& idx, const std::vector<int>& keep) {
    std::vector<std::int64_t> k(keep.begin(), keep.end());
    return torch::tensor(k, torch::kLong).index_select(0, idx.reshape({-1}).to(torch::kCPU)).view(idx.sizes());
}

struct Run {
    torch::Tensor logits, mtp_logits;
    RoutingTaps taps;
};

Run run(const std::filesystem::path& dir, const torch::Tensor& ids) {
    auto model = Model::open(dir);
    Run r;
    ForwardOptions fo;
    fo.taps = &r.taps;
    fo.run_mtp = model.arch().num_mtp_layers > 0;
    auto out = model.forward(ids, fo);
    r.logits = out.logits;
    r.mtp_logits = out.mtp_logits;
    return r;
}

void check_sigmoid_family(Family f) {
    test::TempDir tmp;
    const auto src = make_tiny(tmp, f);
    const auto arch = ArchDescriptor::from_file(src / "config.json");
    ASSERT_EQ(arch.router.scoring, Scoring::Sigmoid);
    ASSERT_TRUE(arch.router.correction_bias);
    const Plan plan = half_plan(arch);
    prune_checkpoint(src, plan, tmp / "pruned");
    write_masked(src, arch, plan, tmp / "masked");

    // Longer than index_topk on the DSA families: the sparse indexer path runs.
    torch::manual_seed(17);
    auto ids = torch::randint(4, arch.vocab_size, {2, 24}, torch::kLong);
    Run pruned = run(tmp / "pruned", ids);
    Run masked = run(tmp / "masked", ids);

    EXPECT_LE(max_diff(pruned.logits, masked.logits), 1e-5);
    ASSERT_GT(arch.num_mtp_layers, 0);
    ASSERT_TRUE(pruned.mtp_logits.defined());
    EXPECT_LE(max_diff(pruned.mtp_logits, masked.mtp_logits), 1e-5);

    // Every MoE layer, the MTP one included, chose the same experts in the same order.
    std::size_t layers_seen = 0;
    for (const auto& [layer, keep] : plan.keep) {
        const auto* p = pruned.taps.find(layer);
        const auto* m = masked.taps.find(layer);
        ASSERT_TRUE(p && m) << "layer " << layer;
        EXPECT_TRUE(torch::equal(to_source_ids(p->topk_idx, keep), m->topk_idx.to(torch::kCPU))) << "layer " << layer;
        EXPECT_LE(max_diff(p->topk_weight, m->topk_weight), 1e-5) << "layer " << layer;
        ++layers_seen;
    }
    EXPECT_EQ(layers_seen, arch.moe_layers().size() + arch.mtp_layers().size());

    // The comparison can fail: the unmasked source, or a mask hiding other
    // experts than the plan dropped, gives other logits.
    Run source = run(src, ids);
    EXPECT_GT(max_diff(pruned.logits, source.logits), 1e-3);
    write_masked(src, arch, half_plan(arch, 1), tmp / "wrong_mask");
    Run wrong = run(tmp / "wrong_mask", ids);
    EXPECT_GT(max_diff(pruned.logits, wrong.logits), 1e-3);
}

// Softmax routers: per MoE layer, the pruned router and block against the
// source's logits with dropped columns at -inf and the source's experts.
void check_softmax_family(Family f) {
    test::TempDir tmp;
    const auto src = make_tiny(tmp, f);
    auto ckpt = Checkpoint::open(src);
    const auto arch = ArchDescriptor::from_config(ckpt.config(), ckpt.config_path().string());
    ASSERT_EQ(arch.router.scoring, Scoring::Softmax);
    ASSERT_TRUE(arch.router.norm_topk_prob) << "masking is exact only with renormalised top-k";
    const Plan plan = half_plan(arch);
    prune_checkpoint(src, plan, tmp / "pruned");
    auto pckpt = Checkpoint::open(tmp / "pruned");
    const auto parch = ArchDescriptor::from_config(pckpt.config(), pckpt.config_path().string());
    ASSERT_EQ(parch.router.n_experts * 2, arch.router.n_experts);
    WeightStore store(ckpt, arch, {});
    WeightStore pstore(pckpt, parch, {});

    const std::int64_t N = 64, K = arch.router.top_k, E = arch.router.n_experts;
    bool masking_mattered = false;
    for (const auto& [layer, keep] : plan.keep) {
        SCOPED_TRACE("layer " + std::to_string(layer));
        const auto& w = store.layer(layer);
        const auto& pw = pstore.layer(layer);
        torch::manual_seed(100 + layer);
        auto x = torch::randn({N, arch.hidden_size});

        auto full = route(w, arch, x);
        auto dropped = torch::ones({E}, torch::kBool);
        for (int e : keep) dropped[e] = false;
        auto masked_logits = full.logits.masked_fill(dropped, -std::numeric_limits<float>::infinity());
        auto probs = torch::softmax(masked_logits, -1);
        auto [top, want_idx] = probs.topk(K, -1);
        auto want_w = top / top.sum(-1, true) * arch.router.routed_scaling_factor;
        masking_mattered = masking_mattered || !torch::equal(full.idx, want_idx);

        auto got = moe_forward(pw, parch, x, false);
        auto got_idx = to_source_ids(got.routing.idx, keep);
        ASSERT_TRUE(torch::equal(got_idx, want_idx));
        EXPECT_LE(max_diff(got.routing.weight, want_w), 1e-6);

        // The block: the source's experts, at the source ids, with the masked weights.
        auto want_y = torch::zeros_like(x);
        for (std::int64_t n = 0; n < N; ++n)
            for (std::int64_t k = 0; k < K; ++k) {
                const auto e = want_idx[n][k].item<std::int64_t>();
                want_y[n] += want_w[n][k] * expert_forward(w.experts[static_cast<std::size_t>(e)], x[n].unsqueeze(0))[0];
            }
        if (auto s = shared_expert_forward(w, arch, x); s.defined()) want_y = want_y + s;
        EXPECT_LE(max_diff(got.y, want_y), 1e-5);
        // And the comparison can fail: the unmasked block differs.
        EXPECT_GT(max_diff(got.y, moe_forward(w, arch, x, false).y), 1e-4);
    }
    EXPECT_TRUE(masking_mattered) << "the source never routed to a dropped expert: the test proves nothing";
}

using test::Golden;
using test::family_of;

// Regenerates the source, prunes it with the recorded plan, checks that the
// pruned bytes are those transformers ran, and compares the logits.
void check_transformers_golden(const std::string& name) {
    const auto dir = test::test_data_dir() / "pruned" / name;
    Golden g(dir / "expected.safetensors");
    TinyOptions o;
    o.family = family_of(g.meta.at("family"));
    o.seed = std::stoull(g.meta.at("seed"));
    ASSERT_EQ(g.meta.at("layout"), "per-expert");
    ASSERT_EQ(g.meta.at("fp8"), "0");
    test::TempDir tmp;
    make_tiny_checkpoint(o, tmp / "src");
    prune_checkpoint(tmp / "src", read_plan(dir / "plan.json"), tmp / "pruned");
    ASSERT_EQ(test::file_fnv1a64(tmp / "pruned" / "config.json"), g.meta.at("config_fnv1a64"))
        << "the pruned config changed: rerun scripts/make_pruned_goldens.py";
    ASSERT_EQ(test::file_fnv1a64(tmp / "pruned" / "model.safetensors"), g.meta.at("weights_fnv1a64"))
        << "the pruned weights changed: rerun scripts/make_pruned_goldens.py";

    auto model = Model::open(tmp / "pruned");
    ForwardOptions fo;
    const bool mtp = g.t.count("mtp.logits") > 0;
    EXPECT_EQ(mtp, model.arch().num_mtp_layers > 0);
    if (mtp) {
        fo.run_mtp = true;
        fo.mtp_next_ids = g.t.at("mtp.next_ids");
    }
    auto out = model.forward(g.t.at("input_ids"), fo);
    EXPECT_LE(max_diff(out.logits, g.t.at("logits")), 1e-4) << "max |logit error|";
    if (mtp) EXPECT_LE(max_diff(out.mtp_logits, g.t.at("mtp.logits")), 1e-4) << "max |MTP logit error|";
    // The golden tells pruned from unpruned: the source's logits differ.
    auto source = Model::open(tmp / "src").forward(g.t.at("input_ids")).logits;
    EXPECT_GT(max_diff(source, g.t.at("logits")), 1e-3);
}

} // namespace

TEST(PrunedForward, GlmMoeDsaEqualsMaskedSource) { check_sigmoid_family(Family::GlmMoeDsa); }
TEST(PrunedForward, Glm4MoeEqualsMaskedSource) { check_sigmoid_family(Family::Glm4Moe); }
TEST(PrunedForward, DeepseekV3GroupLimitedEqualsMaskedSource) { check_sigmoid_family(Family::DeepseekV3); }
TEST(PrunedForward, DeepseekV32EqualsMaskedSource) { check_sigmoid_family(Family::DeepseekV32); }
TEST(PrunedForward, Qwen3MoeLayersEqualMaskedRouting) { check_softmax_family(Family::Qwen3Moe); }
TEST(PrunedForward, MixtralLayersEqualMaskedRouting) { check_softmax_family(Family::Mixtral); }

TEST(PrunedForward, GlmMoeDsaMatchesTransformers) { check_transformers_golden("glm_moe_dsa"); }
TEST(PrunedForward, DeepseekV3MatchesTransformers) { check_transformers_golden("deepseek_v3"); }
TEST(PrunedForward, Qwen3MoeMatchesTransformers) { check_transformers_golden("qwen3_moe"); }

// Properties of the MoE runtime that the goldens do not pin down on their own:
// the DSA dense shortcut, routed-only expert computation, streaming, padding,
// bf16, on-device FP8 dequantisation and the two RoPE layouts.
#include "moecut/engine/layers.h"
#include "moecut/engine/model.h"
#include "moecut/engine/torch_bridge.h"
#include "moecut/engine/weights.h"
#include "moecut/error.h"
#include "moecut/tiny_checkpoint.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/types.h>

#include <fmt/format.h>

using namespace moecut;
using namespace moecut::engine;

namespace {

std::filesystem::path make_tiny(const test::TempDir& tmp, Family f, std::uint64_t seed = 3,
                                ExpertLayout layout = ExpertLayout::PerExpert, bool fp8 = false) {
    TinyOptions o;
    o.family = f;
    o.seed = seed;
    o.layout = layout;
    o.fp8 = fp8;
    auto dir = tmp / (family_model_type(f) + (fp8 ? "_fp8" : "") + (layout == ExpertLayout::Fused ? "_fused" : ""));
    make_tiny_checkpoint(o, dir);
    return dir;
}

torch::Tensor random_ids(std::int64_t B, std::int64_t T, std::int64_t V, std::uint64_t seed) {
    torch::manual_seed(seed);
    return torch::randint(4, V, {B, T}, torch::kLong);
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kFloat32) - b.to(torch::kFloat32)).abs().max().item<double>();
}

TEST(RuntimeIndexer, DenseShortcutEqualsSparsePathUpToIndexTopk) {
    test::TempDir tmp;
    const auto dir = make_tiny(tmp, Family::GlmMoeDsa);
    const std::int64_t topk = tiny_config(Family::GlmMoeDsa)["index_topk"].get<std::int64_t>();
    auto with_shortcut = Model::open(dir);
    ModelOptions no_shortcut_options;
    no_shortcut_options.indexer_dense_shortcut = false;
    auto sparse = Model::open(dir, no_shortcut_options);
    for (std::int64_t T : {topk / 2, topk}) {
        auto ids = random_ids(2, T, with_shortcut.arch().vocab_size, 7);
        RoutingTaps a, b;
        ForwardOptions fa, fb;
        fa.taps = &a;
        fb.taps = &b;
        auto la = with_shortcut.forward(ids, fa).logits;
        auto lb = sparse.forward(ids, fb).logits;
        EXPECT_TRUE(torch::equal(la, lb)) << "T=" << T << " max diff " << max_diff(la, lb);
        ASSERT_EQ(a.layers.size(), b.layers.size());
        for (std::size_t i = 0; i < a.layers.size(); ++i)
            EXPECT_TRUE(torch::equal(a.layers[i].topk_idx, b.layers[i].topk_idx));
    }
}

TEST(RuntimeIndexer, SparseAttentionMattersOnlyBeyondIndexTopk) {
    // The same weights with index_topk raised past T: the rows before
    // index_topk are unchanged (they keep every key either way), later rows differ.
    test::TempDir tmp;
    const auto dir = make_tiny(tmp, Family::GlmMoeDsa);
    auto dense_dir = tmp / "dense";
    std::filesystem::copy(dir, dense_dir);
    auto cfg = tiny_config(Family::GlmMoeDsa);
    const std::int64_t topk = cfg["index_topk"].get<std::int64_t>();
    auto written = read_json_file(dir / "config.json");
    written["index_topk"] = 4096;
    test::write_text(dense_dir / "config.json", written.dump(1));

    auto sparse = Model::open(dir);
    auto dense = Model::open(dense_dir);
    const std::int64_t T = 3 * topk;
    auto ids = random_ids(2, T, sparse.arch().vocab_size, 11);
    auto ls = sparse.forward(ids).logits;
    auto ld = dense.forward(ids).logits;
    EXPECT_LE(max_diff(ls.narrow(1, 0, topk), ld.narrow(1, 0, topk)), 1e-5);
    EXPECT_GT(max_diff(ls.narrow(1, topk, T - topk), ld.narrow(1, topk, T - topk)), 1e-3);
}

// MoE blocks computed on routed tokens only equal every expert on every token,
// combined with one-hot routing weights.
void check_routed_only(Family f, ExpertLayout layout) {
    test::TempDir tmp;
    const auto dir = make_tiny(tmp, f, 5, layout);
    auto ckpt = Checkpoint::open(dir);
    auto arch = ArchDescriptor::from_config(ckpt.config(), ckpt.config_path().string());
    WeightStore store(ckpt, arch, {});
    const int layer = arch.moe_layers().front();
    const auto& w = store.layer(layer);
    torch::manual_seed(1);
    const std::int64_t N = 37;
    auto x = torch::randn({N, arch.hidden_size});
    auto mo = moe_forward(w, arch, x, true);

    const std::int64_t E = arch.router.n_experts, K = arch.router.top_k;
    std::vector<torch::Tensor> all;
    for (std::int64_t e = 0; e < E; ++e) all.push_back(expert_forward(w.experts[static_cast<std::size_t>(e)], x));
    auto every = torch::stack(all, 1);  // [N, E, H]
    auto dense_weights = torch::zeros({N, E}).scatter(1, mo.routing.idx, mo.routing.weight);
    auto ref = (every * dense_weights.unsqueeze(-1)).sum(1);
    if (auto s = shared_expert_forward(w, arch, x); s.defined()) ref = ref + s;
    EXPECT_LE(max_diff(mo.y, ref), 1e-5) << family_model_type(f);

    auto picked = every.gather(1, mo.routing.idx.unsqueeze(-1).expand({N, K, arch.hidden_size}));
    EXPECT_LE(max_diff(mo.expert_norm, picked.norm(2, {-1})), 1e-5) << family_model_type(f);
    // Each token's K experts are distinct.
    auto sorted = std::get<0>(mo.routing.idx.sort(-1));
    EXPECT_FALSE((sorted.narrow(1, 1, K - 1) == sorted.narrow(1, 0, K - 1)).any().item<bool>());
}

TEST(RuntimeMoe, RoutedOnlyEqualsAllExpertsReference) {
    check_routed_only(Family::DeepseekV3, ExpertLayout::PerExpert);  // sigmoid, groups, shared expert
    check_routed_only(Family::Qwen2Moe, ExpertLayout::PerExpert);    // softmax, gated shared expert
    check_routed_only(Family::Mixtral, ExpertLayout::Fused);         // fused layout views
}

TEST(RuntimeStreaming, StreamingAndResidentGiveIdenticalLogits) {
    test::TempDir tmp;
    const auto dir = make_tiny(tmp, Family::GlmMoeDsa);
    ModelOptions so;
    so.streaming = true;
    auto streaming = Model::open(dir, so);
    auto resident = Model::open(dir);
    const auto& arch = resident.arch();
    auto ids = random_ids(3, 20, arch.vocab_size, 3);
    RoutingTaps ta, tb;
    ForwardOptions fa, fb;
    fa.taps = &ta;
    fb.taps = &tb;
    fa.run_mtp = fb.run_mtp = true;
    auto a = streaming.forward(ids, fa);
    auto b = resident.forward(ids, fb);
    EXPECT_TRUE(torch::equal(a.logits, b.logits));
    EXPECT_TRUE(torch::equal(a.mtp_logits, b.mtp_logits));
    ASSERT_EQ(ta.layers.size(), tb.layers.size());
    for (std::size_t i = 0; i < ta.layers.size(); ++i) {
        EXPECT_TRUE(torch::equal(ta.layers[i].topk_idx, tb.layers[i].topk_idx));
        EXPECT_TRUE(torch::equal(ta.layers[i].expert_out_norm, tb.layers[i].expert_out_norm));
    }
    const int all_layers = static_cast<int>(arch.num_hidden_layers + arch.num_mtp_layers);
    EXPECT_EQ(streaming.weights().peak_resident_layers(), 1);
    EXPECT_EQ(streaming.weights().resident_layers(), 0);
    EXPECT_EQ(resident.weights().resident_layers(), all_layers);
    // Peak memory is one layer: the largest, not the sum.
    EXPECT_LT(streaming.weights().peak_bytes(), resident.weights().peak_bytes() / 2);
}

TEST(RuntimePadding, RightPaddingLeavesRealTokensUnchanged) {
    test::TempDir tmp;
    const auto dir = make_tiny(tmp, Family::DeepseekV32);
    auto model = Model::open(dir);
    const std::int64_t V = model.arch().vocab_size;
    auto a = random_ids(1, 14, V, 21), b = random_ids(1, 9, V, 22);
    auto batch = torch::zeros({2, 14}, torch::kLong);
    batch[0] = a[0];
    batch.narrow(1, 0, 9)[1] = b[0];
    auto mask = torch::zeros({2, 14}, torch::kLong);
    mask[0].fill_(1);
    mask.narrow(1, 0, 9)[1].fill_(1);
    ForwardOptions fo;
    fo.attention_mask = mask;
    RoutingTaps taps;
    fo.taps = &taps;
    auto both = model.forward(batch, fo).logits;
    auto la = model.forward(a).logits;
    auto lb = model.forward(b).logits;
    EXPECT_LE(max_diff(both[0], la[0]), 1e-5);
    EXPECT_LE(max_diff(both[1].narrow(0, 0, 9), lb[0]), 1e-5);
    EXPECT_EQ(taps.token_valid.sum().item<std::int64_t>(), 14 + 9);
}

TEST(RuntimeBf16, RunsAndStaysCloseToFloat32) {
    test::TempDir tmp;
    for (Family f : {Family::DeepseekV3, Family::Qwen3Moe}) {
        const auto dir = make_tiny(tmp, f);
        ModelOptions bo;
        bo.dtype = torch::kBFloat16;
        auto bf = Model::open(dir, bo);
        auto fp = Model::open(dir);
        auto ids = random_ids(2, 12, fp.arch().vocab_size, 5);
        RoutingTaps tb, tf;
        ForwardOptions fb, ff;
        fb.taps = &tb;
        ff.taps = &tf;
        auto lb = bf.forward(ids, fb).logits;
        auto lf = fp.forward(ids, ff).logits;
        EXPECT_EQ(lb.scalar_type(), torch::kBFloat16);
        const double scale = lf.abs().max().item<double>();
        EXPECT_LE(max_diff(lb, lf), 0.03 * scale + 1e-3) << family_model_type(f);
        RecordProperty("bf16_" + family_model_type(f), fmt::format("{:.3g} of {:.3g}", max_diff(lb, lf), scale));
        // Most selections agree (bf16 noise may flip near-ties).
        std::int64_t same = 0, total = 0;
        for (std::size_t i = 0; i < tf.layers.size(); ++i) {
            auto a = std::get<0>(tb.layers[i].topk_idx.sort(-1)), b = std::get<0>(tf.layers[i].topk_idx.sort(-1));
            same += (a == b).all(-1).sum().item<std::int64_t>();
            total += a.size(0);
        }
        EXPECT_GE(static_cast<double>(same), 0.8 * static_cast<double>(total)) << family_model_type(f);
    }
}

// CUDA against CPU on every family, fp32 (streaming, FP8 dequantised on the
// device) and bf16. Skips on machines without a GPU; the device session runs it.
TEST(RuntimeCuda, MatchesCpuForEveryFamily) {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
    test::TempDir tmp;
    for (Family f : {Family::GlmMoeDsa, Family::Glm4Moe, Family::DeepseekV3, Family::DeepseekV32, Family::Qwen3Moe,
                     Family::Qwen2Moe, Family::Mixtral}) {
        const bool fp8 = f == Family::DeepseekV3;
        const auto dir = make_tiny(tmp, f, 3, ExpertLayout::PerExpert, fp8);
        auto cpu = Model::open(dir);
        ModelOptions go;
        go.device = torch::Device(torch::kCUDA, 0);
        go.streaming = true;
        auto gpu = Model::open(dir, go);
        auto ids = random_ids(2, 40, cpu.arch().vocab_size, 11);
        RoutingTaps tc, tg;
        ForwardOptions fc, fg;
        fc.taps = &tc;
        fg.taps = &tg;
        auto lc = cpu.forward(ids, fc).logits;
        auto lg = gpu.forward(ids, fg).logits.cpu();
        EXPECT_LE(max_diff(lc, lg), 1e-4) << family_model_type(f);
        ASSERT_EQ(tc.layers.size(), tg.layers.size());
        for (std::size_t i = 0; i < tc.layers.size(); ++i)
            EXPECT_TRUE(std::get<0>(tc.layers[i].topk_idx.sort(-1)).equal(std::get<0>(tg.layers[i].topk_idx.cpu().sort(-1))))
                << family_model_type(f) << " layer " << tc.layers[i].layer;
        go.dtype = torch::kBFloat16;
        auto bf = Model::open(dir, go);
        auto lb = bf.forward(ids).logits.cpu();
        EXPECT_LE(max_diff(lb, lc), 0.03 * lc.abs().max().item<double>() + 1e-3) << family_model_type(f);
    }
}

TEST(RuntimeFp8, DeviceDequantisationMatchesHostPath) {
    test::TempDir tmp;
    for (ExpertLayout layout : {ExpertLayout::PerExpert, ExpertLayout::Fused}) {
        const auto dir = make_tiny(tmp, Family::DeepseekV3, 9, layout, true);
        auto ckpt = Checkpoint::open(dir);
        int checked = 0;
        for (const auto& e : ckpt.entries()) {
            if (e.info->dtype != DType::F8_E4M3) continue;
            auto a = load_fp8_on_device(ckpt, e.info->name, torch::kFloat32, torch::kCPU);
            auto b = load_tensor(ckpt, e.info->name, torch::kFloat32);
            ASSERT_EQ(a.sizes(), b.sizes()) << e.info->name;
            EXPECT_TRUE(torch::equal(a, b)) << e.info->name;
            ++checked;
        }
        EXPECT_GT(checked, 10);
    }
}

TEST(RuntimeRope, InterleavedEqualsHalfSplitOnDeinterleavedDims) {
    RopeSpec spec;
    spec.theta = 10000.0;
    const std::int64_t r = 8, D = 12, T = 5;
    auto table = rope_table(spec, r, T, torch::kCPU, torch::kFloat32);
    torch::manual_seed(2);
    auto x = torch::randn({2, T, 3, D});
    // Even rotary dims first, then odd ones: pairs (2j, 2j+1) become (j, j + r/2).
    auto perm = torch::cat({torch::arange(0, r, 2), torch::arange(1, r, 2), torch::arange(r, D)});
    auto inter = apply_rope(x, table, RopeStyle::Interleaved);
    auto half = apply_rope(x.index_select(-1, perm), table, RopeStyle::HalfSplit);
    EXPECT_LE(max_diff(inter.index_select(-1, perm), half), 1e-6);
    // Dims past rotary_dim pass through; position 0 is the identity.
    EXPECT_TRUE(torch::equal(inter.narrow(-1, r, D - r), x.narrow(-1, r, D - r)));
    EXPECT_LE(max_diff(inter.select(1, 0), x.select(1, 0)), 1e-7);
}

TEST(RuntimeInput, TokenIdsOutsideTheVocabularyAreInputErrors) {
    test::TempDir tmp;
    auto model = Model::open(make_tiny(tmp, Family::Mixtral));
    auto ids = torch::full({1, 3}, model.arch().vocab_size, torch::kLong);
    EXPECT_THROW(model.forward(ids), InputError);
}

TEST(RuntimeInput, CheckpointsThatDisagreeWithTheirConfigAreInputErrors) {
    test::TempDir tmp;
    const auto dir = make_tiny(tmp, Family::Qwen3Moe);
    const auto original = read_json_file(dir / "config.json");
    auto with = [&](const char* key, int value) {
        auto cfg = original;
        cfg[key] = value;
        test::write_text(dir / "config.json", cfg.dump(1));
    };
    with("num_experts", 32);  // experts 16..31 are missing
    EXPECT_THROW(Model::open(dir), InputError);
    with("moe_intermediate_size", 48);  // every expert has the wrong shape
    EXPECT_THROW(Model::open(dir), InputError);
    with("num_experts", 16);
    EXPECT_NO_THROW(Model::open(dir));
}

} // namespace

// Layer placement over several devices (a model bigger than one GPU): the
// hidden state follows the layers; logits, MTP logits and routing match one
// device. place_layers splits contiguously and evenly.
TEST(RuntimePlacement, PlaceLayersSplitsContiguously) {
    const std::vector<torch::Device> two{torch::Device(torch::kCPU), torch::Device(torch::kCUDA, 1)};
    const auto p = place_layers(5, two);
    ASSERT_EQ(p.size(), 5u);
    EXPECT_EQ(p[0], two[0]);
    EXPECT_EQ(p[2], two[0]);  // 2 * 2 / 5 = 0
    EXPECT_EQ(p[3], two[1]);
    EXPECT_EQ(p[4], two[1]);
    EXPECT_TRUE(place_layers(5, {torch::Device(torch::kCPU)}).empty());
}

TEST(RuntimePlacement, CpuAndCudaSplitMatchesOneDevice) {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
    test::TempDir tmp;
    const auto dir = make_tiny(tmp, Family::GlmMoeDsa, 5, ExpertLayout::PerExpert, false);
    auto one = Model::open(dir);
    ModelOptions po;
    po.place_on = {torch::Device(torch::kCUDA, 0), torch::Device(torch::kCPU)};
    auto split = Model::open(dir, po);
    auto ids = random_ids(2, 24, one.arch().vocab_size, 3);
    ForwardOptions fo;
    fo.run_mtp = true;
    auto a = one.forward(ids, fo);
    auto b = split.forward(ids, fo);
    EXPECT_EQ(b.logits.device().type(), torch::kCPU);  // the last layers, the head: on the CPU
    EXPECT_LE(max_diff(a.logits, b.logits.cpu()), 1e-4);
    EXPECT_LE(max_diff(a.mtp_logits, b.mtp_logits.cpu()), 1e-4);
    KvCache cache = split.new_cache(2);
    ForwardOptions with_cache;
    with_cache.cache = &cache;
    EXPECT_THROW(split.forward(ids, with_cache), std::invalid_argument);
}

TEST(RuntimePlacement, TwoCpuEntriesAreBitIdenticalToOne) {
    test::TempDir tmp;
    const auto dir = make_tiny(tmp, Family::GlmMoeDsa, 5, ExpertLayout::PerExpert, false);
    auto one = Model::open(dir);
    ModelOptions po;
    po.place_on = {torch::Device(torch::kCPU), torch::Device(torch::kCPU)};
    auto split = Model::open(dir, po);
    ASSERT_EQ(split.options().layer_devices.size(), split.arch().layers.size());
    auto ids = random_ids(2, 24, one.arch().vocab_size, 4);
    EXPECT_TRUE(one.forward(ids).logits.equal(split.forward(ids).logits));
}

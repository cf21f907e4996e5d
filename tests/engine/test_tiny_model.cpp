// The shipped tiny model (resources/models/tiny-glm5-moe, trained by
// moecut train-tiny) through moecut's runtime against transformers 5.24
// (tests/data/tiny_model/expected.safetensors, scripts/make_tiny_model_goldens.py):
// logits within 1e-4, the same top-10 tokens, identical expert selections in
// every MoE layer, and the MTP head's logits.
#include "moecut/engine/model.h"
#include "moecut/safetensors.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <torch/types.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <set>

using namespace moecut;
using namespace moecut::engine;

namespace {

std::filesystem::path model_dir() { return test::source_dir() / "resources" / "models" / "tiny-glm5-moe"; }


std::map<std::string, torch::Tensor> read_golden(const std::filesystem::path& file) {
    std::map<std::string, torch::Tensor> t;
    auto f = SafetensorsFile::open(file);
    EXPECT_EQ(f.metadata().at("weights_fnv1a64"), test::file_fnv1a64(model_dir() / "model.safetensors"))
        << "the shipped weights changed: remake the goldens (scripts/make_tiny_model_goldens.py)";
    for (const auto& info : f.tensors()) {
        auto bytes = f.bytes(info);
        auto dt = info.dtype == DType::I64 ? torch::kLong : torch::kFloat32;
        t[info.name] = torch::from_blob(const_cast<std::byte*>(bytes.data()), info.shape, dt).clone();
    }
    return t;
}

std::set<std::int64_t> row_set(const torch::Tensor& idx, std::int64_t n) {
    std::set<std::int64_t> s;
    for (std::int64_t k = 0; k < idx.size(1); ++k) s.insert(idx[n][k].item<std::int64_t>());
    return s;
}

TEST(TinyModel, MatchesTransformers) {
    const auto g = read_golden(test::test_data_dir() / "tiny_model" / "expected.safetensors");
    Model model = Model::open(model_dir());
    const auto& arch = model.arch();
    EXPECT_EQ(arch.model_type, "glm_moe_dsa");
    EXPECT_EQ(arch.num_mtp_layers, 1);

    const auto ids = g.at("input_ids");
    RoutingTaps taps;
    ForwardOptions fo;
    fo.taps = &taps;
    fo.run_mtp = true;
    fo.mtp_next_ids = g.at("mtp.next_ids");
    const auto out = model.forward(ids, fo);
    const auto logits = out.logits.to(torch::kFloat32);

    const auto slice = g.at("logits_slice");
    EXPECT_LE((logits.narrow(-1, 0, slice.size(-1)) - slice).abs().max().item<double>(), 1e-4);
    const auto top_idx = g.at("logits_topk_idx");
    EXPECT_LE((logits.gather(-1, top_idx) - g.at("logits_topk")).abs().max().item<double>(), 1e-4);
    EXPECT_TRUE(torch::equal(std::get<1>(logits.topk(top_idx.size(-1), -1)), top_idx)) << "top-10 tokens differ";

    const auto mtp = out.mtp_logits.to(torch::kFloat32);
    const auto mslice = g.at("mtp.logits_slice");
    EXPECT_LE((mtp.narrow(-1, 0, mslice.size(-1)) - mslice).abs().max().item<double>(), 1e-4);
    EXPECT_TRUE(torch::equal(std::get<1>(mtp.topk(10, -1)), g.at("mtp.logits_topk_idx")));

    int layers = 0;
    for (const auto& l : taps.layers) {
        const std::string key = fmt::format("moe.{}.topk_idx", l.layer);
        ASSERT_TRUE(g.count(key)) << key;
        const auto& e = g.at(key);
        ASSERT_EQ(l.topk_idx.sizes(), e.sizes()) << key;
        for (std::int64_t n = 0; n < e.size(0); ++n)
            ASSERT_EQ(row_set(l.topk_idx, n), row_set(e, n)) << "layer " << l.layer << " token " << n;
        // Weights in the same order as the ids: compare after sorting by id.
        auto mine = l.topk_weight.gather(1, std::get<1>(l.topk_idx.sort(1)));
        auto theirs = g.at(fmt::format("moe.{}.topk_weight", l.layer)).gather(1, std::get<1>(e.sort(1)));
        EXPECT_LE((mine - theirs).abs().max().item<double>(), 1e-5) << key;
        ++layers;
    }
    EXPECT_EQ(layers, static_cast<int>(arch.moe_layers().size()) + 1);  // trunk + MTP
}

} // namespace

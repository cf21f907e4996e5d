// Importance matrices: the weighted quantizers are byte-identical to
// libggml-base's ggml_quantize_chunk with an imatrix (quantize_row_*_impl),
// per expert as llama-quantize calls it (tests/data/gguf_ref/imatrix_quants.gguf,
// scripts/make_gguf_imatrix_fixtures.py); llama-imatrix's GGUF and legacy
// files are read as llama-quantize reads them; pruned experts map back to
// the unpruned model's imatrix slices; the export plan uses them.
#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/gguf_export.h"
#include "moecut/gguf_imatrix.h"
#include "moecut/gguf_quants.h"
#include "moecut/gguf_reader.h"
#include "moecut/gguf_writer.h"
#include "moecut/prune_plan.h"
#include "moecut/pruner.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <vector>

namespace moecut {
namespace {

std::vector<float> f32(const GgufFile& g, const char* name) {
    const GgufTensorInfo* t = g.find_tensor(name);
    EXPECT_NE(t, nullptr) << name;
    if (!t) return {};
    const auto b = g.bytes(*t);
    std::vector<float> v(b.size() / 4);
    std::memcpy(v.data(), b.data(), b.size());
    return v;
}

const std::pair<const char*, GgmlType> kTypes[] = {{"q4_0", GgmlType::Q4_0}, {"q8_0", GgmlType::Q8_0}, {"q2_k", GgmlType::Q2_K},
                                                   {"q3_k", GgmlType::Q3_K}, {"q4_k", GgmlType::Q4_K}, {"q5_k", GgmlType::Q5_K},
                                                   {"q6_k", GgmlType::Q6_K}};

TEST(GgufImatrix, WeightedQuantizersByteIdenticalToGgmlQuantizeChunk) {
    const GgufFile g = GgufFile::open(test::test_data_dir() / "gguf_ref/imatrix_quants.gguf");
    const std::vector<float> x = f32(g, "imq_src"), w = f32(g, "imq_w");
    ASSERT_EQ(x.size(), 2u * 3 * 512);
    ASSERT_EQ(w.size(), 2u * 512);
    for (const auto& [name, type] : kTypes) {
        for (const bool with : {true, false}) {
            const std::string tn = std::string("imq_") + name + (with ? "" : "_noim");
            const GgufTensorInfo* t = g.find_tensor(tn);
            ASSERT_NE(t, nullptr) << tn;
            ASSERT_EQ(t->ggml_type(), type);
            const auto want = g.bytes(*t);
            const std::size_t per_expert = want.size() / 2;
            std::vector<std::byte> got(want.size());
            for (std::size_t e = 0; e < 2; ++e)
                quantize_rows(type, x.data() + e * 3 * 512, 3, 512, with ? w.data() + e * 512 : nullptr, got.data() + e * per_expert);
            for (std::size_t i = 0; i < got.size(); ++i)
                ASSERT_EQ(got[i], want[i]) << tn << " expert " << i / per_expert << " byte " << i % per_expert;
        }
    }
    // The weights change the result (else this test could not tell the paths apart).
    const GgufTensorInfo* a = g.find_tensor("imq_q4_k");
    const GgufTensorInfo* b = g.find_tensor("imq_q4_k_noim");
    EXPECT_NE(0, std::memcmp(g.bytes(*a).data(), g.bytes(*b).data(), a->nbytes));
}

// The writer's path: rows of a 3-D expert tensor in chunks that cross the
// expert boundary still get each expert's own slice (llama_tensor_quantize_impl).
TEST(GgufImatrix, ExportRowsSplitAtExpertBoundaries) {
    const GgufFile g = GgufFile::open(test::test_data_dir() / "gguf_ref/imatrix_quants.gguf");
    const std::vector<float> x = f32(g, "imq_src"), w = f32(g, "imq_w");
    for (const auto& [name, type] : kTypes) {
        GgufExportTensor t;
        t.type = type;
        t.ne = {512, 3, 2};
        t.imatrix = w;
        const auto want = g.bytes(*g.find_tensor(std::string("imq_") + name));
        const std::size_t row = want.size() / 6;
        std::vector<std::byte> got(want.size());
        quantize_export_rows(t, 0, x.data(), 2, got.data());                            // rows 0-1 (expert 0)
        quantize_export_rows(t, 2, x.data() + 2 * 512, 3, got.data() + 2 * row);        // rows 2-4 (both experts)
        quantize_export_rows(t, 5, x.data() + 5 * 512, 1, got.data() + 5 * row);        // row 5
        EXPECT_EQ(0, std::memcmp(got.data(), want.data(), want.size())) << name;
    }
}

TEST(GgufImatrix, ReadsLlamaImatrixGgufAsLlamaQuantize) {
    const GgufImatrix im = GgufImatrix::load(test::test_data_dir() / "gguf_ref/imatrix_small.gguf");
    const GgufFile g = GgufFile::open(test::test_data_dir() / "gguf_ref/imatrix_small.gguf");
    EXPECT_FALSE(im.legacy());
    EXPECT_EQ(im.size(), 3u);
    EXPECT_EQ(im.chunk_count(), 10);
    ASSERT_EQ(im.datasets().size(), 1u);
    EXPECT_EQ(im.datasets()[0], "wiki.train.raw");
    const auto sums = f32(g, "blk.1.ffn_up_exps.weight.in_sum2");
    const auto counts = f32(g, "blk.1.ffn_up_exps.weight.counts");
    ASSERT_EQ(counts.size(), 4u);
    const std::vector<float>* e = im.find("blk.1.ffn_up_exps.weight");
    ASSERT_NE(e, nullptr);
    ASSERT_EQ(e->size(), 256u);
    for (std::size_t j = 0; j < 4; ++j)
        for (std::size_t i = 0; i < 64; ++i)
            EXPECT_EQ((*e)[j * 64 + i], counts[j] > 0 ? sums[j * 64 + i] / counts[j] : 1.0f) << j << " " << i;  // count 0 -> 1
    EXPECT_EQ(im.find("blk.0.attn_q.weight")->at(7), f32(g, "blk.0.attn_q.weight.in_sum2")[7] / 40.0f);
    EXPECT_EQ(im.find("nope"), nullptr);
}

TEST(GgufImatrix, ReadsLegacyDat) {
    const GgufImatrix im = GgufImatrix::load(test::test_data_dir() / "gguf_ref/imatrix_small.dat");
    EXPECT_TRUE(im.legacy());
    EXPECT_EQ(im.chunk_count(), 10);
    ASSERT_EQ(im.datasets().size(), 1u);
    EXPECT_EQ(im.datasets()[0], "calibration.txt");
    const std::vector<float>* q = im.find("blk.0.attn_q.weight");
    ASSERT_NE(q, nullptr);
    ASSERT_EQ(q->size(), 64u);
    EXPECT_FLOAT_EQ(q->front(), 0.5f / 3);  // value / ncall
    EXPECT_FLOAT_EQ(q->back(), 2.0f / 3);
    const std::vector<float>* u = im.find("blk.1.ffn_up_exps.weight");
    ASSERT_NE(u, nullptr);
    EXPECT_FLOAT_EQ(u->back(), 4.0f);  // ncall 0: as stored
}

TEST(GgufImatrix, RejectsWhatIsNotAnImatrix) {
    test::TempDir dir;
    // A GGUF without the imatrix metadata (llama-quantize: "missing imatrix metadata").
    EXPECT_THROW(GgufImatrix::load(test::test_data_dir() / "gguf_ref/all_types.gguf"), InputError);
    test::write_text(dir / "short.dat", std::string("\x02\x00\x00\x00\x05\x00\x00\x00", 8) + "ab");
    try {
        GgufImatrix::load(dir / "short.dat");
        FAIL() << "truncated legacy imatrix accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("short.dat"), std::string::npos) << e.what();
    }
    EXPECT_THROW(GgufImatrix::load(dir / "missing.dat"), InputError);
    // in_sum2 without counts.
    GgufLayout L;
    L.set("imatrix.datasets", GgufValue::strings({"d"}));
    L.set("imatrix.chunk_count", GgufValue::u32(1));
    L.set("imatrix.chunk_size", GgufValue::u32(1));
    L.add_tensor("a.weight.in_sum2", GgmlType::F32, {32, 1});
    std::vector<float> zeros(32);
    write_gguf(dir / "half.gguf", L, {std::as_bytes(std::span<const float>(zeros))});
    try {
        GgufImatrix::load(dir / "half.gguf");
        FAIL() << "in_sum2 without counts accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("mismatched sums and counts"), std::string::npos) << e.what();
    }
}

TEST(GgufImatrix, TensorSlicesAndPrunedExperts) {
    const GgufImatrix im = GgufImatrix::load(test::test_data_dir() / "gguf_ref/imatrix_small.gguf");
    const std::vector<float>& all = *im.find("blk.1.ffn_up_exps.weight");
    std::string note;
    // Same shape: as is.
    EXPECT_EQ(imatrix_for_tensor(im, "blk.1.ffn_up_exps.weight", {64, 16, 4}, {}, note), all);
    EXPECT_TRUE(note.empty());
    // A 3-D dense weight with one count (ne0 x heads values).
    EXPECT_EQ(imatrix_for_tensor(im, "blk.1.attn_k_b.weight", {32, 8, 3}, {}, note).size(), 96u);
    // No entry: quantized without.
    EXPECT_TRUE(imatrix_for_tensor(im, "blk.2.ffn_up_exps.weight", {64, 16, 4}, {}, note).empty());
    // Pruned to experts {3, 0} of layer 1.
    const std::map<int, std::vector<int>> origins = {{1, {3, 0}}};
    const auto two = imatrix_for_tensor(im, "blk.1.ffn_up_exps.weight", {64, 16, 2}, origins, note);
    ASSERT_EQ(two.size(), 128u);
    EXPECT_TRUE(std::equal(two.begin(), two.begin() + 64, all.begin() + 3 * 64));
    EXPECT_TRUE(std::equal(two.begin() + 64, two.end(), all.begin()));
    EXPECT_NE(note.find("experts mapped"), std::string::npos);
    // Pruned but no map: llama-quantize's size error.
    EXPECT_THROW(imatrix_for_tensor(im, "blk.1.ffn_up_exps.weight", {64, 16, 2}, {}, note), InputError);
    EXPECT_THROW(imatrix_for_tensor(im, "blk.0.attn_q.weight", {32, 64}, {}, note), InputError);
}

TEST(GgufImatrix, ExpertOriginsComposeChainedPrunes) {
    test::TempDir dir;
    EXPECT_TRUE(expert_origins(dir.path()).empty());
    // First prune kept old {1, 4, 6, 7} of layer 2; the second kept {3, 0} of those.
    test::write_text(dir / "moecut_provenance.json",
                     R"({"plan": {"keep": {"2": [3, 0]}}, "previous": {"plan": {"keep": {"2": [1, 4, 6, 7]}}}})");
    const auto o = expert_origins(dir.path());
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(o.at(2), (std::vector<int>{7, 1}));
}

// End to end on the demo model: prune to 16 of 32 experts, then plan a Q4_0
// export with an imatrix made for the unpruned names and shapes.
TEST(GgufImatrix, ExportPlanUsesImatrixThroughThePrune) {
    test::TempDir dir;
    const auto src = test::source_dir() / "resources/models/tiny-glm5-moe";
    Plan plan;
    plan.experts = 32;
    const auto limits = router_limits(ArchDescriptor::from_config(Checkpoint::open(src).config(), "config.json"));
    for (int l : limits.layers)
        for (int j = 0; j < 16; ++j) plan.keep[l].push_back(2 * j + l % 2);  // layer 1: the odd experts
    prune_checkpoint(src, plan, dir / "pruned");

    // imatrix: layer 1 ffn_down_exps (ne0 = moe_intermediate 64, 32 experts) and attn_output.
    GgufLayout L;
    L.set("imatrix.datasets", GgufValue::strings({"d"}));
    L.set("imatrix.chunk_count", GgufValue::u32(1));
    L.set("imatrix.chunk_size", GgufValue::u32(8));
    L.add_tensor("blk.1.ffn_down_exps.weight.in_sum2", GgmlType::F32, {64, 32});
    L.add_tensor("blk.1.ffn_down_exps.weight.counts", GgmlType::F32, {1, 32});
    L.add_tensor("blk.1.attn_output.weight.in_sum2", GgmlType::F32, {128, 1});  // ne0 = heads x v_head_dim
    L.add_tensor("blk.1.attn_output.weight.counts", GgmlType::F32, {1, 1});
    std::vector<float> sums(64 * 32), counts(32, 1.0f), o_sums(128, 2.0f), o_counts(1, 1.0f);
    for (std::size_t i = 0; i < sums.size(); ++i) sums[i] = static_cast<float>(i / 64);  // expert id as the value
    write_gguf(dir / "im.gguf", L,
               {std::as_bytes(std::span<const float>(sums)), std::as_bytes(std::span<const float>(counts)),
                std::as_bytes(std::span<const float>(o_sums)), std::as_bytes(std::span<const float>(o_counts))});

    GgufExportOptions o;
    o.type = GgmlType::Q4_0;
    o.imatrix = dir / "im.gguf";
    const Checkpoint ck = Checkpoint::open(dir / "pruned");
    const GgufExportPlan p = plan_gguf_export(ck, o);
    const GgufExportTensor* down = nullptr;
    for (const auto& t : p.tensors)
        if (t.name == "blk.1.ffn_down_exps.weight") down = &t;
    ASSERT_NE(down, nullptr);
    ASSERT_EQ(down->ne[2], 16);
    ASSERT_EQ(down->imatrix.size(), 64u * 16);
    for (std::size_t j = 0; j < 16; ++j) EXPECT_EQ(down->imatrix[j * 64], static_cast<float>(plan.keep[1][j])) << j;
    EXPECT_NE(down->type_reason.find("imatrix, experts mapped"), std::string::npos) << down->type_reason;
    EXPECT_EQ(p.layout.find("quantize.imatrix.entries_count")->as_u64(), 2u);
    bool noted = false;
    for (const auto& n : p.notes) noted |= n.find("imatrix has no data for") != std::string::npos;
    EXPECT_TRUE(noted);

    // The files with and without: only the tensors with imatrix data differ.
    write_gguf_export(ck, p, dir / "with.gguf");
    o.imatrix.clear();
    write_gguf_export(ck, plan_gguf_export(ck, o), dir / "without.gguf");
    const GgufFile a = GgufFile::open(dir / "with.gguf"), b = GgufFile::open(dir / "without.gguf");
    auto same = [&](const char* name) {
        const auto x = a.bytes(*a.find_tensor(name)), y = b.bytes(*b.find_tensor(name));
        return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size()) == 0;
    };
    EXPECT_EQ(a.find_tensor("blk.1.ffn_down_exps.weight")->ggml_type(), GgmlType::Q4_0);
    EXPECT_FALSE(same("blk.1.ffn_down_exps.weight"));
    EXPECT_FALSE(same("blk.1.attn_output.weight"));
    EXPECT_TRUE(same("blk.2.ffn_down_exps.weight"));
    EXPECT_TRUE(same("blk.1.ffn_up_exps.weight"));
}

} // namespace
} // namespace moecut

// FP8 block dequantisation against a straightforward reference loop, partial
// edge blocks, float32 / BF16 / E8M0 scales, the config's block size, and
// torch's own dequantisation of the reference fixture (tests/data/safetensors/fp8).
#include "moecut/fp8.h"

#include "moecut/error.h"
#include "moecut/safetensors_writer.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace moecut {
namespace {

struct Quantised {
    std::vector<std::uint8_t> w;
    std::vector<std::byte> scale;
};

// Random FP8 codes (no NaN) and scales of the given dtype.
Quantised make(std::int64_t rows, std::int64_t cols, std::int64_t sr, std::int64_t sc, DType wdt, DType sdt,
               unsigned seed) {
    std::mt19937 rng(seed);
    Quantised q;
    q.w.resize(static_cast<std::size_t>(rows * cols));
    for (auto& b : q.w) {
        do b = static_cast<std::uint8_t>(rng() & 0xff);
        while (wdt == DType::F8_E4M3 ? std::isnan(e4m3_to_float(b)) : !std::isfinite(e5m2_to_float(b)));
    }
    for (std::int64_t i = 0; i < sr * sc; ++i) {
        float s = std::ldexp(1.0f + static_cast<float>(rng() % 1000) / 1000.0f, static_cast<int>(rng() % 20) - 15);
        auto put = [&q](const auto& x) {
            auto b = std::as_bytes(std::span(&x, 1));
            q.scale.insert(q.scale.end(), b.begin(), b.end());
        };
        switch (sdt) {
        case DType::F32: put(s); break;
        case DType::BF16: put(float_to_bf16(s)); break;
        case DType::F16: put(float_to_f16(s)); break;
        case DType::F8_E8M0:
        case DType::U8: put(static_cast<std::uint8_t>(100 + rng() % 40)); break;
        default: throw std::logic_error("scale dtype");
        }
    }
    return q;
}

// The obvious loop: every element times the scale of its block.
std::vector<float> reference(const Quantised& q, DType wdt, std::int64_t rows, std::int64_t cols, DType sdt,
                             std::int64_t sc, Fp8Block blk) {
    std::vector<float> out(static_cast<std::size_t>(rows * cols));
    for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) {
            std::uint8_t code = q.w[static_cast<std::size_t>(r * cols + c)];
            float w = wdt == DType::F8_E4M3 ? e4m3_to_float(code) : e5m2_to_float(code);
            auto si = static_cast<std::size_t>((r / blk.rows) * sc + c / blk.cols);
            float s = sdt == DType::U8 || sdt == DType::F8_E8M0
                          ? std::ldexp(1.0f, static_cast<int>(q.scale[si]) - 127)
                          : static_cast<float>(read_element(q.scale.data(), sdt, si));
            out[static_cast<std::size_t>(r * cols + c)] = w * s;
        }
    return out;
}

struct Case {
    std::int64_t rows, cols;
    Fp8Block blk;
    DType wdt, sdt;
};

TEST(Fp8, MatchesReferenceLoop) {
    const Case cases[] = {
        {200, 300, {128, 128}, DType::F8_E4M3, DType::F32},      // partial edge blocks both ways
        {200, 300, {128, 128}, DType::F8_E4M3, DType::F8_E8M0},
        {256, 128, {128, 128}, DType::F8_E4M3, DType::BF16},     // exact blocks
        {129, 1, {128, 128}, DType::F8_E5M2, DType::F32},         // one-column, one-row edge
        {5, 7, {2, 3}, DType::F8_E4M3, DType::U8},                // E8M0 stored as U8, small blocks
        {1, 1, {128, 128}, DType::F8_E4M3, DType::F16},
        {0, 10, {128, 128}, DType::F8_E4M3, DType::F32},
    };
    unsigned seed = 1;
    for (const auto& c : cases) {
        SCOPED_TRACE(testing::Message() << c.rows << "x" << c.cols << " " << dtype_name(c.sdt));
        const std::int64_t sr = (c.rows + c.blk.rows - 1) / c.blk.rows, sc = (c.cols + c.blk.cols - 1) / c.blk.cols;
        auto q = make(c.rows, c.cols, sr, sc, c.wdt, c.sdt, seed++);
        std::vector<float> out(static_cast<std::size_t>(c.rows * c.cols), -12345.0f);
        dequantize_fp8_blocks(reinterpret_cast<const std::byte*>(q.w.data()), c.wdt, c.rows, c.cols, q.scale.data(), c.sdt,
                              sr, sc, c.blk, out.data());
        auto want = reference(q, c.wdt, c.rows, c.cols, c.sdt, sc, c.blk);
        ASSERT_EQ(out.size(), want.size());
        for (std::size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], want[i]) << "element " << i;
    }
}

TEST(Fp8, EdgeBlocksUseTheirOwnScale) {
    // 3x3 weight of ones, 2x2 blocks: scales 1, 2 / 4, 8.
    std::vector<std::uint8_t> w(9, float_to_e4m3(1.0f));
    std::vector<float> s = {1, 2, 4, 8};
    std::vector<float> out(9);
    dequantize_fp8_blocks(reinterpret_cast<const std::byte*>(w.data()), DType::F8_E4M3, 3, 3,
                          reinterpret_cast<const std::byte*>(s.data()), DType::F32, 2, 2, {2, 2}, out.data());
    EXPECT_EQ(out, (std::vector<float>{1, 1, 2, 1, 1, 2, 4, 4, 8}));
}

TEST(Fp8, RejectsMismatchedShapesAndDtypes) {
    std::vector<std::uint8_t> w(200 * 300);
    std::vector<float> s(6), out(200 * 300);
    auto call = [&](std::int64_t sr, std::int64_t sc, DType wdt, DType sdt, Fp8Block b = {}) {
        dequantize_fp8_blocks(reinterpret_cast<const std::byte*>(w.data()), wdt, 200, 300,
                              reinterpret_cast<const std::byte*>(s.data()), sdt, sr, sc, b, out.data());
    };
    EXPECT_NO_THROW(call(2, 3, DType::F8_E4M3, DType::F32));
    EXPECT_THROW(call(2, 2, DType::F8_E4M3, DType::F32), InputError);
    EXPECT_THROW(call(3, 3, DType::F8_E4M3, DType::F32), InputError);
    EXPECT_THROW(call(2, 3, DType::BF16, DType::F32), InputError);
    EXPECT_THROW(call(2, 3, DType::F8_E4M3, DType::I32), InputError);
    EXPECT_THROW(call(2, 3, DType::F8_E4M3, DType::F32, {0, 128}), InputError);
}

TEST(Fp8, NamesAndConfig) {
    EXPECT_EQ(scale_inv_name("model.layers.3.mlp.experts.7.up_proj.weight"),
              "model.layers.3.mlp.experts.7.up_proj.weight_scale_inv");
    auto cfg = nlohmann::json::parse(R"({"quantization_config":{"quant_method":"fp8","weight_block_size":[64,32]}})");
    auto b = fp8_block_from_config(cfg);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->rows, 64);
    EXPECT_EQ(b->cols, 32);
    EXPECT_FALSE(fp8_block_from_config(nlohmann::json::object()));
    EXPECT_FALSE(fp8_block_from_config(nlohmann::json::parse(R"({"quantization_config":{"quant_method":"awq"}})")));
    EXPECT_FALSE(fp8_block_from_config(nlohmann::json::parse(R"({"quantization_config":{"quant_method":"fp8"}})")));
    EXPECT_THROW(fp8_block_from_config(nlohmann::json::parse(
                     R"({"quantization_config":{"quant_method":"fp8","weight_block_size":[0,128]}})")),
                 InputError);
    EXPECT_THROW(fp8_block_from_config(nlohmann::json::parse(
                     R"({"quantization_config":{"quant_method":"fp8","weight_block_size":"128"}})")),
                 InputError);
}

// torch's dequantisation of weights quantised by torch (fixture script).
TEST(Fp8, LoadAsFloatMatchesTorch) {
    const auto dir = test::test_data_dir() / "safetensors" / "fp8";
    auto expected = nlohmann::json::parse(test::read_text(dir.parent_path() / "expected.json"))["fp8"];
    auto ck = Checkpoint::open(dir);
    ASSERT_EQ(expected.size(), 2u);
    for (const auto& [name, spec] : expected.items()) {
        SCOPED_TRACE(name);
        EXPECT_EQ(dtype_name(ck.find(scale_inv_name(name))->info->dtype), spec["scale_dtype"].get<std::string>());
        auto v = load_as_float(ck, name);
        auto shape = spec["shape"].get<std::vector<std::int64_t>>();
        ASSERT_EQ(v.size(), static_cast<std::size_t>(shape[0] * shape[1]));
        int n = 0;
        for (const auto& s : spec["samples"]) {
            auto r = s[0].get<std::int64_t>(), c = s[1].get<std::int64_t>();
            EXPECT_EQ(v[static_cast<std::size_t>(r * shape[1] + c)], s[2].get<float>()) << r << "," << c;
            ++n;
        }
        EXPECT_GT(n, 50);
        double sum = 0;
        for (float x : v) sum += x;
        EXPECT_NEAR(sum, spec["sum"].get<double>(), 1e-9 * (1 + std::abs(sum)));
    }
    // Not FP8: plain conversion.
    auto norm = load_as_float(ck, "model.norm.weight");
    ASSERT_EQ(norm.size(), 8u);
    EXPECT_EQ(norm[0], 0.5f);
    EXPECT_EQ(norm[7], 1.5f);
    EXPECT_THROW(load_as_float(ck, "no.such.tensor"), InputError);
}

TEST(Fp8, LoadAsFloatBatchedAndBadScales) {
    test::TempDir dir;
    test::write_text(dir / "config.json",
                     R"({"quantization_config":{"quant_method":"fp8","weight_block_size":[2,2]}})");
    // A fused-experts weight [2, 3, 3] with scales [2, 2, 2].
    std::vector<std::uint8_t> w(18, float_to_e4m3(1.0f));
    std::vector<float> s = {1, 2, 3, 4, 10, 20, 30, 40};
    std::vector<float> bad_s(3, 1.0f);
    CheckpointWriter wr(dir.path());
    wr.add_bytes("e.weight", DType::F8_E4M3, {2, 3, 3}, std::as_bytes(std::span(w)));
    wr.add_bytes("e.weight_scale_inv", DType::F32, {2, 2, 2}, std::as_bytes(std::span(s)));
    wr.add_bytes("f.weight", DType::F8_E4M3, {3, 3}, std::as_bytes(std::span(w).subspan(0, 9)));
    wr.add_bytes("f.weight_scale_inv", DType::F32, {3, 1}, std::as_bytes(std::span(bad_s)));
    wr.finish();
    auto ck = Checkpoint::open(dir.path());
    auto v = load_as_float(ck, "e.weight");
    EXPECT_EQ(v, (std::vector<float>{1, 1, 2, 1, 1, 2, 3, 3, 4, 10, 10, 20, 10, 10, 20, 30, 30, 40}));
    try {
        load_as_float(ck, "f.weight");
        ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("model.safetensors: f.weight_scale_inv: "), std::string::npos) << msg;
    }
}

} // namespace
} // namespace moecut

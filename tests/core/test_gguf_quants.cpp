// Float -> ggml type conversions are byte-identical to ggml's reference code:
// tests/data/gguf_ref/all_types.gguf holds conv_src (F32) and the same values
// as F16, BF16, Q8_0 and Q4_0, made by gguf-py and checked there against
// libggml-base's own quantize_row_*_ref (scripts/make_gguf_fixtures.py).
#include "moecut/gguf_quants.h"
#include "moecut/gguf_reader.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

namespace moecut {
namespace {

std::vector<float> source(const GgufFile& g) {
    const GgufTensorInfo* t = g.find_tensor("conv_src");
    auto b = g.bytes(*t);
    std::vector<float> x(b.size() / 4);
    std::memcpy(x.data(), b.data(), b.size());
    return x;
}

TEST(GgufQuants, ByteIdenticalToGgmlReference) {
    const GgufFile g = GgufFile::open(test::test_data_dir() / "gguf_ref/all_types.gguf");
    const std::vector<float> x = source(g);
    ASSERT_EQ(x.size(), 512u);
    const std::pair<const char*, GgmlType> cases[] = {
        {"conv_f16", GgmlType::F16}, {"conv_bf16", GgmlType::BF16}, {"conv_q8_0", GgmlType::Q8_0}, {"conv_q4_0", GgmlType::Q4_0}};
    for (const auto& [name, type] : cases) {
        const GgufTensorInfo* t = g.find_tensor(name);
        ASSERT_NE(t, nullptr) << name;
        ASSERT_EQ(t->ggml_type(), type) << name;
        const auto want = g.bytes(*t);
        std::vector<std::byte> got(want.size());
        // Row by row (ne[0] = 128), as the exporter calls it.
        for (std::size_t r = 0; r < 4; ++r)
            quantize_row(type, x.data() + 128 * r, 128, got.data() + r * want.size() / 4);
        for (std::size_t i = 0; i < got.size(); ++i)
            ASSERT_EQ(got[i], want[i]) << name << " byte " << i;
    }
}

// kquants.gguf: kq_src [8 rows x 512] and its Q2_K..Q6_K made by libggml-base's
// quantize_row_q{2..6}_K_ref itself (zero, constant, all-positive, tiny, outlier,
// tied and all-negative rows).
TEST(GgufQuants, KQuantsByteIdenticalToLibggml) {
    const GgufFile g = GgufFile::open(test::test_data_dir() / "gguf_ref/kquants.gguf");
    const GgufTensorInfo* src = g.find_tensor("kq_src");
    ASSERT_NE(src, nullptr);
    auto sb = g.bytes(*src);
    std::vector<float> x(sb.size() / 4);
    std::memcpy(x.data(), sb.data(), sb.size());
    const std::pair<const char*, GgmlType> cases[] = {{"kq_q2_k", GgmlType::Q2_K}, {"kq_q3_k", GgmlType::Q3_K},
                                                      {"kq_q4_k", GgmlType::Q4_K}, {"kq_q5_k", GgmlType::Q5_K},
                                                      {"kq_q6_k", GgmlType::Q6_K}};
    for (const auto& [name, type] : cases) {
        const GgufTensorInfo* t = g.find_tensor(name);
        ASSERT_NE(t, nullptr) << name;
        ASSERT_EQ(t->ggml_type(), type);
        const auto want = g.bytes(*t);
        const std::size_t row_bytes = want.size() / 8;
        std::vector<std::byte> got(want.size());
        for (std::size_t r = 0; r < 8; ++r) quantize_row(type, x.data() + 512 * r, 512, got.data() + r * row_bytes);
        for (std::size_t i = 0; i < got.size(); ++i)
            ASSERT_EQ(got[i], want[i]) << name << " row " << i / row_bytes << " byte " << i % row_bytes;
    }
}

TEST(GgufQuants, DequantizeInvertsWithinTheFormatsPrecision) {
    const GgufFile g = GgufFile::open(test::test_data_dir() / "gguf_ref/all_types.gguf");
    const std::vector<float> x = source(g);
    for (GgmlType type : {GgmlType::F32, GgmlType::BF16, GgmlType::Q8_0}) {
        std::vector<std::byte> q(ggml_nbytes(type, std::vector<std::int64_t>{512}));
        quantize_row(type, x.data(), 512, q.data());
        std::vector<float> back(512);
        dequantize_row(type, q.data(), 512, back.data());
        for (std::size_t b = 0; b < 16; ++b) {
            float amax = 0;
            for (std::size_t j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[32 * b + j]));
            for (std::size_t j = 0; j < 32; ++j) {
                // Q8_0: half a step, plus 127 x the rounding of d to fp16 (subnormal for tiny blocks: <= 2^-25).
                const float tol = type == GgmlType::F32    ? 0.0f
                                  : type == GgmlType::BF16 ? std::fabs(x[32 * b + j]) / 128
                                                           : amax / 254 * 1.01f + 127 * (amax / 127 * 0x1p-11f + 0x1p-25f);
                EXPECT_LE(std::fabs(back[32 * b + j] - x[32 * b + j]), tol) << ggml_type_name(type) << " " << 32 * b + j;
            }
        }
    }
}

TEST(GgufQuants, ScalarConversionsMatchGgml) {
    EXPECT_EQ(ggml_fp32_to_fp16(1.0f), 0x3c00);
    EXPECT_EQ(ggml_fp32_to_fp16(65504.0f), 0x7bff);
    EXPECT_EQ(ggml_fp32_to_fp16(1e5f), 0x7c00);             // overflow -> inf
    EXPECT_EQ(ggml_fp32_to_fp16(-NAN) & 0x7fff, 0x7e00);    // NaN -> 0x7e00, sign kept
    EXPECT_EQ(ggml_fp32_to_fp16(1.0f + 0x1p-11f), 0x3c00);  // tie to even
    EXPECT_EQ(ggml_fp32_to_bf16(1.0f + 0x1p-8f), 0x3f80);   // tie to even
    EXPECT_EQ(ggml_fp32_to_bf16(1.0f + 0x1.8p-8f), 0x3f81);
    EXPECT_EQ(ggml_fp32_to_bf16(std::bit_cast<float>(0x7f800001u)), 0x7fc0);  // NaN forced quiet
    EXPECT_EQ(ggml_fp16_to_fp32(0x0001), 0x1p-24f);
    EXPECT_THROW(quantize_row(GgmlType::Q8_0, nullptr, 48, nullptr), std::invalid_argument);
    EXPECT_THROW(quantize_row(GgmlType::Q4_K, nullptr, 128, nullptr), std::invalid_argument);
    EXPECT_THROW(quantize_row(GgmlType::IQ4_NL, nullptr, 32, nullptr), std::invalid_argument);
}

} // namespace
} // namespace moecut

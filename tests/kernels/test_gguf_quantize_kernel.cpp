// The GGUF quantisation kernels: the CPU twin (moecut_kernels) gives the same
// bytes as moecut_core's quantize_row (itself checked against ggml's
// quantize_row_*_ref in tests/core/test_gguf_quants.cpp and the k-quant
// fixtures), and the CUDA kernel gives the CPU twin's bytes on random data of
// several shapes (skipped without a CUDA device).
#include "moecut/kernels/gguf_quantize.h"

#include "moecut/gguf.h"
#include "moecut/gguf_quants.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <vector>

namespace moecut::kernels {
namespace {

constexpr GgufQuantType kTypes[] = {GgufQuantType::Q8_0, GgufQuantType::Q4_0, GgufQuantType::Q2_K, GgufQuantType::Q3_K,
                                    GgufQuantType::Q4_K, GgufQuantType::Q5_K, GgufQuantType::Q6_K};

const char* name(GgufQuantType t) { return ggml_type_name(static_cast<GgmlType>(static_cast<int>(t))).data(); }

// Values that reach every branch of the searches: gaussian rows of varied
// scale, all-zero, constant, all-positive and all-negative groups, tiny
// (below the 1e-15 group threshold) and denormal values, single spikes.
std::vector<float> make_data(std::uint32_t seed, std::int64_t n) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<float> x(static_cast<std::size_t>(n));
    for (std::int64_t start = 0; start < n; start += 16) {
        const std::int64_t end = std::min<std::int64_t>(n, start + 16);
        const int kind = static_cast<int>(rng() % 12);
        const float scale = std::ldexp(1.0f, static_cast<int>(rng() % 24) - 16);
        for (std::int64_t i = start; i < end; ++i) {
            float v = g(rng) * scale;
            switch (kind) {
            case 0: v = 0.0f; break;
            case 1: v = 0.25f; break;
            case 2: v = std::fabs(v); break;
            case 3: v = -std::fabs(v); break;
            case 4: v = g(rng) * 1e-17f; break;
            case 5: v = g(rng) * 1e-39f; break;
            case 6: v = i == start + 3 ? 1000.0f : v * 1e-3f; break;
            default: break;
            }
            x[static_cast<std::size_t>(i)] = v;
        }
    }
    return x;
}

std::vector<std::uint8_t> cpu(GgufQuantType t, const std::vector<float>& x) {
    std::vector<std::uint8_t> out(gguf_quant_nbytes(t, static_cast<std::int64_t>(x.size())), 0xAB);
    gguf_quantize_cpu(t, x.data(), static_cast<std::int64_t>(x.size()), out.data());
    return out;
}

TEST(GgufQuantizeKernel, TypeTable) {
    for (GgufQuantType t : kTypes) {
        EXPECT_TRUE(gguf_quant_supported(static_cast<int>(t)));
        const auto& tr = ggml_type_traits(static_cast<GgmlType>(static_cast<int>(t)));
        EXPECT_EQ(gguf_quant_block_size(t), tr.block_size) << name(t);
        EXPECT_EQ(gguf_quant_block_bytes(t), static_cast<std::size_t>(tr.type_size)) << name(t);
    }
    EXPECT_FALSE(gguf_quant_supported(0));   // F32
    EXPECT_FALSE(gguf_quant_supported(15));  // Q8_K
    EXPECT_THROW(gguf_quant_nbytes(GgufQuantType::Q4_K, 255), std::invalid_argument);
    EXPECT_THROW(gguf_quant_nbytes(GgufQuantType::Q8_0, 33), std::invalid_argument);
}

TEST(GgufQuantizeKernel, CpuTwinMatchesCoreQuantizeRow) {
    for (std::uint32_t seed = 1; seed <= 4; ++seed) {
        const std::vector<float> x = make_data(seed, 256 * 64);
        for (GgufQuantType t : kTypes) {
            const std::vector<std::uint8_t> twin = cpu(t, x);
            std::vector<std::byte> core(twin.size());
            quantize_row(static_cast<GgmlType>(static_cast<int>(t)), x.data(), static_cast<std::int64_t>(x.size()), core.data());
            ASSERT_EQ(std::memcmp(twin.data(), core.data(), twin.size()), 0) << name(t) << " seed " << seed;
        }
    }
}

TEST(GgufQuantizeKernel, CpuTwinIsBlockwise) {
    // Cutting a tensor on any block boundary gives the same bytes (what the
    // threaded and GPU paths rely on).
    const std::vector<float> x = make_data(9, 256 * 12);
    for (GgufQuantType t : kTypes) {
        const std::vector<std::uint8_t> whole = cpu(t, x);
        const std::int64_t bs = gguf_quant_block_size(t);
        const std::int64_t cut = bs * 5;
        std::vector<std::uint8_t> parts(whole.size());
        gguf_quantize_cpu(t, x.data(), cut, parts.data());
        gguf_quantize_cpu(t, x.data() + cut, static_cast<std::int64_t>(x.size()) - cut, parts.data() + gguf_quant_nbytes(t, cut));
        EXPECT_EQ(parts, whole) << name(t);
    }
}

TEST(GgufQuantizeKernel, CudaMatchesCpuTwin) {
    if (!gguf_quantize_cuda_available()) GTEST_SKIP() << "no CUDA device (or built without nvcc)";
    // Block counts around the kernel's 32-block staging groups, and a large tensor.
    const std::int64_t shapes[][2] = {{1, 256}, {31, 256}, {33, 256}, {64, 4096}, {3, 7168}, {512, 2048}};
    std::uint32_t seed = 100;
    for (const auto& s : shapes) {
        const std::vector<float> x = make_data(++seed, s[0] * s[1]);
        for (GgufQuantType t : kTypes) {
            const std::vector<std::uint8_t> want = cpu(t, x);
            std::vector<std::uint8_t> got(want.size(), 0xCD);
            GgufCudaTimings tm;
            gguf_quantize_cuda_host(t, x.data(), static_cast<std::int64_t>(x.size()), got.data(), &tm);
            std::size_t first = 0;
            while (first < got.size() && got[first] == want[first]) ++first;
            ASSERT_EQ(first, got.size()) << name(t) << " [" << s[0] << ", " << s[1] << "]: first differing byte " << first
                                         << " (block " << first / gguf_quant_block_bytes(t) << ")";
            EXPECT_GE(tm.kernel_ms, 0.0);
        }
    }
}

TEST(GgufQuantizeKernel, CudaReportsWhenNotBuilt) {
    if (gguf_quantize_cuda_built()) GTEST_SKIP() << "built with CUDA";
    EXPECT_FALSE(gguf_quantize_cuda_available());
    std::vector<float> x(32);
    std::vector<std::uint8_t> out(34);
    EXPECT_THROW(gguf_quantize_cuda_host(GgufQuantType::Q8_0, x.data(), 32, out.data()), std::runtime_error);
}

} // namespace
} // namespace moecut::kernels

// nvfp4_quantize_cpu against hand-computed blocks, and the CUDA kernel
// against the CPU twin byte for byte (skipped without a CUDA device).
#include "moecut/kernels/nvfp4_quantize.h"

#include <gtest/gtest.h>

#ifdef MOECUT_HAVE_CUDA_KERNELS
#include <cuda_runtime.h>
#endif

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace moecut::kernels {
namespace {

// Gaussian rows with a spread of block magnitudes, exact ties, zero blocks
// and tiny blocks whose FP8 scale underflows.
std::vector<float> generate(std::uint32_t seed, std::int64_t blocks) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> n(0.0f, 1.0f);
    std::vector<float> w(static_cast<std::size_t>(blocks * 16));
    for (std::int64_t b = 0; b < blocks; ++b) {
        const int kind = static_cast<int>(rng() % 16);
        const float mag = std::ldexp(1.0f, static_cast<int>(rng() % 24) - 12);
        for (int i = 0; i < 16; ++i) {
            float v = n(rng) * mag;
            if (kind == 0) v = 0.0f;
            if (kind == 1) v = std::ldexp(1.0f, -40) * n(rng);
            if (kind == 2) v = static_cast<float>(static_cast<int>(rng() % 25) - 12) * 0.25f;  // ties at x.25, x.75
            w[static_cast<std::size_t>(b * 16 + i)] = v;
        }
    }
    return w;
}

TEST(Nvfp4KernelCpu, HandComputedBlock) {
    // amax 6, global scale 1/448: s = 6 / (6 * (6/2688)) = 448 -> E4M3 0x7e;
    // w / (448 * 6/2688) = w: the codes are the E2M1 values themselves.
    std::vector<float> w = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f,
                            -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};
    const float g = nvfp4_amax_cpu(w.data(), 16) / 2688.0f;
    std::vector<std::uint8_t> packed(8), scales(1);
    nvfp4_quantize_cpu(w.data(), 1, g, packed.data(), scales.data());
    EXPECT_EQ(scales[0], 0x7e);
    const std::vector<std::uint8_t> want = {0x10, 0x32, 0x54, 0x76, 0x90, 0xba, 0xdc, 0xfe};
    EXPECT_EQ(packed, want);  // element 2k low nibble, 2k+1 high; -0.0 -> code 0
    std::vector<float> back(16);
    nvfp4_dequantize_cpu(packed.data(), scales.data(), 1, g, back.data());
    for (int i = 0; i < 16; ++i) EXPECT_FLOAT_EQ(back[static_cast<std::size_t>(i)], w[static_cast<std::size_t>(i)]) << i;
}

TEST(Nvfp4KernelCpu, AmaxIsExactAndSeesNan) {
    std::vector<float> w = {1.0f, -7.5f, 3.0f, 0.0f};
    EXPECT_EQ(nvfp4_amax_cpu(w.data(), 4), 7.5f);
    w[2] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_TRUE(std::isnan(nvfp4_amax_cpu(w.data(), 4)));
    EXPECT_EQ(nvfp4_amax_cpu(w.data(), 0), 0.0f);
}

TEST(Nvfp4KernelCuda, EqualsCpuTwinByteForByte) {
    if (!nvfp4_cuda_available()) GTEST_SKIP() << "no CUDA device (or no CUDA kernels in this build)";
#ifdef MOECUT_HAVE_CUDA_KERNELS
    for (const std::int64_t blocks : {std::int64_t{1}, std::int64_t{7}, std::int64_t{4096}, std::int64_t{250001}}) {
        const std::vector<float> w = generate(static_cast<std::uint32_t>(blocks), blocks);
        const std::size_t n = w.size();
        const float amax = nvfp4_amax_cpu(w.data(), static_cast<std::int64_t>(n));
        const float g = amax / 2688.0f;
        std::vector<std::uint8_t> packed(n / 2), scales(n / 16);
        nvfp4_quantize_cpu(w.data(), blocks, g, packed.data(), scales.data());

        float* dw = nullptr;
        std::uint8_t *dp = nullptr, *ds = nullptr;
        ASSERT_EQ(cudaMalloc(&dw, n * sizeof(float)), cudaSuccess);
        ASSERT_EQ(cudaMalloc(&dp, n / 2), cudaSuccess);
        ASSERT_EQ(cudaMalloc(&ds, n / 16), cudaSuccess);
        ASSERT_EQ(cudaMemcpy(dw, w.data(), n * sizeof(float), cudaMemcpyHostToDevice), cudaSuccess);
        EXPECT_EQ(nvfp4_amax_cuda(dw, static_cast<std::int64_t>(n)), amax);
        nvfp4_quantize_cuda(dw, blocks, g, dp, ds);
        std::vector<std::uint8_t> gp(n / 2), gs(n / 16);
        ASSERT_EQ(cudaMemcpy(gp.data(), dp, n / 2, cudaMemcpyDeviceToHost), cudaSuccess);
        ASSERT_EQ(cudaMemcpy(gs.data(), ds, n / 16, cudaMemcpyDeviceToHost), cudaSuccess);
        cudaFree(dw);
        cudaFree(dp);
        cudaFree(ds);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < gp.size(); ++i) bad += gp[i] != packed[i];
        for (std::size_t i = 0; i < gs.size(); ++i) bad += gs[i] != scales[i];
        EXPECT_EQ(bad, 0u) << blocks << " blocks";
    }
#endif
}

} // namespace
} // namespace moecut::kernels

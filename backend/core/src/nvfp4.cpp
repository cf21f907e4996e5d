// NVFP4 quantisation of whole matrices on the CPU (moecut/nvfp4.h).
#include "moecut/nvfp4.h"

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <vector>

namespace moecut {

float nvfp4_amax(std::span<const float> w) {
    float m = 0.0f;
    for (float x : w) {
        const float a = nvfp4::abs_f(x);
        if (!(a <= m)) m = a;  // keeps NaN once seen
        if (m != m) return m;
    }
    return m;
}

void nvfp4_quantize(std::span<const float> w, float global_scale, std::span<std::uint8_t> packed,
                    std::span<std::uint8_t> scales, int threads) {
    if (w.size() % nvfp4::kBlock != 0) throw std::invalid_argument("nvfp4_quantize: size is not a multiple of 16");
    const std::size_t blocks = w.size() / nvfp4::kBlock;
    if (packed.size() != blocks * 8 || scales.size() != blocks)
        throw std::invalid_argument("nvfp4_quantize: output sizes do not match the input");
    auto run = [&](std::size_t b0, std::size_t b1) {
        for (std::size_t b = b0; b < b1; ++b)
            scales[b] = nvfp4::quantize_block(w.data() + b * nvfp4::kBlock, global_scale, packed.data() + b * 8);
    };
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const std::size_t per = 4096;  // blocks per task: small inputs stay on this thread
    const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(threads), (blocks + per - 1) / per);
    if (n <= 1) {
        run(0, blocks);
        return;
    }
    std::vector<std::thread> pool;
    const std::size_t chunk = (blocks + n - 1) / n;
    for (std::size_t t = 1; t < n; ++t)
        pool.emplace_back(run, std::min(blocks, t * chunk), std::min(blocks, (t + 1) * chunk));
    run(0, std::min(blocks, chunk));
    for (auto& t : pool) t.join();
}

void nvfp4_dequantize(std::span<const std::uint8_t> packed, std::span<const std::uint8_t> scales, float global_scale,
                      std::span<float> out) {
    if (packed.size() != scales.size() * 8 || out.size() != scales.size() * nvfp4::kBlock)
        throw std::invalid_argument("nvfp4_dequantize: sizes do not match");
    for (std::size_t b = 0; b < scales.size(); ++b)
        nvfp4::dequantize_block(packed.data() + b * 8, scales[b], global_scale, out.data() + b * nvfp4::kBlock);
}

} // namespace moecut

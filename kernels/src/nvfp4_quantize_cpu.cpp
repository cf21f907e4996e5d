// The CPU reference twin of the NVFP4 quantisation kernel: one block at a
// time, through the same scalar code (moecut/nvfp4_codec.h) the kernel uses.
#include "moecut/kernels/nvfp4_quantize.h"

#include "moecut/nvfp4_codec.h"

namespace moecut::kernels {

void nvfp4_quantize_cpu(const float* w, std::int64_t blocks, float global_scale, std::uint8_t* packed,
                        std::uint8_t* scales) {
    for (std::int64_t b = 0; b < blocks; ++b)
        scales[b] = nvfp4::quantize_block(w + b * nvfp4::kBlock, global_scale, packed + b * 8);
}

void nvfp4_dequantize_cpu(const std::uint8_t* packed, const std::uint8_t* scales, std::int64_t blocks,
                          float global_scale, float* out) {
    for (std::int64_t b = 0; b < blocks; ++b)
        nvfp4::dequantize_block(packed + b * 8, scales[b], global_scale, out + b * nvfp4::kBlock);
}

float nvfp4_amax_cpu(const float* w, std::int64_t n) {
    float m = 0.0f;
    for (std::int64_t i = 0; i < n; ++i) {
        const float a = nvfp4::abs_f(w[i]);
        if (a != a) return a;
        if (a > m) m = a;
    }
    return m;
}

} // namespace moecut::kernels

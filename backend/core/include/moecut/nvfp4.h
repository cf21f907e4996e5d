// NVFP4 quantisation of whole matrices on the CPU (the reference): rows of
// float32 weights to ModelOpt's packed layout. The scalar arithmetic is in
// moecut/nvfp4_codec.h (shared with the CUDA kernel in kernels/).
//
// A matrix [rows, cols] (cols % 16 == 0) becomes
//   packed  uint8 [rows, cols / 2]   element 2k low nibble, 2k+1 high nibble
//   scales  uint8 [rows, cols / 16]  float8_e4m3fn bits
//   global  float32                  weight_scale_2 = amax / (6 * 448)
// Blocks are consecutive in memory, so the work is over rows*cols/16 blocks.
#pragma once

#include "moecut/nvfp4_codec.h"

#include <cstdint>
#include <span>

namespace moecut {

// max |w| (0 for an empty span). NaN or infinity in w: returns them (callers
// reject a non-finite amax).
float nvfp4_amax(std::span<const float> w);

// weight_scale_2 for a tensor, or for a fused group (gate and up of one
// expert) whose combined amax is given.
inline float nvfp4_global_scale(float amax) { return nvfp4::global_scale_for_amax(amax); }

// Quantises w (a multiple of 16 elements) with the given global scale into
// packed (w.size()/2 bytes) and scales (w.size()/16 bytes). threads <= 0:
// the hardware's; the bytes do not depend on it.
void nvfp4_quantize(std::span<const float> w, float global_scale, std::span<std::uint8_t> packed,
                    std::span<std::uint8_t> scales, int threads = 1);

// The inverse: out.size() == packed.size() * 2 == scales.size() * 16.
void nvfp4_dequantize(std::span<const std::uint8_t> packed, std::span<const std::uint8_t> scales, float global_scale,
                      std::span<float> out);

} // namespace moecut

// NVFP4 scalar arithmetic, shared by the CPU quantiser (moecut/nvfp4.h), the
// CUDA kernel and its CPU twin (kernels/.../nvfp4_quantize.h): header-only,
// no dependencies, usable from host and device code. Every rounding step is
// spelled out (one IEEE float32 operation each, round to nearest even, no
// fused multiply-add), so the CPU and CUDA results are equal byte for byte.
//
// The format (NVIDIA ModelOpt NVFP4, as vLLM loads it; docs/export.md cites
// the sources):
//   element   FP4 E2M1, sign in bit 3, magnitudes 0, .5, 1, 1.5, 2, 3, 4, 6
//   block     16 consecutive elements of a row (along the input dimension)
//   scale     one FP8 E4M3 (float8_e4m3fn) per block
//   global    one float32 per tensor, weight_scale_2 = amax / (6 * 448)
//   value     w = e2m1(code) * (e4m3(scale) * weight_scale_2)
//   packing   byte k of a row holds element 2k in the low nibble and 2k+1 in
//             the high nibble
// Quantising a block (ModelOpt's NVFP4QTensor, step by step):
//   s = amax_block / (6 * weight_scale_2); s = 1 where that is 0
//   scale = e4m3(s) (round to nearest even, as torch's .to(float8_e4m3fn))
//   code_i = e2m1(w_i / (e4m3_value(scale) * weight_scale_2))
// where e2m1() rounds to nearest with ties to the even code (searchsorted
// over the bounds 0.25 .. 5 plus one at 0.75, 1.75, 3.5) and saturates at 6.
// Deviations, both for degenerate input: an all-zero tensor (weight_scale_2
// = 0) and a block whose scale rounds to an FP8 zero get codes 0 (ModelOpt
// would divide by zero and write NaN codes).
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define MOECUT_NVFP4_HD __host__ __device__ __forceinline__
#else
#define MOECUT_NVFP4_HD inline
#endif

namespace moecut::nvfp4 {

inline constexpr int kBlock = 16;            // elements per block (group_size)
inline constexpr float kE2M1Max = 6.0f;
inline constexpr float kE4M3Max = 448.0f;

// One IEEE float32 operation each, round to nearest even, never contracted.
MOECUT_NVFP4_HD float mul_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}
MOECUT_NVFP4_HD float div_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fdiv_rn(a, b);
#else
    return a / b;
#endif
}
MOECUT_NVFP4_HD float add_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fadd_rn(a, b);
#else
    return a + b;
#endif
}
MOECUT_NVFP4_HD std::uint32_t float_bits(float f) {
#if defined(__CUDA_ARCH__)
    return __float_as_uint(f);
#else
    return __builtin_bit_cast(std::uint32_t, f);
#endif
}
MOECUT_NVFP4_HD float bits_float(std::uint32_t u) {
#if defined(__CUDA_ARCH__)
    return __uint_as_float(u);
#else
    return __builtin_bit_cast(float, u);
#endif
}
MOECUT_NVFP4_HD float abs_f(float f) { return bits_float(float_bits(f) & 0x7fffffffu); }

// E2M1 magnitude of code & 7; the sign is bit 3.
MOECUT_NVFP4_HD float e2m1_to_float(std::uint8_t code) {
    const std::uint8_t m = code & 7u;
    const float mag = m < 4 ? 0.5f * static_cast<float>(m) : (m < 6 ? static_cast<float>(m - 2) : (m == 6 ? 4.0f : 6.0f));
    return (code & 8u) ? -mag : mag;
}

// Round to nearest E2M1 code, ties to the even code, saturating at +-6.
// Sign bit only for y < 0 (so -0.0 and NaN give code 0; NaN never reaches
// here from the quantiser).
MOECUT_NVFP4_HD std::uint8_t float_to_e2m1(float y) {
    const float a = abs_f(y);
    std::uint8_t ord = static_cast<std::uint8_t>((a > 0.25f) + (a > 0.75f) + (a > 1.25f) + (a > 1.75f) + (a > 2.5f) +
                                                 (a > 3.5f) + (a > 5.0f));
    ord = static_cast<std::uint8_t>(ord + ((a == 0.75f) | (a == 1.75f) | (a == 3.5f)));
    return static_cast<std::uint8_t>(ord | (y < 0.0f ? 8u : 0u));
}

// float8_e4m3fn: bias 7, no infinities, 0x7f / 0xff are NaN, max 448.
MOECUT_NVFP4_HD float e4m3_to_float(std::uint8_t v) {
    const std::uint32_t sign = static_cast<std::uint32_t>(v & 0x80u) << 24;
    const std::uint32_t e = (v >> 3) & 0xfu, m = v & 7u;
    if (e == 0xf && m == 7) return bits_float(sign | 0x7fc00000u);
    if (e == 0) return bits_float(sign | float_bits(mul_rn(static_cast<float>(m), 0.001953125f)));  // m * 2^-9
    return bits_float(sign | ((e + 120u) << 23) | (m << 20));
}

// Round to nearest even, as PyTorch's float -> float8_e4m3fn cast does
// (c10 fp8_e4m3fn_from_fp32_value): not saturating, |x| past 464 is NaN.
MOECUT_NVFP4_HD std::uint8_t float_to_e4m3(float x) {
    const std::uint32_t bits = float_bits(x);
    const std::uint8_t sign = static_cast<std::uint8_t>((bits >> 24) & 0x80u);
    std::uint32_t a = bits & 0x7fffffffu;
    if (a >= 0x43f00000u) return static_cast<std::uint8_t>(sign | 0x7fu);  // >= 480, inf, NaN
    std::uint8_t r;
    if (a < (121u << 23)) {  // below 2^-6: subnormal; adding 2^14 rounds to a multiple of 2^-9
        const float t = add_rn(bits_float(a), 16384.0f);
        r = static_cast<std::uint8_t>(float_bits(t) - (141u << 23));
    } else {
        const std::uint32_t odd = (a >> 20) & 1u;
        a += ((7u - 127u) << 23) + 0x7ffffu;  // rebias (wraps, as in c10) and round half up ...
        a += odd;                              // ... or to even on a tie
        r = static_cast<std::uint8_t>(a >> 20);
    }
    return static_cast<std::uint8_t>(r | sign);
}

// weight_scale_2 for a tensor (or a fused group) whose largest |w| is amax.
MOECUT_NVFP4_HD float global_scale_for_amax(float amax) { return div_rn(amax, kE2M1Max * kE4M3Max); }

// Quantises one block of 16 floats: writes 8 packed bytes and returns the
// block's E4M3 scale byte.
MOECUT_NVFP4_HD std::uint8_t quantize_block(const float* w, float global_scale, std::uint8_t* packed) {
    float amax = 0.0f;
    for (int i = 0; i < kBlock; ++i) {
        const float a = abs_f(w[i]);
        amax = a > amax ? a : amax;
    }
    float s = div_rn(amax, mul_rn(kE2M1Max, global_scale));
    if (s == 0.0f || amax == 0.0f) s = 1.0f;  // ModelOpt: scale 0 -> 1 (amax == 0 also covers g == 0)
    const std::uint8_t sf = float_to_e4m3(s);
    const float denom = mul_rn(e4m3_to_float(sf), global_scale);
    const bool usable = denom > 0.0f && denom <= 3.402823466e38f;
    std::uint8_t c[kBlock];
    for (int i = 0; i < kBlock; ++i) c[i] = float_to_e2m1(div_rn(w[i], usable ? denom : 1.0f));  // separate loops vectorise
    for (int k = 0; k < kBlock / 2; ++k)
        packed[k] = usable ? static_cast<std::uint8_t>(c[2 * k] | (c[2 * k + 1] << 4)) : std::uint8_t{0};
    return sf;
}

// The 16 values of one block.
MOECUT_NVFP4_HD void dequantize_block(const std::uint8_t* packed, std::uint8_t scale, float global_scale, float* out) {
    const float s = mul_rn(e4m3_to_float(scale), global_scale);
    for (int k = 0; k < kBlock / 2; ++k) {
        out[2 * k] = mul_rn(e2m1_to_float(packed[k] & 0xfu), s);
        out[2 * k + 1] = mul_rn(e2m1_to_float(packed[k] >> 4), s);
    }
}

} // namespace moecut::nvfp4

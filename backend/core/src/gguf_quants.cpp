// Float to ggml type conversions (moecut/gguf_quants.h). Ports of ggml's
// reference code; the comments name the function each one follows.
#include "moecut/gguf_quants.h"

#include "gguf_kquants.h"

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace moecut {
namespace {

std::uint32_t bits(float f) { return std::bit_cast<std::uint32_t>(f); }
float from_bits(std::uint32_t u) { return std::bit_cast<float>(u); }

void store16(std::byte* p, std::uint16_t v) { std::memcpy(p, &v, 2); }
std::uint16_t load16(const std::byte* p) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

// quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d), d stored as fp16.
void q8_0(const float* x, std::int64_t n, std::byte* y) {
    for (std::int64_t i = 0; i < n / 32; ++i, x += 32, y += 34) {
        float amax = 0.0f;
        for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        store16(y, ggml_fp32_to_fp16(d));
        for (int j = 0; j < 32; ++j) {
            const auto q = static_cast<std::int8_t>(std::roundf(x[j] * id));
            y[2 + j] = static_cast<std::byte>(q);
        }
    }
}

// quantize_row_q4_0_ref: d = (signed value of largest |x|, first wins) / -8,
// q = min(15, (int8)(x/d + 8.5)); element j low nibble, j+16 high nibble.
void q4_0(const float* x, std::int64_t n, std::byte* y) {
    for (std::int64_t i = 0; i < n / 32; ++i, x += 32, y += 18) {
        float amax = 0.0f, max = 0.0f;
        for (int j = 0; j < 32; ++j)
            if (amax < std::fabs(x[j])) {
                amax = std::fabs(x[j]);
                max = x[j];
            }
        const float d = max / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        store16(y, ggml_fp32_to_fp16(d));
        for (int j = 0; j < 16; ++j) {
            const int q0 = std::min(15, static_cast<int>(static_cast<std::int8_t>(static_cast<int>(x[j] * id + 8.5f))));
            const int q1 = std::min(15, static_cast<int>(static_cast<std::int8_t>(static_cast<int>(x[16 + j] * id + 8.5f))));
            y[2 + j] = static_cast<std::byte>(q0 | (q1 << 4));
        }
    }
}

} // namespace

// ggml_compute_fp32_to_fp16 (ggml-impl.h), bit for bit.
std::uint16_t ggml_fp32_to_fp16(float f) {
    const float scale_to_inf = 0x1.0p+112f;
    const float scale_to_zero = 0x1.0p-110f;
    float base = (std::fabs(f) * scale_to_inf) * scale_to_zero;
    const std::uint32_t w = bits(f);
    const std::uint32_t shl1_w = w + w;
    const std::uint32_t sign = w & 0x80000000u;
    std::uint32_t bias = shl1_w & 0xFF000000u;
    if (bias < 0x71000000u) bias = 0x71000000u;
    base = from_bits((bias >> 1) + 0x07800000u) + base;
    const std::uint32_t b = bits(base);
    const std::uint32_t exp_bits = (b >> 13) & 0x00007C00u;
    const std::uint32_t mantissa_bits = b & 0x00000FFFu;
    const std::uint32_t nonsign = exp_bits + mantissa_bits;
    return static_cast<std::uint16_t>((sign >> 16) | (shl1_w > 0xFF000000u ? 0x7E00u : nonsign));
}

// ggml_compute_fp16_to_fp32 (exact).
float ggml_fp16_to_fp32(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ffu;
    if (exp == 0) {
        if (man == 0) return from_bits(sign);
        const float v = std::ldexp(static_cast<float>(man), -24);
        return sign ? -v : v;
    }
    if (exp == 31) return from_bits(sign | 0x7F800000u | (man << 13));
    return from_bits(sign | ((exp + 112) << 23) | (man << 13));
}

// ggml_compute_fp32_to_bf16.
std::uint16_t ggml_fp32_to_bf16(float f) {
    const std::uint32_t u = bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 64);
    return static_cast<std::uint16_t>((u + (0x7fffu + ((u >> 16) & 1u))) >> 16);
}

bool ggml_can_quantize(GgmlType type) {
    switch (type) {
    case GgmlType::F32: case GgmlType::F16: case GgmlType::BF16: case GgmlType::Q8_0: case GgmlType::Q4_0:
    case GgmlType::Q2_K: case GgmlType::Q3_K: case GgmlType::Q4_K: case GgmlType::Q5_K: case GgmlType::Q6_K: return true;
    default: return false;
    }
}

void quantize_row(GgmlType type, const float* x, std::int64_t n, std::byte* out) {
    const GgmlTypeTraits& tr = ggml_type_traits(type);
    if (n % tr.block_size != 0)
        throw std::invalid_argument(fmt::format("{}: {} values is not a multiple of the block size {}", tr.name, n, tr.block_size));
    switch (type) {
    case GgmlType::F32: std::memcpy(out, x, static_cast<std::size_t>(n) * 4); return;
    case GgmlType::F16: for (std::int64_t i = 0; i < n; ++i) store16(out + 2 * i, ggml_fp32_to_fp16(x[i])); return;
    case GgmlType::BF16: for (std::int64_t i = 0; i < n; ++i) store16(out + 2 * i, ggml_fp32_to_bf16(x[i])); return;
    case GgmlType::Q8_0: q8_0(x, n, out); return;
    case GgmlType::Q4_0: q4_0(x, n, out); return;
    case GgmlType::Q2_K: kquants::q2_k(x, out, n); return;
    case GgmlType::Q3_K: kquants::q3_k(x, out, n); return;
    case GgmlType::Q4_K: kquants::q4_k(x, out, n); return;
    case GgmlType::Q5_K: kquants::q5_k(x, out, n); return;
    case GgmlType::Q6_K: kquants::q6_k(x, out, n); return;
    default: throw std::invalid_argument(fmt::format("quantizing to {} is not implemented", tr.name));
    }
}

void quantize_rows(GgmlType type, const float* x, std::int64_t nrows, std::int64_t n_per_row, const float* quant_weights,
                   std::byte* out) {
    const GgmlTypeTraits& tr = ggml_type_traits(type);
    if (n_per_row % tr.block_size != 0)
        throw std::invalid_argument(fmt::format("{}: row of {} values is not a multiple of the block size {}", tr.name, n_per_row,
                                                tr.block_size));
    void (*weighted)(const float*, std::byte*, std::int64_t, const float*) = nullptr;
    switch (type) {
    case GgmlType::Q4_0: weighted = kquants::q4_0_w; break;
    case GgmlType::Q2_K: weighted = kquants::q2_k_w; break;
    case GgmlType::Q3_K: weighted = kquants::q3_k_w; break;
    case GgmlType::Q4_K: weighted = kquants::q4_k_w; break;
    case GgmlType::Q5_K: weighted = kquants::q5_k_w; break;
    case GgmlType::Q6_K: weighted = kquants::q6_k_w; break;
    default: break;
    }
    if (!quant_weights || !weighted) {
        quantize_row(type, x, nrows * n_per_row, out);
        return;
    }
    const std::size_t row_bytes = static_cast<std::size_t>(n_per_row / tr.block_size) * static_cast<std::size_t>(tr.type_size);
    for (std::int64_t r = 0; r < nrows; ++r) weighted(x + r * n_per_row, out + static_cast<std::size_t>(r) * row_bytes, n_per_row, quant_weights);
}

void dequantize_row(GgmlType type, const std::byte* in, std::int64_t n, float* out) {
    const GgmlTypeTraits& tr = ggml_type_traits(type);
    if (n % tr.block_size != 0)
        throw std::invalid_argument(fmt::format("{}: {} values is not a multiple of the block size {}", tr.name, n, tr.block_size));
    switch (type) {
    case GgmlType::F32: std::memcpy(out, in, static_cast<std::size_t>(n) * 4); return;
    case GgmlType::F16: for (std::int64_t i = 0; i < n; ++i) out[i] = ggml_fp16_to_fp32(load16(in + 2 * i)); return;
    case GgmlType::BF16:
        for (std::int64_t i = 0; i < n; ++i) out[i] = from_bits(static_cast<std::uint32_t>(load16(in + 2 * i)) << 16);
        return;
    case GgmlType::Q8_0:
        for (std::int64_t b = 0; b < n / 32; ++b) {
            const float d = ggml_fp16_to_fp32(load16(in + 34 * b));
            for (int j = 0; j < 32; ++j) out[32 * b + j] = d * static_cast<float>(static_cast<std::int8_t>(in[34 * b + 2 + j]));
        }
        return;
    case GgmlType::Q4_0:
        for (std::int64_t b = 0; b < n / 32; ++b) {
            const float d = ggml_fp16_to_fp32(load16(in + 18 * b));
            for (int j = 0; j < 16; ++j) {
                const auto q = static_cast<unsigned>(in[18 * b + 2 + j]);
                out[32 * b + j] = d * static_cast<float>(static_cast<int>(q & 15u) - 8);
                out[32 * b + 16 + j] = d * static_cast<float>(static_cast<int>(q >> 4) - 8);
            }
        }
        return;
    default: throw std::invalid_argument(fmt::format("dequantizing {} is not implemented", tr.name));
    }
}

} // namespace moecut

// One ggml quant block at a time, host and device: the algorithms of ggml's
// quantize_row_{q8_0,q4_0,q2_K..q6_K}_ref (ggml-quants.c, llama.cpp 2026-10;
// no importance matrix) with the same float operations in the same order, so
// the CPU twin and the CUDA kernel produce the same bytes as each other and as
// moecut_core's quantize_row (tests/kernels/test_gguf_quantize_kernel.cpp).
// Private to moecut_kernels. Rules that keep the GPU bit-exact: the .cu is
// built with -fmad=false (no a*b+c contraction), IEEE division and sqrt (nvcc's
// defaults), no fast-math, and rounding only through nearest_int (the 1.5*2^23
// trick, ties to even) and roundf (ties away), as ggml does.
#pragma once

#include <cstdint>
#include <cstring>
#include <math.h>

#if defined(__CUDACC__)
#define MOECUT_GQ_HD __host__ __device__ inline
#else
#define MOECUT_GQ_HD inline
#endif

namespace moecut::kernels::gguf_ref {

constexpr int QK = 256;
constexpr float kGroupMaxEps = 1e-15f;

MOECUT_GQ_HD int imax(int a, int b) { return a < b ? b : a; }
MOECUT_GQ_HD int imin(int a, int b) { return b < a ? b : a; }

MOECUT_GQ_HD std::uint32_t fbits(float f) {
    std::uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}
MOECUT_GQ_HD float from_fbits(std::uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

// ggml's nearest_int: round half to even by adding 1.5 * 2^23. A NaN (from
// inf * 0 when a group's range is subnormal) is x86's default NaN 0xFFC00000
// on the CPU, giving 0; CUDA's canonical NaN 0x7FFFFFFF would give 0x3FFFFF,
// so the device returns the CPU's answer. (NaN inputs are not covered: the CPU
// would keep their payloads.)
MOECUT_GQ_HD int nearest_int(float f) {
    const float v = f + 12582912.f;
#if defined(__CUDA_ARCH__)
    if (v != v) return 0;
#endif
    return static_cast<int>(fbits(v) & 0x007fffffu) - 0x00400000;
}

// Float to int as x86's cvttss2si, which host compilers emit for float -> int
// and float -> int8: NaN and out-of-range give INT_MIN (CUDA would saturate).
// Reached when a subnormal block scale makes its inverse infinite.
MOECUT_GQ_HD int cvtt_i32(float f) {
    if (!(f >= -2147483648.0f && f < 2147483648.0f)) return static_cast<int>(0x80000000u);
    return static_cast<int>(f);
}

// ggml_compute_fp32_to_fp16, bit for bit.
MOECUT_GQ_HD std::uint16_t fp32_to_fp16(float f) {
    const float scale_to_inf = 0x1.0p+112f;
    const float scale_to_zero = 0x1.0p-110f;
    float base = (fabsf(f) * scale_to_inf) * scale_to_zero;
    const std::uint32_t w = fbits(f);
    const std::uint32_t shl1_w = w + w;
    const std::uint32_t sign = w & 0x80000000u;
    std::uint32_t bias = shl1_w & 0xFF000000u;
    if (bias < 0x71000000u) bias = 0x71000000u;
    base = from_fbits((bias >> 1) + 0x07800000u) + base;
    const std::uint32_t b = fbits(base);
    const std::uint32_t exp_bits = (b >> 13) & 0x00007C00u;
    const std::uint32_t mantissa_bits = b & 0x00000FFFu;
    const std::uint32_t nonsign = exp_bits + mantissa_bits;
    return static_cast<std::uint16_t>((sign >> 16) | (shl1_w > 0xFF000000u ? 0x7E00u : nonsign));
}

// ggml_compute_fp16_to_fp32 (exact).
MOECUT_GQ_HD float fp16_to_fp32(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
    if (exp == 0) {
        const float v = static_cast<float>(man) * 0x1.0p-24f;  // exact
        return from_fbits(sign | fbits(v));
    }
    if (exp == 31) return from_fbits(sign | 0x7F800000u | (man << 13));
    return from_fbits(sign | ((exp + 112) << 23) | (man << 13));
}

MOECUT_GQ_HD void put_half(std::uint8_t* p, float f) {
    const std::uint16_t h = fp32_to_fp16(f);
    p[0] = static_cast<std::uint8_t>(h & 0xff);
    p[1] = static_cast<std::uint8_t>(h >> 8);
}
MOECUT_GQ_HD float get_half(const std::uint8_t* p) {
    return fp16_to_fp32(static_cast<std::uint16_t>(p[0] | (p[1] << 8)));
}

// quantize_row_q8_0_ref, one block of 32 -> 34 bytes.
MOECUT_GQ_HD void q8_0_block(const float* x, std::uint8_t* y) {
    float amax = 0.0f;
    for (int j = 0; j < 32; ++j) {
        const float a = fabsf(x[j]);
        amax = amax < a ? a : amax;  // std::max(amax, a)
    }
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    put_half(y, d);
    for (int j = 0; j < 32; ++j) y[2 + j] = static_cast<std::uint8_t>(cvtt_i32(roundf(x[j] * id)));
}

// quantize_row_q4_0_ref, one block of 32 -> 18 bytes.
MOECUT_GQ_HD void q4_0_block(const float* x, std::uint8_t* y) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < 32; ++j)
        if (amax < fabsf(x[j])) {
            amax = fabsf(x[j]);
            max = x[j];
        }
    const float d = max / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    put_half(y, d);
    for (int j = 0; j < 16; ++j) {
        const int q0 = imin(15, static_cast<int>(static_cast<std::int8_t>(cvtt_i32(x[j] * id + 8.5f))));
        const int q1 = imin(15, static_cast<int>(static_cast<std::int8_t>(cvtt_i32(x[16 + j] * id + 8.5f))));
        y[2 + j] = static_cast<std::uint8_t>(q0 | (q1 << 4));
    }
}

// make_qx_quants, rmse_type 1, no importance weights (Q6_K).
MOECUT_GQ_HD float make_qx_quants(int n, int nmax, const float* x, std::int8_t* L) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = fabsf(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < kGroupMaxEps) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.f;
    }
    float iscale = -nmax / max;
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = nearest_int(iscale * x[i]);
        l = imax(-nmax, imin(nmax - 1, l));
        L[i] = static_cast<std::int8_t>(l + nmax);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    float scale = suml2 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int is = -9; is <= 9; ++is) {
        if (is == 0) continue;
        iscale = -(nmax + 0.1f * is) / max;
        sumlx = suml2 = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearest_int(iscale * x[i]);
            l = imax(-nmax, imin(nmax - 1, l));
            const float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; ++i) {
                const int l = nearest_int(iscale * x[i]);
                L[i] = static_cast<std::int8_t>(nmax + imax(-nmax, imin(nmax - 1, l)));
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

// make_q3_quants with do_rmse (Q3_K).
MOECUT_GQ_HD float make_q3_quants(int n, int nmax, const float* x, std::int8_t* L) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = fabsf(x[i]);
        if (ax > amax) { amax = ax; max = x[i]; }
    }
    if (amax < kGroupMaxEps) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.f;
    }
    const float iscale = -nmax / max;
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = nearest_int(iscale * x[i]);
        l = imax(-nmax, imin(nmax - 1, l));
        L[i] = static_cast<std::int8_t>(l);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    for (int itry = 0; itry < 5; ++itry) {
        int n_changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            float slx = sumlx - w * x[i] * L[i];
            if (slx > 0) {
                float sl2 = suml2 - w * L[i] * L[i];
                int new_l = nearest_int(x[i] * sl2 / slx);
                new_l = imax(-nmax, imin(nmax - 1, new_l));
                if (new_l != L[i]) {
                    slx += w * x[i] * new_l;
                    sl2 += w * new_l * new_l;
                    if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                        L[i] = static_cast<std::int8_t>(new_l);
                        sumlx = slx;
                        suml2 = sl2;
                        ++n_changed;
                    }
                }
            }
        }
        if (!n_changed) break;
    }
    for (int i = 0; i < n; ++i) L[i] = static_cast<std::int8_t>(L[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

// make_qkx2_quants (Q2_K, Q4_K, Q5_K).
MOECUT_GQ_HD float make_qkx2_quants(int n, int nmax, const float* x, const float* weights, std::uint8_t* L, float* the_min,
                                    std::uint8_t* Laux, float rmin, float rdelta, int nstep, bool use_mad) {
    float min = x[0], max = x[0];
    float sum_w = weights[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        const float w = weights[i];
        sum_w += w;
        sum_x += w * x[i];
    }
    if (min > 0) min = 0;
    if (max == min) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        *the_min = -min;
        return 0.f;
    }
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    float best_error = 0;
    for (int i = 0; i < n; ++i) {
        const int l = nearest_int(iscale * (x[i] - min));
        L[i] = static_cast<std::uint8_t>(imax(0, imin(nmax, l)));
        float diff = scale * L[i] + min - x[i];
        diff = use_mad ? fabsf(diff) : diff * diff;
        best_error += weights[i] * diff;
    }
    if (nstep < 1) {
        *the_min = -min;
        return scale;
    }
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearest_int(iscale * (x[i] - min));
            l = imax(0, imin(nmax, l));
            Laux[i] = static_cast<std::uint8_t>(l);
            const float w = weights[i];
            sum_l += w * l;
            sum_l2 += w * l * l;
            sum_xl += w * l * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float cur_error = 0;
            for (int i = 0; i < n; ++i) {
                float diff = this_scale * Laux[i] + this_min - x[i];
                diff = use_mad ? fabsf(diff) : diff * diff;
                cur_error += weights[i] * diff;
            }
            if (cur_error < best_error) {
                for (int i = 0; i < n; ++i) L[i] = Laux[i];
                best_error = cur_error;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *the_min = -min;
    return scale;
}

MOECUT_GQ_HD void get_scale_min_k4(int j, const std::uint8_t* q, std::uint8_t* d, std::uint8_t* m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = static_cast<std::uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = static_cast<std::uint8_t>((q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4));
    }
}

// Q4_K (144 bytes: d, dmin, scales[12], qs[128]) and Q5_K (176 bytes: d, dmin,
// scales[12], qh[32], qs[128]) of one 256-value block.
MOECUT_GQ_HD void q45_k_block(const float* x, std::uint8_t* y, bool five) {
    const int nmax = five ? 31 : 15;
    std::uint8_t L[QK], Laux[32];
    float weights[32], mins[QK / 32], scales[QK / 32];
    std::uint8_t* sc_bytes = y + 4;
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < QK / 32; ++j) {
        float sum_x2 = 0;
        for (int l = 0; l < 32; ++l) sum_x2 += x[32 * j + l] * x[32 * j + l];
        const float av_x = sqrtf(sum_x2 / 32);
        for (int l = 0; l < 32; ++l) weights[l] = av_x + fabsf(x[32 * j + l]);
        scales[j] = five ? make_qkx2_quants(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, -0.5f, 0.1f, 15, false)
                         : make_qkx2_quants(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, -1.f, 0.1f, 20, false);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    for (int j = 0; j < QK / 32; ++j) {
        auto ls = static_cast<std::uint8_t>(nearest_int(inv_scale * scales[j]));
        auto lm = static_cast<std::uint8_t>(nearest_int(inv_min * mins[j]));
        ls = ls < 63 ? ls : 63;
        lm = lm < 63 ? lm : 63;
        if (j < 4) {
            sc_bytes[j] = ls;
            sc_bytes[j + 4] = lm;
        } else {
            sc_bytes[j + 4] = static_cast<std::uint8_t>((ls & 0xF) | ((lm & 0xF) << 4));
            sc_bytes[j - 4] |= static_cast<std::uint8_t>((ls >> 4) << 6);
            sc_bytes[j - 0] |= static_cast<std::uint8_t>((lm >> 4) << 6);
        }
    }
    put_half(y, max_scale / 63.f);
    put_half(y + 2, max_min / 63.f);
    const float d_all = get_half(y), dmin_all = get_half(y + 2);
    for (int j = 0; j < QK / 32; ++j) {
        std::uint8_t sc, m;
        get_scale_min_k4(j, sc_bytes, &sc, &m);
        const float d = d_all * sc;
        if (!d) continue;
        const float dm = dmin_all * m;
        for (int ii = 0; ii < 32; ++ii) {
            const int l = nearest_int((x[32 * j + ii] + dm) / d);
            L[32 * j + ii] = static_cast<std::uint8_t>(imax(0, imin(nmax, l)));
        }
    }
    if (!five) {
        std::uint8_t* q = y + 16;
        for (int j = 0; j < QK; j += 64, q += 32)
            for (int l = 0; l < 32; ++l) q[l] = static_cast<std::uint8_t>(L[j + l] | (L[j + l + 32] << 4));
    } else {
        std::uint8_t* qh = y + 16;
        std::uint8_t* ql = y + 48;
        for (int j = 0; j < QK / 8; ++j) qh[j] = 0;
        std::uint8_t m1 = 1, m2 = 2;
        for (int n = 0; n < QK; n += 64) {
            for (int j = 0; j < 32; ++j) {
                int l1 = L[n + j];
                if (l1 > 15) { l1 -= 16; qh[j] |= m1; }
                int l2 = L[n + j + 32];
                if (l2 > 15) { l2 -= 16; qh[j] |= m2; }
                ql[j] = static_cast<std::uint8_t>(l1 | (l2 << 4));
            }
            m1 = static_cast<std::uint8_t>(m1 << 2);
            m2 = static_cast<std::uint8_t>(m2 << 2);
            ql += 32;
        }
    }
}

// Q2_K, 84 bytes: scales[16], qs[64], d, dmin.
MOECUT_GQ_HD void q2_k_block(const float* x, std::uint8_t* y) {
    std::uint8_t L[QK], Laux[16];
    float weights[16], mins[QK / 16], scales[QK / 16];
    const float q4scale = 15.f;
    std::uint8_t* sc = y;
    std::uint8_t* qs = y + 16;
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < QK / 16; ++j) {
        for (int l = 0; l < 16; ++l) weights[l] = fabsf(x[16 * j + l]);
        scales[j] = make_qkx2_quants(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], Laux, -0.5f, 0.1f, 15, true);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    if (max_scale > 0) {
        const float iscale = q4scale / max_scale;
        for (int j = 0; j < QK / 16; ++j) sc[j] = static_cast<std::uint8_t>(nearest_int(iscale * scales[j]));
        put_half(y + 80, max_scale / q4scale);
    } else {
        for (int j = 0; j < QK / 16; ++j) sc[j] = 0;
        put_half(y + 80, 0.f);
    }
    if (max_min > 0) {
        const float iscale = q4scale / max_min;
        for (int j = 0; j < QK / 16; ++j) sc[j] |= static_cast<std::uint8_t>(nearest_int(iscale * mins[j]) << 4);
        put_half(y + 82, max_min / q4scale);
    } else {
        put_half(y + 82, 0.f);
    }
    for (int j = 0; j < QK / 16; ++j) {
        const float d = get_half(y + 80) * (sc[j] & 0xF);
        if (!d) continue;
        const float dm = get_half(y + 82) * (sc[j] >> 4);
        for (int ii = 0; ii < 16; ++ii) {
            const int l = nearest_int((x[16 * j + ii] + dm) / d);
            L[16 * j + ii] = static_cast<std::uint8_t>(imax(0, imin(3, l)));
        }
    }
    for (int j = 0; j < QK; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] = static_cast<std::uint8_t>(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
}

// Q3_K, 110 bytes: hmask[32], qs[64], scales[12], d.
MOECUT_GQ_HD void q3_k_block(const float* x, std::uint8_t* y) {
    std::int8_t L[QK];
    float scales[QK / 16];
    std::uint8_t* hmask = y;
    std::uint8_t* qs = y + 32;
    std::uint8_t* sc = y + 96;
    float max_scale = 0, amax = 0;
    for (int j = 0; j < QK / 16; ++j) {
        scales[j] = make_q3_quants(16, 4, x + 16 * j, L + 16 * j);
        const float scale = fabsf(scales[j]);
        if (scale > amax) { amax = scale; max_scale = scales[j]; }
    }
    for (int j = 0; j < 12; ++j) sc[j] = 0;
    if (max_scale) {
        const float iscale = -32.f / max_scale;
        for (int j = 0; j < QK / 16; ++j) {
            auto l = static_cast<std::int8_t>(nearest_int(iscale * scales[j]));
            l = static_cast<std::int8_t>(imax(-32, imin(31, l)) + 32);
            if (j < 8) sc[j] = static_cast<std::uint8_t>(l & 0xF);
            else sc[j - 8] |= static_cast<std::uint8_t>((l & 0xF) << 4);
            l = static_cast<std::int8_t>(l >> 4);
            sc[j % 4 + 8] |= static_cast<std::uint8_t>(l << (2 * (j / 4)));
        }
        put_half(y + 108, 1 / iscale);
    } else {
        put_half(y + 108, 0.f);
    }
    const float d_all = get_half(y + 108);
    for (int j = 0; j < QK / 16; ++j) {
        int s = j < 8 ? sc[j] & 0xF : sc[j - 8] >> 4;
        s = (s | (((sc[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32;
        const float d = d_all * static_cast<std::int8_t>(s);
        if (!d) continue;
        for (int ii = 0; ii < 16; ++ii) {
            int l = nearest_int(x[16 * j + ii] / d);
            l = imax(-4, imin(3, l));
            L[16 * j + ii] = static_cast<std::int8_t>(l + 4);
        }
    }
    for (int j = 0; j < QK / 8; ++j) hmask[j] = 0;
    int m = 0;
    std::uint8_t hm = 1;
    for (int j = 0; j < QK; ++j) {
        if (L[j] > 3) {
            hmask[m] |= hm;
            L[j] = static_cast<std::int8_t>(L[j] - 4);
        }
        if (++m == QK / 8) {
            m = 0;
            hm = static_cast<std::uint8_t>(hm << 1);
        }
    }
    for (int j = 0; j < QK; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] = static_cast<std::uint8_t>(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
}

// Q6_K, 210 bytes: ql[128], qh[64], scales[16] (int8), d.
MOECUT_GQ_HD void q6_k_block(const float* x, std::uint8_t* y) {
    std::int8_t L[QK];
    float scales[QK / 16];
    float max_scale = 0, max_abs_scale = 0;
    for (int ib = 0; ib < QK / 16; ++ib) {
        const float scale = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib);
        scales[ib] = scale;
        const float abs_scale = fabsf(scale);
        if (abs_scale > max_abs_scale) { max_abs_scale = abs_scale; max_scale = scale; }
    }
    if (max_abs_scale < kGroupMaxEps) {
        for (int j = 0; j < 210; ++j) y[j] = 0;
        put_half(y + 208, 0.f);
        return;
    }
    auto* sc = reinterpret_cast<std::int8_t*>(y + 192);
    const float iscale = -128.f / max_scale;
    put_half(y + 208, 1 / iscale);
    for (int ib = 0; ib < QK / 16; ++ib) sc[ib] = static_cast<std::int8_t>(imin(127, nearest_int(iscale * scales[ib])));
    const float d_all = get_half(y + 208);
    for (int j = 0; j < QK / 16; ++j) {
        const float d = d_all * sc[j];
        if (!d) continue;
        for (int ii = 0; ii < 16; ++ii) {
            int l = nearest_int(x[16 * j + ii] / d);
            l = imax(-32, imin(31, l));
            L[16 * j + ii] = static_cast<std::int8_t>(l + 32);
        }
    }
    std::uint8_t* ql = y;
    std::uint8_t* qh = y + 128;
    for (int j = 0; j < QK; j += 128, ql += 64, qh += 32) {
        for (int l = 0; l < 32; ++l) {
            const auto q1 = static_cast<std::uint8_t>(L[j + l + 0] & 0xF);
            const auto q2 = static_cast<std::uint8_t>(L[j + l + 32] & 0xF);
            const auto q3 = static_cast<std::uint8_t>(L[j + l + 64] & 0xF);
            const auto q4 = static_cast<std::uint8_t>(L[j + l + 96] & 0xF);
            ql[l + 0] = static_cast<std::uint8_t>(q1 | (q3 << 4));
            ql[l + 32] = static_cast<std::uint8_t>(q2 | (q4 << 4));
            qh[l] = static_cast<std::uint8_t>((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) |
                                              ((L[j + l + 96] >> 4) << 6));
        }
    }
}

// ggml type ids (GgufQuantType's values).
MOECUT_GQ_HD void quantize_block(int type, const float* x, std::uint8_t* y) {
    switch (type) {
    case 8: q8_0_block(x, y); return;
    case 2: q4_0_block(x, y); return;
    case 10: q2_k_block(x, y); return;
    case 11: q3_k_block(x, y); return;
    case 12: q45_k_block(x, y, false); return;
    case 13: q45_k_block(x, y, true); return;
    case 14: q6_k_block(x, y); return;
    default: return;
    }
}

} // namespace moecut::kernels::gguf_ref

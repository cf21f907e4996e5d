// Quantizers with importance weights: ggml's quantize_row_q{2..6}_K_impl and
// quantize_row_q4_0_impl (ggml-quants.c, llama.cpp 2026-10), the functions
// quantize_q*_K / quantize_q4_0 call per row when llama-quantize passes an
// importance matrix (ggml_quantize_chunk with imatrix != NULL). Same float
// operations in the same order as ggml, so the bytes match; the fixture test
// compares them with libggml-base's quantize_q*_K output.
#include "gguf_kquants.h"

#include "moecut/gguf_quants.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace moecut::kquants {
namespace {

constexpr int QK = 256;
constexpr float kGroupMaxEps = 1e-15f;

inline int nearest_int(float f) {
    const float v = f + 12582912.f;
    int i;
    std::memcpy(&i, &v, sizeof i);
    return (i & 0x007fffff) - 0x00400000;
}
inline void put_half(std::byte* p, float f) {
    const std::uint16_t h = ggml_fp32_to_fp16(f);
    std::memcpy(p, &h, 2);
}
inline float get_half(const std::byte* p) {
    std::uint16_t h;
    std::memcpy(&h, p, 2);
    return ggml_fp16_to_fp32(h);
}

// make_qx_quants with rmse_type 1 and weights qw (never null here).
float make_qx_quants_w(int n, int nmax, const float* x, std::int8_t* L, const float* qw) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
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
        l = std::max(-nmax, std::min(nmax - 1, l));
        L[i] = static_cast<std::int8_t>(l + nmax);
        const float w = qw[i];
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
            l = std::max(-nmax, std::min(nmax - 1, l));
            const float w = qw[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; ++i) {
                const int l = nearest_int(iscale * x[i]);
                L[i] = static_cast<std::int8_t>(nmax + std::max(-nmax, std::min(nmax - 1, l)));
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

// make_qkx3_quants with weights (never null here).
float make_qkx3_quants(int n, int nmax, const float* x, const float* weights, std::uint8_t* L, float* the_min,
                       std::uint8_t* Laux, float rmin, float rdelta, int nstep) {
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
    if (max <= min) {
        std::memset(L, 0, static_cast<std::size_t>(n));
        *the_min = -min;
        return 0.f;
    }
    float iscale = nmax / (max - min);
    float scale = 1 / iscale;
    float best_mad = 0;
    for (int i = 0; i < n; ++i) {
        const int l = nearest_int(iscale * (x[i] - min));
        L[i] = static_cast<std::uint8_t>(std::max(0, std::min(nmax, l)));
        float diff = scale * L[i] + min - x[i];
        diff = diff * diff;
        best_mad += weights[i] * diff;
    }
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * is + nmax) / (max - min);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearest_int(iscale * (x[i] - min));
            l = std::max(0, std::min(nmax, l));
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
            float mad = 0;
            for (int i = 0; i < n; ++i) {
                float diff = this_scale * Laux[i] + this_min - x[i];
                diff = diff * diff;
                mad += weights[i] * diff;
            }
            if (mad < best_mad) {
                for (int i = 0; i < n; ++i) L[i] = Laux[i];
                best_mad = mad;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *the_min = -min;
    return scale;
}

// make_qp_quants: non-negative values (sub-block scales or mins) on 0..nmax.
float make_qp_quants(int n, int nmax, const float* x, std::uint8_t* L, const float* quant_weights) {
    float max = 0;
    for (int i = 0; i < n; ++i) max = std::max(max, x[i]);
    if (max < kGroupMaxEps) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        return 0.f;
    }
    float iscale = nmax / max;
    for (int i = 0; i < n; ++i) L[i] = static_cast<std::uint8_t>(nearest_int(iscale * x[i]));
    const float scale = 1 / iscale;
    float best_mse = 0;
    for (int i = 0; i < n; ++i) {
        const float diff = x[i] - scale * L[i];
        const float w = quant_weights[i];
        best_mse += w * diff * diff;
    }
    for (int is = -4; is <= 4; ++is) {
        if (is == 0) continue;
        const float iscale_is = (0.1f * is + nmax) / max;
        const float scale_is = 1 / iscale_is;
        float mse = 0;
        for (int i = 0; i < n; ++i) {
            int l = nearest_int(iscale_is * x[i]);
            l = std::min(nmax, l);
            const float diff = x[i] - scale_is * l;
            const float w = quant_weights[i];
            mse += w * diff * diff;
        }
        if (mse < best_mse) {
            best_mse = mse;
            iscale = iscale_is;
        }
    }
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        int l = nearest_int(iscale * x[i]);
        l = std::min(nmax, l);
        L[i] = static_cast<std::uint8_t>(l);
        const float w = quant_weights[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    for (int itry = 0; itry < 5; ++itry) {
        int n_changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = quant_weights[i];
            float slx = sumlx - w * x[i] * L[i];
            float sl2 = suml2 - w * L[i] * L[i];
            if (slx > 0 && sl2 > 0) {
                int new_l = nearest_int(x[i] * sl2 / slx);
                new_l = std::min(nmax, new_l);
                if (new_l != L[i]) {
                    slx += w * x[i] * new_l;
                    sl2 += w * new_l * new_l;
                    if (slx * slx * suml2 > sumlx * sumlx * sl2) {
                        L[i] = static_cast<std::uint8_t>(new_l);
                        sumlx = slx;
                        suml2 = sl2;
                        ++n_changed;
                    }
                }
            }
        }
        if (!n_changed) break;
    }
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

void get_scale_min_k4(int j, const std::uint8_t* q, std::uint8_t* d, std::uint8_t* m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = static_cast<std::uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = static_cast<std::uint8_t>((q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4));
    }
}

void pack2(const std::uint8_t* L, std::uint8_t* qs) {
    for (int j = 0; j < QK; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] = static_cast<std::uint8_t>(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
}

// quantize_row_q4_K_impl / quantize_row_q5_K_impl (with weights). Block: d, dmin, scales[12], (Q5_K: qh[32]) qs.
void q45_k_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights, bool five) {
    const int nmax = five ? 31 : 15;
    const std::size_t block = five ? 176 : 144;
    std::uint8_t L[QK], Laux[32], Ls[QK / 32], Lm[QK / 32];
    float weights[32], sw[QK / 32], mins[QK / 32], scales[QK / 32];
    for (std::int64_t i = 0; i < n_per_row / QK; ++i, x += QK, y += block) {
        float sum_x2 = 0;
        for (int l = 0; l < QK; ++l) sum_x2 += x[l] * x[l];
        const float sigma2 = 2 * sum_x2 / QK;
        for (int j = 0; j < QK / 32; ++j) {
            const float* qw = quant_weights + QK * i + 32 * j;
            for (int l = 0; l < 32; ++l) weights[l] = qw[l] * std::sqrt(sigma2 + x[32 * j + l] * x[32 * j + l]);
            float sumw = 0;
            for (int l = 0; l < 32; ++l) sumw += weights[l];
            sw[j] = sumw;
            scales[j] = make_qkx3_quants(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, -0.9f, 0.05f, 36);
        }
        const float d_block = make_qp_quants(QK / 32, 63, scales, Ls, sw);
        const float m_block = make_qp_quants(QK / 32, 63, mins, Lm, sw);
        auto* sc = reinterpret_cast<std::uint8_t*>(y + 4);
        for (int j = 0; j < QK / 32; ++j) {
            std::uint8_t ls = Ls[j], lm = Lm[j];
            if (five) {  // only the Q5_K impl clamps (make_qp_quants already keeps them <= 63)
                ls = std::min<std::uint8_t>(63, ls);
                lm = std::min<std::uint8_t>(63, lm);
            }
            if (j < 4) {
                sc[j] = ls;
                sc[j + 4] = lm;
            } else {
                sc[j + 4] = static_cast<std::uint8_t>((ls & 0xF) | ((lm & 0xF) << 4));
                sc[j - 4] |= static_cast<std::uint8_t>((ls >> 4) << 6);
                sc[j - 0] |= static_cast<std::uint8_t>((lm >> 4) << 6);
            }
        }
        put_half(y, d_block);
        put_half(y + 2, m_block);
        for (int j = 0; j < QK / 32; ++j) {
            std::uint8_t s, m;
            get_scale_min_k4(j, sc, &s, &m);
            const float d = get_half(y) * s;
            if (!d) continue;
            const float dm = get_half(y + 2) * m;
            for (int ii = 0; ii < 32; ++ii) {
                const int l = nearest_int((x[32 * j + ii] + dm) / d);
                L[32 * j + ii] = static_cast<std::uint8_t>(std::max(0, std::min(nmax, l)));
            }
        }
        if (!five) {
            auto* q = reinterpret_cast<std::uint8_t*>(y + 16);
            for (int j = 0; j < QK; j += 64, q += 32)
                for (int l = 0; l < 32; ++l) q[l] = static_cast<std::uint8_t>(L[j + l] | (L[j + l + 32] << 4));
        } else {
            auto* qh = reinterpret_cast<std::uint8_t*>(y + 16);
            auto* ql = reinterpret_cast<std::uint8_t*>(y + 48);
            std::memset(qh, 0, QK / 8);
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
}

} // namespace

// quantize_row_q2_K_impl. Block: scales[16], qs[64], d, dmin.
void q2_k_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights) {
    std::uint8_t L[QK], Laux[16], Ls[QK / 16], Lm[QK / 16];
    float mins[QK / 16], scales[QK / 16], sw[QK / 16], weight[16];
    for (std::int64_t i = 0; i < n_per_row / QK; ++i, x += QK, y += 84) {
        std::memset(sw, 0, sizeof sw);
        float sumx2 = 0;
        for (int j = 0; j < QK; ++j) sumx2 += x[j] * x[j];
        const float sigma2 = sumx2 / QK;
        for (int j = 0; j < QK / 16; ++j) {
            const float* qw = quant_weights + QK * i + 16 * j;
            for (int l = 0; l < 16; ++l) weight[l] = qw[l] * std::sqrt(sigma2 + x[16 * j + l] * x[16 * j + l]);
            for (int l = 0; l < QK / 16; ++l) sw[j] += weight[l];
            scales[j] = make_qkx3_quants(16, 3, x + 16 * j, weight, L + 16 * j, &mins[j], Laux, -0.9f, 0.05f, 36);
        }
        float dm = make_qp_quants(QK / 16, 15, scales, Ls, sw);
        float mm = make_qp_quants(QK / 16, 15, mins, Lm, sw);
        put_half(y + 80, dm);
        put_half(y + 82, mm);
        dm = get_half(y + 80);
        mm = get_half(y + 82);
        auto* sc = reinterpret_cast<std::uint8_t*>(y);
        for (int j = 0; j < QK / 16; ++j) sc[j] = static_cast<std::uint8_t>(Ls[j] | (Lm[j] << 4));
        for (int j = 0; j < QK / 16; ++j) {
            const float d = dm * (sc[j] & 0xF);
            if (!d) continue;
            const float m = mm * (sc[j] >> 4);
            for (int ii = 0; ii < 16; ++ii) {
                const int l = nearest_int((x[16 * j + ii] + m) / d);
                L[16 * j + ii] = static_cast<std::uint8_t>(std::max(0, std::min(3, l)));
            }
        }
        pack2(L, reinterpret_cast<std::uint8_t*>(y + 16));
    }
}

// quantize_row_q3_K_impl with weights. Block: hmask[32], qs[64], scales[12], d.
void q3_k_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights) {
    std::int8_t L[QK], Ls[QK / 16];
    float scales[QK / 16], weight[16], sw[QK / 16];
    for (std::int64_t i = 0; i < n_per_row / QK; ++i, x += QK, y += 110) {
        float sumx2 = 0;
        for (int j = 0; j < QK; ++j) sumx2 += x[j] * x[j];
        const float sigma2 = 2 * sumx2 / QK;
        for (int j = 0; j < QK / 16; ++j) {
            const float* qw = quant_weights + QK * i + 16 * j;
            for (int l = 0; l < 16; ++l) weight[l] = qw[l] * std::sqrt(sigma2 + x[16 * j + l] * x[16 * j + l]);
            float sumw = 0;
            for (int l = 0; l < 16; ++l) sumw += weight[l];
            sw[j] = sumw;
            scales[j] = make_qx_quants_w(16, 4, x + 16 * j, L + 16 * j, weight);
        }
        auto* hmask = reinterpret_cast<std::uint8_t*>(y);
        auto* qs = reinterpret_cast<std::uint8_t*>(y + 32);
        auto* sc = reinterpret_cast<std::uint8_t*>(y + 96);
        std::memset(sc, 0, 12);
        const float d_block = make_qx_quants_w(QK / 16, 32, scales, Ls, sw);
        for (int j = 0; j < QK / 16; ++j) {
            int l = Ls[j];
            if (j < 8) sc[j] = static_cast<std::uint8_t>(l & 0xF);
            else sc[j - 8] |= static_cast<std::uint8_t>((l & 0xF) << 4);
            l >>= 4;
            sc[j % 4 + 8] |= static_cast<std::uint8_t>(l << (2 * (j / 4)));
        }
        put_half(y + 108, d_block);
        for (int j = 0; j < QK / 16; ++j) {
            std::int8_t s = static_cast<std::int8_t>(j < 8 ? sc[j] & 0xF : sc[j - 8] >> 4);
            s = static_cast<std::int8_t>((s | (((sc[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32);
            const float d = get_half(y + 108) * s;
            if (!d) continue;
            for (int ii = 0; ii < 16; ++ii) {
                int l = nearest_int(x[16 * j + ii] / d);
                l = std::max(-4, std::min(3, l));
                L[16 * j + ii] = static_cast<std::int8_t>(l + 4);
            }
        }
        std::memset(hmask, 0, QK / 8);
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
        pack2(reinterpret_cast<const std::uint8_t*>(L), qs);
    }
}

void q4_k_w(const float* x, std::byte* y, std::int64_t n, const float* w) { q45_k_w(x, y, n, w, false); }
void q5_k_w(const float* x, std::byte* y, std::int64_t n, const float* w) { q45_k_w(x, y, n, w, true); }

// quantize_row_q6_K_impl with weights (used as given, not scaled). Block: ql[128], qh[64], scales[16], d.
void q6_k_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights) {
    std::int8_t L[QK];
    float scales[QK / 16];
    for (std::int64_t i = 0; i < n_per_row / QK; ++i, x += QK, y += 210) {
        float max_scale = 0, max_abs_scale = 0;
        for (int ib = 0; ib < QK / 16; ++ib) {
            const float scale = make_qx_quants_w(16, 32, x + 16 * ib, L + 16 * ib, quant_weights + QK * i + 16 * ib);
            scales[ib] = scale;
            const float abs_scale = std::fabs(scale);
            if (abs_scale > max_abs_scale) { max_abs_scale = abs_scale; max_scale = scale; }
        }
        if (max_abs_scale < kGroupMaxEps) {
            std::memset(y, 0, 210);
            put_half(y + 208, 0.f);
            continue;
        }
        auto* sc = reinterpret_cast<std::int8_t*>(y + 192);
        const float iscale = -128.f / max_scale;
        put_half(y + 208, 1 / iscale);
        for (int ib = 0; ib < QK / 16; ++ib) sc[ib] = static_cast<std::int8_t>(std::min(127, nearest_int(iscale * scales[ib])));
        for (int j = 0; j < QK / 16; ++j) {
            const float d = get_half(y + 208) * sc[j];
            if (!d) continue;
            for (int ii = 0; ii < 16; ++ii) {
                int l = nearest_int(x[16 * j + ii] / d);
                l = std::max(-32, std::min(31, l));
                L[16 * j + ii] = static_cast<std::int8_t>(l + 32);
            }
        }
        auto* ql = reinterpret_cast<std::uint8_t*>(y);
        auto* qh = reinterpret_cast<std::uint8_t*>(y + 128);
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
}

// quantize_row_q4_0_impl with weights: sigma2 over the whole row. Block: d, qs[16].
void q4_0_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights) {
    float weight[32];
    std::int8_t L[32];
    float sum_x2 = 0;
    for (std::int64_t j = 0; j < n_per_row; ++j) sum_x2 += x[j] * x[j];
    const float sigma2 = sum_x2 / static_cast<float>(n_per_row);
    for (std::int64_t ib = 0; ib < n_per_row / 32; ++ib, y += 18) {
        const float* xb = x + 32 * ib;
        const float* qw = quant_weights + 32 * ib;
        for (int j = 0; j < 32; ++j) weight[j] = qw[j] * std::sqrt(sigma2 + xb[j] * xb[j]);
        const float d = make_qx_quants_w(32, 8, xb, L, weight);
        put_half(y, d);
        for (int j = 0; j < 16; ++j) y[2 + j] = static_cast<std::byte>(static_cast<std::uint8_t>(L[j] | (L[j + 16] << 4)));
    }
}

} // namespace moecut::kquants

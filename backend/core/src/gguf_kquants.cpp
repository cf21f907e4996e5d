// K-quants Q2_K..Q6_K without importance weights: the algorithms of ggml's
// quantize_row_q{2..6}_K_ref (ggml-quants.c, llama.cpp 2026-10), written out
// with the same float operations in the same order so the bytes match; the
// fixture test compares them with libggml-base's output.
#include "gguf_kquants.h"

#include "moecut/gguf_quants.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace moecut::kquants {
namespace {

constexpr int QK = 256;
constexpr float kGroupMaxEps = 1e-15f;

// Round half to even through the 1.5 * 2^23 trick, as ggml's nearest_int.
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
inline std::uint8_t& u8(std::byte* p) { return *reinterpret_cast<std::uint8_t*>(p); }

// make_qx_quants with rmse_type 1 and no importance weights (Q6_K).
float make_qx_quants(int n, int nmax, const float* x, std::int8_t* L) {
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
            l = std::max(-nmax, std::min(nmax - 1, l));
            const float w = x[i] * x[i];
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

// make_q3_quants with do_rmse (Q3_K).
float make_q3_quants(int n, int nmax, const float* x, std::int8_t* L) {
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
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
        l = std::max(-nmax, std::min(nmax - 1, l));
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
                new_l = std::max(-nmax, std::min(nmax - 1, new_l));
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

float make_qkx2_quants(int n, int nmax, const float* x, const float* weights, std::uint8_t* L, float* the_min,
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
        L[i] = static_cast<std::uint8_t>(std::max(0, std::min(nmax, l)));
        float diff = scale * L[i] + min - x[i];
        diff = use_mad ? std::fabs(diff) : diff * diff;
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
            float cur_error = 0;
            for (int i = 0; i < n; ++i) {
                float diff = this_scale * Laux[i] + this_min - x[i];
                diff = use_mad ? std::fabs(diff) : diff * diff;
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

void get_scale_min_k4(int j, const std::uint8_t* q, std::uint8_t* d, std::uint8_t* m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = static_cast<std::uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = static_cast<std::uint8_t>((q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4));
    }
}

// Q4_K and Q5_K share everything but nmax, the search grid and the packing.
// Block: d, dmin (fp16), scales[12], then (Q5_K) qh[32], qs[128].
void q45_k(const float* x, std::byte* y, std::int64_t k, bool five) {
    const int nmax = five ? 31 : 15;
    const std::size_t block = five ? 176 : 144;
    std::uint8_t L[QK], Laux[32];
    float weights[32], mins[QK / 32], scales[QK / 32];
    for (std::int64_t i = 0; i < k / QK; ++i, x += QK, y += block) {
        std::uint8_t* sc_bytes = reinterpret_cast<std::uint8_t*>(y + 4);
        float max_scale = 0, max_min = 0;
        for (int j = 0; j < QK / 32; ++j) {
            float sum_x2 = 0;
            for (int l = 0; l < 32; ++l) sum_x2 += x[32 * j + l] * x[32 * j + l];
            const float av_x = std::sqrt(sum_x2 / 32);
            for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(x[32 * j + l]);
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
            ls = std::min<std::uint8_t>(63, ls);
            lm = std::min<std::uint8_t>(63, lm);
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
                int l = nearest_int((x[32 * j + ii] + dm) / d);
                L[32 * j + ii] = static_cast<std::uint8_t>(std::max(0, std::min(nmax, l)));
            }
        }
        if (!five) {
            std::uint8_t* q = reinterpret_cast<std::uint8_t*>(y + 16);
            for (int j = 0; j < QK; j += 64, q += 32)
                for (int l = 0; l < 32; ++l) q[l] = static_cast<std::uint8_t>(L[j + l] | (L[j + l + 32] << 4));
        } else {
            std::uint8_t* qh = reinterpret_cast<std::uint8_t*>(y + 16);
            std::uint8_t* ql = reinterpret_cast<std::uint8_t*>(y + 48);
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

// Block: scales[16], qs[64], d, dmin.
void q2_k(const float* x, std::byte* y, std::int64_t k) {
    std::uint8_t L[QK], Laux[16];
    float weights[16], mins[QK / 16], scales[QK / 16];
    const float q4scale = 15.f;
    for (std::int64_t i = 0; i < k / QK; ++i, x += QK, y += 84) {
        std::uint8_t* sc = reinterpret_cast<std::uint8_t*>(y);
        std::uint8_t* qs = reinterpret_cast<std::uint8_t*>(y + 16);
        float max_scale = 0, max_min = 0;
        for (int j = 0; j < QK / 16; ++j) {
            for (int l = 0; l < 16; ++l) weights[l] = std::fabs(x[16 * j + l]);
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
                L[16 * j + ii] = static_cast<std::uint8_t>(std::max(0, std::min(3, l)));
            }
        }
        for (int j = 0; j < QK; j += 128)
            for (int l = 0; l < 32; ++l)
                qs[j / 4 + l] = static_cast<std::uint8_t>(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
    }
}

// Block: hmask[32], qs[64], scales[12], d.
void q3_k(const float* x, std::byte* y, std::int64_t k) {
    std::int8_t L[QK];
    float scales[QK / 16];
    for (std::int64_t i = 0; i < k / QK; ++i, x += QK, y += 110) {
        std::uint8_t* hmask = reinterpret_cast<std::uint8_t*>(y);
        std::uint8_t* qs = reinterpret_cast<std::uint8_t*>(y + 32);
        std::uint8_t* sc = reinterpret_cast<std::uint8_t*>(y + 96);
        float max_scale = 0, amax = 0;
        for (int j = 0; j < QK / 16; ++j) {
            scales[j] = make_q3_quants(16, 4, x + 16 * j, L + 16 * j);
            const float scale = std::fabs(scales[j]);
            if (scale > amax) { amax = scale; max_scale = scales[j]; }
        }
        std::memset(sc, 0, 12);
        if (max_scale) {
            const float iscale = -32.f / max_scale;
            for (int j = 0; j < QK / 16; ++j) {
                auto l = static_cast<std::int8_t>(nearest_int(iscale * scales[j]));
                l = static_cast<std::int8_t>(std::max<int>(-32, std::min<int>(31, l)) + 32);
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
        for (int j = 0; j < QK; j += 128)
            for (int l = 0; l < 32; ++l)
                qs[j / 4 + l] = static_cast<std::uint8_t>(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
    }
}

void q4_k(const float* x, std::byte* y, std::int64_t k) { q45_k(x, y, k, false); }
void q5_k(const float* x, std::byte* y, std::int64_t k) { q45_k(x, y, k, true); }

// Block: ql[128], qh[64], scales[16] (int8), d.
void q6_k(const float* x, std::byte* y, std::int64_t k) {
    std::int8_t L[QK];
    float scales[QK / 16];
    for (std::int64_t i = 0; i < k / QK; ++i, x += QK, y += 210) {
        float max_scale = 0, max_abs_scale = 0;
        for (int ib = 0; ib < QK / 16; ++ib) {
            const float scale = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib);
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
        const float d_all = get_half(y + 208);
        for (int j = 0; j < QK / 16; ++j) {
            const float d = d_all * sc[j];
            if (!d) continue;
            for (int ii = 0; ii < 16; ++ii) {
                int l = nearest_int(x[16 * j + ii] / d);
                l = std::max(-32, std::min(31, l));
                L[16 * j + ii] = static_cast<std::int8_t>(l + 32);
            }
        }
        std::uint8_t* ql = reinterpret_cast<std::uint8_t*>(y);
        std::uint8_t* qh = reinterpret_cast<std::uint8_t*>(y + 128);
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

} // namespace moecut::kquants

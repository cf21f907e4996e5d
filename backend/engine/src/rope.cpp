// Rotary position embeddings as transformers 5.24 computes them
// (modeling_rope_utils: default and YaRN), applied either to adjacent pairs
// (DeepSeek/GLM MLA, GLM-5 indexer) or to the two halves (NeoX: Qwen, Mixtral,
// GLM-4.5's partial rotary, the DeepSeek-V3.2 indexer).
#include "moecut/engine/layers.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace moecut::engine {

namespace {

double yarn_mscale(double scale, double m) {
    if (scale <= 1.0) return 1.0;
    return 0.1 * m * std::log(scale) + 1.0;
}

bool is_yarn(const RopeSpec& s) { return s.type == "yarn"; }

} // namespace

torch::Tensor rope_inv_freq(const RopeSpec& spec, std::int64_t rotary_dim) {
    const double base = spec.theta;
    const auto d = static_cast<double>(rotary_dim);
    // base ** (arange(0, dim, 2) / dim) in float32, as transformers does.
    auto exponents = torch::arange(0, rotary_dim, 2, torch::kFloat32) / static_cast<float>(rotary_dim);
    auto pos_freqs = torch::pow(base, exponents);
    auto inv = 1.0 / pos_freqs;
    if (!is_yarn(spec)) return inv;

    // YaRN: blend interpolated (divided by factor) and extrapolated
    // frequencies with a linear ramp over [low, high] (truncated to integers).
    const double factor = spec.factor;
    const double orig = static_cast<double>(spec.original_max_position);
    auto correction_dim = [&](double rotations) {
        return d * std::log(orig / (rotations * 2.0 * std::numbers::pi)) / (2.0 * std::log(base));
    };
    double low = std::floor(correction_dim(spec.beta_fast));
    double high = std::ceil(correction_dim(spec.beta_slow));
    low = std::max(low, 0.0);
    high = std::min(high, d - 1.0);
    if (low == high) high += 0.001;
    auto ramp = ((torch::arange(rotary_dim / 2, torch::kFloat32) - static_cast<float>(low)) /
                 static_cast<float>(high - low))
                    .clamp(0.0, 1.0);
    auto extrapolation_factor = 1.0 - ramp;
    auto inv_interp = 1.0 / (factor * pos_freqs);
    return inv_interp * (1.0 - extrapolation_factor) + inv * extrapolation_factor;
}

double rope_attention_factor(const RopeSpec& spec) {
    if (!is_yarn(spec)) return 1.0;
    // transformers: mscale(factor, mscale) / mscale(factor, mscale_all_dim)
    // when both are given, else mscale(factor, 1).
    if (spec.mscale != 0.0 && spec.mscale_all_dim != 0.0)
        return yarn_mscale(spec.factor, spec.mscale) / yarn_mscale(spec.factor, spec.mscale_all_dim);
    return yarn_mscale(spec.factor, 1.0);
}

double attention_scale(const ArchDescriptor& arch) {
    const auto& a = arch.attention;
    if (a.kind == AttentionKind::Gqa) return 1.0 / std::sqrt(static_cast<double>(a.head_dim));
    double scale = 1.0 / std::sqrt(static_cast<double>(a.qk_nope_head_dim + a.qk_rope_head_dim));
    // DeepSeek/GLM MLA: times mscale(factor, mscale_all_dim)^2 under YaRN.
    if (a.rope.type != "default" && a.rope.mscale_all_dim != 0.0) {
        const double m = yarn_mscale(a.rope.factor, a.rope.mscale_all_dim);
        scale *= m * m;
    }
    return scale;
}

RopeTable rope_table(const RopeSpec& spec, std::int64_t rotary_dim, std::int64_t T, torch::Device device,
                     torch::Dtype dtype) {
    auto inv = rope_inv_freq(spec, rotary_dim);
    auto pos = torch::arange(T, torch::kFloat32);
    auto freqs = pos.unsqueeze(1) * inv.unsqueeze(0);  // [T, d/2]
    const double amp = rope_attention_factor(spec);
    RopeTable t;
    t.rotary_dim = rotary_dim;
    t.cos = (freqs.cos() * amp).to(device, dtype);
    t.sin = (freqs.sin() * amp).to(device, dtype);
    return t;
}

RopeTable rope_table_at(const RopeSpec& spec, std::int64_t rotary_dim, const torch::Tensor& positions,
                        torch::Device device, torch::Dtype dtype) {
    const std::int64_t max_pos = positions.numel() ? positions.max().item<std::int64_t>() : 0;
    RopeTable full = rope_table(spec, rotary_dim, max_pos + 1, device, dtype);
    auto flat = positions.to(device, torch::kLong).reshape({-1});
    auto shape = positions.sizes().vec();
    shape.push_back(rotary_dim / 2);
    RopeTable t;
    t.rotary_dim = rotary_dim;
    t.cos = full.cos.index_select(0, flat).view(shape);
    t.sin = full.sin.index_select(0, flat).view(shape);
    return t;
}

torch::Tensor apply_rope(const torch::Tensor& x, const RopeTable& table, RopeStyle style) {
    const std::int64_t D = x.size(-1);
    const std::int64_t r = table.rotary_dim;
    const std::int64_t T = x.size(1);
    // cos/sin broadcast over batch and heads: [1, T, (1,) r/2], or [B, T, (1,) r/2]
    // for per-sequence positions.
    auto shape = std::vector<std::int64_t>(static_cast<std::size_t>(x.dim()), 1);
    shape[1] = T;
    shape.back() = r / 2;
    torch::Tensor cos, sin;
    if (table.cos.dim() == 3) {
        shape[0] = x.size(0);
        cos = table.cos.reshape(shape);
        sin = table.sin.reshape(shape);
    } else {
        cos = table.cos.narrow(0, 0, T).reshape(shape);
        sin = table.sin.narrow(0, 0, T).reshape(shape);
    }

    auto rot = r == D ? x : x.narrow(-1, 0, r);
    torch::Tensor out;
    if (style == RopeStyle::HalfSplit) {
        auto x1 = rot.narrow(-1, 0, r / 2);
        auto x2 = rot.narrow(-1, r / 2, r / 2);
        out = torch::cat({x1 * cos - x2 * sin, x2 * cos + x1 * sin}, -1);
    } else {
        // Pairs (x0, x1), (x2, x3), ...; the output keeps that layout.
        auto pairs = rot.reshape([&] {
            auto s = rot.sizes().vec();
            s.back() = r / 2;
            s.push_back(2);
            return s;
        }());
        auto x1 = pairs.select(-1, 0);
        auto x2 = pairs.select(-1, 1);
        out = torch::stack({x1 * cos - x2 * sin, x2 * cos + x1 * sin}, -1).flatten(-2);
    }
    if (r == D) return out;
    return torch::cat({out, x.narrow(-1, r, D - r)}, -1);
}

} // namespace moecut::engine

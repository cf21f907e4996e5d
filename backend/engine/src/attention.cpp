// Self-attention as transformers 5.24 computes it with eager attention:
// GQA (optional q/k/v biases, per-head qk-norm, partial rotary), MLA (q and kv
// LoRA, nope/rope split, YaRN), and the DSA lightning indexer that limits each
// query to its top-k keys (full layers compute it, shared layers reuse it).
#include "moecut/engine/layers.h"

#include "moecut/error.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace moecut::engine {

namespace {

// transformers' q_a_layernorm / kv_a_layernorm use the module default eps.
constexpr double kMlaNormEps = 1e-6;
constexpr double kIndexerNormEps = 1e-6;

// The most negative finite value of a dtype (transformers' finfo(dtype).min
// mask value): masked rows that have no valid key stay finite.
double lowest(torch::Dtype dt) {
    switch (dt) {
    case torch::kBFloat16: return -3.3895313892515355e38;
    case torch::kHalf: return -65504.0;
    case torch::kDouble: return std::numeric_limits<double>::lowest();
    default: return std::numeric_limits<float>::lowest();
    }
}

// Softmax attention of q [B, Hq, T, Dk] against k [B, Hkv, S, Dk] and
// v [B, Hkv, S, Dv]; allowed [B, T, S]. One sequence at a time keeps the
// score matrix at [Hq, T, S]. Returns [B, T, Hq * Dv].
torch::Tensor core_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             const torch::Tensor& allowed, double scale) {
    const std::int64_t B = q.size(0), Hq = q.size(1), T = q.size(2), Hkv = k.size(1), S = k.size(2);
    const std::int64_t rep = Hq / Hkv;
    const double fill = lowest(q.scalar_type());
    std::vector<torch::Tensor> outs;
    outs.reserve(static_cast<std::size_t>(B));
    for (std::int64_t b = 0; b < B; ++b) {
        auto kb = k[b], vb = v[b];
        if (rep > 1) {  // head h uses kv head h / rep, as transformers' repeat_kv
            kb = kb.unsqueeze(1).expand({Hkv, rep, S, kb.size(-1)}).reshape({Hq, S, kb.size(-1)});
            vb = vb.unsqueeze(1).expand({Hkv, rep, S, vb.size(-1)}).reshape({Hq, S, vb.size(-1)});
        }
        auto scores = torch::matmul(q[b], kb.transpose(-1, -2)) * scale;  // [Hq, T, S]
        scores = scores.masked_fill(allowed[b].logical_not().unsqueeze(0), fill);
        auto probs = torch::softmax(scores, -1, torch::kFloat32).to(q.scalar_type());
        outs.push_back(torch::matmul(probs, vb));  // [Hq, T, Dv]
    }
    auto out = torch::stack(outs, 0);  // [B, Hq, T, Dv]
    return out.transpose(1, 2).reshape({B, T, -1});
}

torch::Tensor gqa_forward(const LayerWeights& w, const ArchDescriptor& arch, const LayerSpec& spec,
                          const torch::Tensor& x, const AttentionState& st) {
    const auto& a = arch.attention;
    const std::int64_t B = x.size(0), T = x.size(1);
    auto q = proj(x, w.get("self_attn.q_proj"), w.find("self_attn.q_proj.bias")).view({B, T, -1, a.head_dim});
    auto k = proj(x, w.get("self_attn.k_proj"), w.find("self_attn.k_proj.bias")).view({B, T, -1, a.head_dim});
    auto v = proj(x, w.get("self_attn.v_proj"), w.find("self_attn.v_proj.bias")).view({B, T, -1, a.head_dim});
    if (a.qk_norm) {
        q = rms_norm(q, w.get("self_attn.q_norm"), arch.rms_norm_eps);
        k = rms_norm(k, w.get("self_attn.k_norm"), arch.rms_norm_eps);
    }
    q = apply_rope(q, st.rope, a.rope.style);
    k = apply_rope(k, st.rope, a.rope.style);
    if (st.cache) {  // the roped keys and the values, [B, S, Hkv, D]
        auto& c = st.cache->layer(spec.index);
        k = LayerCache::append(c.k, k);
        v = LayerCache::append(c.v, v);
    }
    auto out = core_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), st.allowed,
                              attention_scale(arch));
    return proj(out, w.get("self_attn.o_proj"), w.find("self_attn.o_proj.bias"));
}

// S: the keys a query may see (T without a cache, cached + new with one).
bool indexer_skipped(const ArchDescriptor& arch, const AttentionState& st, std::int64_t S) {
    return st.indexer_dense_shortcut && S <= arch.indexer->topk;
}

torch::Tensor mla_forward(const LayerWeights& w, const ArchDescriptor& arch, const LayerSpec& spec,
                          const torch::Tensor& x, AttentionState& st) {
    const auto& a = arch.attention;
    const std::int64_t B = x.size(0), T = x.size(1);
    const std::int64_t nope = a.qk_nope_head_dim, rope = a.qk_rope_head_dim, vd = a.v_head_dim;

    torch::Tensor q, q_resid;
    if (a.q_lora_rank > 0) {
        q_resid = rms_norm(proj(x, w.get("self_attn.q_a_proj"), w.find("self_attn.q_a_proj.bias")),
                           w.get("self_attn.q_a_layernorm"), kMlaNormEps);
        q = proj(q_resid, w.get("self_attn.q_b_proj"));
    } else {
        q = proj(x, w.get("self_attn.q_proj"));
    }
    q = q.view({B, T, -1, nope + rope});  // [B, T, nh, nope | rope]
    const std::int64_t nh = q.size(2);
    auto q_nope = q.narrow(-1, 0, nope);
    auto q_rot = apply_rope(q.narrow(-1, nope, rope), st.rope, a.rope.style);

    auto ckv = proj(x, w.get("self_attn.kv_a_proj_with_mqa"), w.find("self_attn.kv_a_proj_with_mqa.bias"));
    auto c = rms_norm(ckv.narrow(-1, 0, a.kv_lora_rank), w.get("self_attn.kv_a_layernorm"), kMlaNormEps);
    auto k_rot = apply_rope(ckv.narrow(-1, a.kv_lora_rank, rope).unsqueeze(2), st.rope, a.rope.style);  // [B,T,1,r]
    std::int64_t S = T;
    if (st.cache) {  // the compressed latent and the roped shared key, not the expanded K/V
        auto& lc = st.cache->layer(spec.index);
        c = LayerCache::append(lc.latent, c);
        k_rot = LayerCache::append(lc.k_rot, k_rot.squeeze(2)).unsqueeze(2);
        S = c.size(1);
    }
    auto kv = proj(c, w.get("self_attn.kv_b_proj")).view({B, S, nh, nope + vd});
    auto k_nope = kv.narrow(-1, 0, nope);
    auto v = kv.narrow(-1, nope, vd);

    auto query = torch::cat({q_nope, q_rot}, -1);
    auto key = torch::cat({k_nope, k_rot.expand({B, S, nh, rope})}, -1);

    torch::Tensor allowed = st.allowed;
    if (arch.indexer) {
        const bool skip = indexer_skipped(arch, st, S);
        // With a cache a full layer's indexer keys are cached even while the
        // dense shortcut applies: later steps select over them.
        if (spec.indexer == IndexerKind::Full && (!skip || st.cache)) {
            if (!q_resid.defined())
                throw InputError(fmt::format("layer {}: the DSA indexer needs q_lora_rank > 0", spec.index));
            auto selected = indexer_select(w, arch, x, q_resid, st, spec.index);
            st.index_selected = skip ? torch::Tensor() : selected;
        } else if (!skip && !st.index_selected.defined()) {
            throw InputError(fmt::format("layer {}: shared DSA layer without an earlier full indexer layer",
                                         spec.index));
        }
        if (!skip) allowed = allowed.logical_and(st.index_selected);
    }
    auto out = core_attention(query.transpose(1, 2), key.transpose(1, 2), v.transpose(1, 2), allowed,
                              attention_scale(arch));
    return proj(out, w.get("self_attn.o_proj"), w.find("self_attn.o_proj.bias"));
}

} // namespace

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
    auto xf = x.to(torch::kFloat32);
    auto var = xf.pow(2).mean(-1, true);
    xf = xf * torch::rsqrt(var + eps);
    return weight * xf.to(x.scalar_type());
}

torch::Tensor proj(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor* bias) {
    if (bias && bias->defined()) return torch::linear(x, weight, *bias);
    return torch::linear(x, weight);
}

torch::Tensor attention_allowed(std::int64_t B, std::int64_t T, const torch::Tensor& attention_mask,
                                std::int64_t sliding_window, torch::Device device) {
    auto i = torch::arange(T, torch::TensorOptions().dtype(torch::kLong).device(device));
    auto diff = i.unsqueeze(1) - i.unsqueeze(0);  // query - key
    auto allowed = diff.ge(0);
    if (sliding_window > 0) allowed = allowed.logical_and(diff.lt(sliding_window));
    auto out = allowed.unsqueeze(0).expand({B, T, T});
    if (attention_mask.defined()) {
        auto keys = attention_mask.to(device).ne(0).view({B, 1, T});
        out = out.logical_and(keys);
    }
    return out.contiguous();
}

torch::Tensor indexer_select(const LayerWeights& w, const ArchDescriptor& arch, const torch::Tensor& x,
                             const torch::Tensor& q_resid, const AttentionState& st, int layer) {
    const auto& ix = *arch.indexer;
    const std::int64_t B = x.size(0), T = x.size(1);
    const std::int64_t rope = arch.attention.qk_rope_head_dim, D = ix.head_dim, nI = ix.n_heads;

    // Heads are [rope | nope] here (the main MLA is [nope | rope]).
    auto q = proj(q_resid, w.get("self_attn.indexer.wq_b")).view({B, T, nI, D});
    q = torch::cat({apply_rope(q.narrow(-1, 0, rope), st.rope, ix.rope_style), q.narrow(-1, rope, D - rope)}, -1);
    auto k = torch::layer_norm(proj(x, w.get("self_attn.indexer.wk")), {D}, w.get("self_attn.indexer.k_norm"),
                               w.get("self_attn.indexer.k_norm.bias"), kIndexerNormEps);  // [B, T, D]
    k = torch::cat({apply_rope(k.narrow(-1, 0, rope), st.rope, ix.rope_style), k.narrow(-1, rope, D - rope)}, -1);
    if (st.cache) k = LayerCache::append(st.cache->layer(layer).index_k, k);  // [B, S, D]
    const std::int64_t S = k.size(1);
    const auto& wp = w.get("self_attn.indexer.weights_proj");
    auto weights = torch::linear(x.to(wp.scalar_type()), wp).to(torch::kFloat32) *
                   std::pow(static_cast<double>(nI), -0.5);  // [B, T, nI]

    const std::int64_t topk = std::min<std::int64_t>(ix.topk, S);
    const double scale = std::pow(static_cast<double>(D), -0.5);
    auto selected = torch::zeros({B, T, S}, torch::TensorOptions().dtype(torch::kBool).device(x.device()));
    for (std::int64_t b = 0; b < B; ++b) {
        // score[s, t] = sum_h w[s, h] * relu(q[s, h] . k[t] * scale)
        auto scores = torch::relu(torch::matmul(q[b].to(torch::kFloat32), k[b].to(torch::kFloat32).t()) * scale);
        auto index = torch::matmul(weights[b].unsqueeze(-2), scores).squeeze(-2);  // [T, S]
        index = index.masked_fill(st.allowed[b].logical_not(), -std::numeric_limits<double>::infinity());
        auto idx = std::get<1>(index.topk(topk, -1));
        selected[b].scatter_(-1, idx, true);
    }
    return selected;
}

torch::Tensor attention_forward(const LayerWeights& w, const ArchDescriptor& arch, const LayerSpec& spec,
                                const torch::Tensor& x, AttentionState& state) {
    if (arch.attention.kind == AttentionKind::Gqa) return gqa_forward(w, arch, spec, x, state);
    return mla_forward(w, arch, spec, x, state);
}

} // namespace moecut::engine

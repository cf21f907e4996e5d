// The tensors a checkpoint of a config holds, with their shapes, in both the
// per-expert layout (as released) and the fused transformers-v5 layout; and
// the parameter counts they imply.
#include "moecut/arch.h"

#include <fmt/core.h>

namespace moecut {

namespace {

using Shape = std::vector<std::int64_t>;

class TensorList {
public:
    explicit TensorList(std::vector<ExpectedTensor>& out) : out_(out) {}
    void add(std::string name, Shape shape, TensorRole role, int layer = -1, int expert = -1, bool required = true) {
        out_.push_back(ExpectedTensor{std::move(name), std::move(shape), role, layer, expert, required});
    }

private:
    std::vector<ExpectedTensor>& out_;
};

void add_attention(const ArchDescriptor& d, int layer, TensorList& t) {
    const AttentionSpec& a = d.attention;
    const std::int64_t H = d.hidden_size;
    const std::string p = d.layer_prefix(layer) + "self_attn.";
    const auto R = TensorRole::Attention;
    if (a.kind == AttentionKind::Mla) {
        const std::int64_t qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
        if (a.q_lora_rank > 0) {
            t.add(p + "q_a_proj.weight", {a.q_lora_rank, H}, R, layer);
            if (a.qkv_bias) t.add(p + "q_a_proj.bias", {a.q_lora_rank}, R, layer);
            t.add(p + "q_a_layernorm.weight", {a.q_lora_rank}, TensorRole::Norm, layer);
            t.add(p + "q_b_proj.weight", {a.n_heads * qk, a.q_lora_rank}, R, layer);
        } else {
            t.add(p + "q_proj.weight", {a.n_heads * qk, H}, R, layer);
        }
        t.add(p + "kv_a_proj_with_mqa.weight", {a.kv_lora_rank + a.qk_rope_head_dim, H}, R, layer);
        if (a.qkv_bias) t.add(p + "kv_a_proj_with_mqa.bias", {a.kv_lora_rank + a.qk_rope_head_dim}, R, layer);
        t.add(p + "kv_a_layernorm.weight", {a.kv_lora_rank}, TensorRole::Norm, layer);
        t.add(p + "kv_b_proj.weight", {a.n_heads * (a.qk_nope_head_dim + a.v_head_dim), a.kv_lora_rank}, R, layer);
        t.add(p + "o_proj.weight", {H, a.n_heads * a.v_head_dim}, R, layer);
        if (a.o_bias) t.add(p + "o_proj.bias", {H}, R, layer);
        return;
    }
    const std::int64_t q = a.n_heads * a.head_dim, kv = a.n_kv_heads * a.head_dim;
    t.add(p + "q_proj.weight", {q, H}, R, layer);
    if (a.qkv_bias) t.add(p + "q_proj.bias", {q}, R, layer);
    t.add(p + "k_proj.weight", {kv, H}, R, layer);
    if (a.qkv_bias) t.add(p + "k_proj.bias", {kv}, R, layer);
    t.add(p + "v_proj.weight", {kv, H}, R, layer);
    if (a.qkv_bias) t.add(p + "v_proj.bias", {kv}, R, layer);
    t.add(p + "o_proj.weight", {H, q}, R, layer);
    if (a.o_bias) t.add(p + "o_proj.bias", {H}, R, layer);
    if (a.qk_norm) {
        t.add(p + "q_norm.weight", {a.head_dim}, TensorRole::Norm, layer);
        t.add(p + "k_norm.weight", {a.head_dim}, TensorRole::Norm, layer);
    }
}

void add_indexer(const ArchDescriptor& d, int layer, TensorList& t) {
    const IndexerSpec& ix = *d.indexer;
    const std::string p = d.layer_prefix(layer) + "self_attn.indexer.";
    const auto R = TensorRole::Indexer;
    t.add(p + "wq_b.weight", {ix.n_heads * ix.head_dim, d.attention.q_lora_rank}, R, layer);
    t.add(p + "wk.weight", {ix.head_dim, d.hidden_size}, R, layer);
    t.add(p + "k_norm.weight", {ix.head_dim}, R, layer);  // a LayerNorm: weight and bias
    t.add(p + "k_norm.bias", {ix.head_dim}, R, layer);
    t.add(p + "weights_proj.weight", {ix.n_heads, d.hidden_size}, R, layer);
}

void add_swiglu(const std::string& p, std::int64_t H, std::int64_t I, TensorRole role, int layer, TensorList& t) {
    t.add(p + "gate_proj.weight", {I, H}, role, layer);
    t.add(p + "up_proj.weight", {I, H}, role, layer);
    t.add(p + "down_proj.weight", {H, I}, role, layer);
}

void add_moe(const ArchDescriptor& d, int layer, ExpertLayout layout, TensorList& t) {
    const std::int64_t H = d.hidden_size, I = d.moe_intermediate_size, E = d.router.n_experts;
    const std::string p = d.mlp_prefix(layer, layout);
    t.add(d.router_weight(layer, layout), {E, H}, TensorRole::Router, layer);
    if (d.router.correction_bias) t.add(d.router_bias(layer), {E}, TensorRole::RouterBias, layer);
    if (layout == ExpertLayout::Fused) {
        // transformers v5: gate rows then up rows; no ".weight" suffix.
        t.add(d.fused_expert_weight(layer, 0), {E, 2 * I, H}, TensorRole::RoutedExpert, layer);
        t.add(d.fused_expert_weight(layer, 1), {E, H, I}, TensorRole::RoutedExpert, layer);
    } else {
        for (int e = 0; e < static_cast<int>(E); ++e) {
            t.add(d.expert_weight(layer, e, 0), {I, H}, TensorRole::RoutedExpert, layer, e);
            t.add(d.expert_weight(layer, e, 1), {I, H}, TensorRole::RoutedExpert, layer, e);
            t.add(d.expert_weight(layer, e, 2), {H, I}, TensorRole::RoutedExpert, layer, e);
        }
    }
    if (d.n_shared_experts > 0 && d.shared_intermediate_size > 0) {
        if (d.family == Family::Qwen2Moe) {
            add_swiglu(p + "shared_expert.", H, d.shared_intermediate_size, TensorRole::SharedExpert, layer, t);
        } else {
            add_swiglu(p + "shared_experts.", H, d.shared_intermediate_size, TensorRole::SharedExpert, layer, t);
        }
    }
    if (d.shared_expert_gate) t.add(p + "shared_expert_gate.weight", {1, H}, TensorRole::SharedExpertGate, layer);
}

void add_layer(const ArchDescriptor& d, const LayerSpec& l, ExpertLayout layout, TensorList& t) {
    const std::int64_t H = d.hidden_size, V = d.vocab_size;
    const std::string p = d.layer_prefix(l.index);
    if (l.is_mtp) {
        // NextN block: its own embedding copy and head are optional (DeepSeek and
        // GLM-4.5 ship them, GLM-5 does not).
        t.add(p + "embed_tokens.weight", {V, H}, TensorRole::Mtp, l.index, -1, false);
        t.add(p + "enorm.weight", {H}, TensorRole::Mtp, l.index);
        t.add(p + "hnorm.weight", {H}, TensorRole::Mtp, l.index);
        t.add(p + "eh_proj.weight", {H, 2 * H}, TensorRole::Mtp, l.index);
    }
    t.add(p + "input_layernorm.weight", {H}, TensorRole::Norm, l.index);
    add_attention(d, l.index, t);
    if (l.indexer == IndexerKind::Full && d.indexer) add_indexer(d, l.index, t);
    t.add(p + "post_attention_layernorm.weight", {H}, TensorRole::Norm, l.index);
    if (l.is_moe) add_moe(d, l.index, layout, t);
    else add_swiglu(p + "mlp.", H, d.intermediate_size, TensorRole::DenseMlp, l.index, t);
    if (l.is_mtp) {
        t.add(p + "shared_head.norm.weight", {H}, TensorRole::Mtp, l.index);
        t.add(p + "shared_head.head.weight", {V, H}, TensorRole::Mtp, l.index, -1, false);
    }
}

std::int64_t numel(const Shape& s) {
    std::int64_t n = 1;
    for (std::int64_t v : s) n *= v;
    return n;
}

} // namespace

std::vector<ExpectedTensor> ArchDescriptor::expected_tensors(ExpertLayout layout) const {
    std::vector<ExpectedTensor> out;
    const std::size_t per_moe = layout == ExpertLayout::Fused ? 8 : 8 + 3 * static_cast<std::size_t>(router.n_experts);
    out.reserve(4 + layers.size() * (24 + per_moe));
    TensorList t(out);
    t.add("model.embed_tokens.weight", {vocab_size, hidden_size}, TensorRole::Embedding);
    for (const LayerSpec& l : layers) add_layer(*this, l, layout, t);
    t.add("model.norm.weight", {hidden_size}, TensorRole::FinalNorm);
    if (!tie_word_embeddings) t.add("lm_head.weight", {vocab_size, hidden_size}, TensorRole::OutputHead);
    return out;
}

std::vector<ExpectedTensor> ArchDescriptor::indexer_tensors(int layer) const {
    std::vector<ExpectedTensor> out;
    if (!indexer) return out;
    TensorList t(out);
    add_indexer(*this, layer, t);
    return out;
}

std::int64_t ArchDescriptor::params_total() const {
    // Every required tensor, plus the optional MTP embedding/head copies when
    // the family ships them (mtp_has_embed).
    std::int64_t n = 0;
    for (const ExpectedTensor& e : expected_tensors(ExpertLayout::Fused))
        if (e.required || mtp_has_embed) n += numel(e.shape);
    return n;
}

std::int64_t ArchDescriptor::params_active() const {
    // A token runs K of the E routed experts in each MoE layer (trunk and MTP).
    const std::int64_t per_expert = 3 * hidden_size * moe_intermediate_size;
    std::int64_t idle = 0;
    for (const LayerSpec& l : layers)
        if (l.is_moe) idle += (router.n_experts - router.top_k) * per_expert;
    return params_total() - idle;
}

} // namespace moecut

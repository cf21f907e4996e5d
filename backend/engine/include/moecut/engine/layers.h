// The building blocks of the MoE runtime: RoPE, attention (GQA, MLA, the DSA
// lightning indexer), dense MLPs, routers and MoE blocks. Model (model.h)
// chains them; they are public so tests can check each one on its own.
//
// The reference is transformers 5.24 (eager attention); shared/specs/moe_arch.md
// summarises each family. Shapes: B batch, T tokens, H hidden, N = B*T.
#pragma once

#include "moecut/arch.h"
#include "moecut/engine/kv_cache.h"
#include "moecut/engine/weights.h"

#include <torch/types.h>

#include <cstdint>

namespace moecut::engine {

// ---- RoPE (rope.cpp) --------------------------------------------------------

struct RopeTable {
    // [T, rotary_dim / 2] for positions 0..T-1, or [B, T, rotary_dim / 2]
    // for per-sequence positions (rope_table_at); in the compute dtype.
    torch::Tensor cos, sin;
    std::int64_t rotary_dim = 0;  // leading dims of a head that rotate
};

// Inverse frequencies ([rotary_dim / 2], float32) of the default or YaRN
// rotation, as transformers computes them.
torch::Tensor rope_inv_freq(const RopeSpec& spec, std::int64_t rotary_dim);
// The amplitude transformers multiplies cos and sin by (YaRN attention factor; 1 otherwise).
double rope_attention_factor(const RopeSpec& spec);
// cos/sin for positions 0..T-1.
RopeTable rope_table(const RopeSpec& spec, std::int64_t rotary_dim, std::int64_t T, torch::Device device,
                     torch::Dtype dtype);
// cos/sin for explicit positions [B, T] (int64): rows of the positions-0..max
// table, so equal positions give bit-identical values to rope_table's.
RopeTable rope_table_at(const RopeSpec& spec, std::int64_t rotary_dim, const torch::Tensor& positions,
                        torch::Device device, torch::Dtype dtype);
// Rotates the first table.rotary_dim entries of the last axis of x, laid out
// [B, T, heads, D] or [B, T, D]. Interleaved rotates adjacent pairs in place
// (the output keeps its layout); half-split rotates (x_i, x_{i+d/2}).
torch::Tensor apply_rope(const torch::Tensor& x, const RopeTable& table, RopeStyle style);

// ---- Attention (attention.cpp) ---------------------------------------------

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);
torch::Tensor proj(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor* bias = nullptr);

// Which keys each query may attend to: causal, not padding, within the
// sliding window (0 = none). attention_mask: optional [B, T], nonzero = token.
torch::Tensor attention_allowed(std::int64_t B, std::int64_t T, const torch::Tensor& attention_mask,
                                std::int64_t sliding_window, torch::Device device);

// Per-forward state shared by the layers.
struct AttentionState {
    // [B, T, S] bool: S = T without a cache, cached + new slots with one.
    torch::Tensor allowed;
    RopeTable rope;                // for the main attention and the indexer
    // DSA: the latest full layer's selection ([B, T, T] bool), which shared
    // layers reuse. Undefined when the dense shortcut applies.
    torch::Tensor index_selected;
    // When T <= index_topk, every causally valid key is in the top-k, so the
    // indexer changes nothing: skip it (exactly equal). Off: always run it.
    bool indexer_dense_shortcut = true;
    // Incremental decoding: each layer appends its new keys (or latent, and
    // indexer keys) here and attends over the whole cached sequence.
    KvCache* cache = nullptr;
};

// The softmax scale of a layer's attention (head_dim^-0.5, or for MLA
// qk_head_dim^-0.5 times the YaRN mscale(factor, mscale_all_dim)^2).
double attention_scale(const ArchDescriptor& arch);

// Self-attention of one layer (GQA or MLA, with the indexer on DSA layers).
// x: [B, T, H] after input_layernorm. Updates state.index_selected on full
// indexer layers.
torch::Tensor attention_forward(const LayerWeights& w, const ArchDescriptor& arch, const LayerSpec& spec,
                                const torch::Tensor& x, AttentionState& state);

// The DSA lightning indexer of a full layer: the keys each query keeps
// ([B, T, S] bool, min(index_topk, S) per row, then limited to allowed keys by
// the caller). q_resid: the q_a_layernorm output [B, T, q_lora_rank]. With
// state.cache, `layer` names the cache layer its keys are appended to.
torch::Tensor indexer_select(const LayerWeights& w, const ArchDescriptor& arch, const torch::Tensor& x,
                             const torch::Tensor& q_resid, const AttentionState& state, int layer = -1);

// ---- MLPs and MoE (moe.cpp) -------------------------------------------------

// SwiGLU: down(silu(gate x) * up x).
torch::Tensor swiglu(const torch::Tensor& x, const torch::Tensor& gate, const torch::Tensor& up,
                     const torch::Tensor& down);
torch::Tensor expert_forward(const ExpertWeights& e, const torch::Tensor& x);

struct RouterOutput {
    torch::Tensor logits;  // [N, E] float32
    torch::Tensor idx;     // [N, K] int64, best first (by the selection score)
    torch::Tensor weight;  // [N, K] float32: the combine weights (renormalised, scaled)
};

// Softmax top-k (optionally renormalised) or sigmoid scores with the
// correction bias for selection only, group-limited top-k, renormalisation and
// routed scaling. x: [N, H].
RouterOutput route(const LayerWeights& w, const ArchDescriptor& arch, const torch::Tensor& x);

struct MoeOutput {
    torch::Tensor y;            // [N, H]
    RouterOutput routing;
    torch::Tensor expert_norm;  // [N, K] float32: ||Expert_idx(x)||_2 before weighting (if asked)
};

// A MoE block: routed experts computed on their routed tokens only, plus the
// shared expert (sigmoid-gated for Qwen2-MoE). x: [N, H].
MoeOutput moe_forward(const LayerWeights& w, const ArchDescriptor& arch, const torch::Tensor& x, bool want_norms);

// The shared expert's contribution (gated where the family gates it), or an
// undefined tensor when the family has none.
torch::Tensor shared_expert_forward(const LayerWeights& w, const ArchDescriptor& arch, const torch::Tensor& x);

// Dense MLP of a non-MoE layer.
torch::Tensor dense_mlp_forward(const LayerWeights& w, const torch::Tensor& x);

} // namespace moecut::engine

// Named type mixtures for GGUF export, after llama-quantize's ftypes
// (llama.cpp src/llama-quant.cpp llama_tensor_get_type_impl, 2026-10),
// adapted to MoE models: routed experts (ffn_*_exps) at the base type,
// everything else (attention incl. MLA attn_k_b/attn_v_b, the DSA indexer,
// shared experts, leading dense FFNs, embeddings, output, MTP projections)
// at least one step higher ("keep"), plus llama.cpp's own bumps (output ->
// Q6_K, attn_v / ffn_down in use_more_bits layers, ...) on the non-routed
// tensors. docs/export.md has the table and the reasons.
#pragma once

#include "moecut/gguf.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

struct GgufMixture {
    std::string name;        // as llama-quantize spells it: "Q4_K_M" (moecut: "Q2_K_M", "Q6_K_M" for its Q2_K / Q6_K)
    GgmlType base;           // routed experts; llama.cpp's default type of the ftype
    GgmlType keep;           // the least type of every other quantized matrix
    std::uint32_t file_type; // general.file_type (llama_ftype)
};

// Case-insensitive: q2_k_m, q3_k_m, q4_k_s, q4_k_m, q5_k_s, q5_k_m, q6_k_m.
// (q2_k, q6_k, q8_0 ... are ggml types: one type for every matrix.)
std::optional<GgufMixture> gguf_mixture_from_name(std::string_view name);
std::string gguf_mixture_names();  // "q2_k_m, q3_k_m, ..."

// What llama.cpp's rules look at besides the tensor itself.
struct GgufMixtureModel {
    int block_count = 0;         // GGUF block_count (llama.cpp's n_layer_all: trunk + kept MTP)
    int n_expert = 0;            // expert_count
    int n_gqa = 1;               // head_count / head_count_kv (MLA: head_count, as head_count_kv = 1)
    bool tied_embeddings = false;  // no output.weight: token_embd is treated as the output
};

// The mixture's type for one quantizable matrix (not norms/routers: the
// caller keeps those F32), before the shape fallback. reason says which rule
// chose it, e.g. "mixture Q4_K_M: attn_v in a use_more_bits layer -> q6_k".
GgmlType gguf_mixture_type(const GgufMixture& m, const GgufMixtureModel& model, const std::string& name, std::string& reason);

} // namespace moecut

// Names: families, model types, tensor roles and the module names of a
// checkpoint (per-expert layout as released, and the fused transformers-v5
// layout).
#include "moecut/arch.h"

#include <fmt/core.h>

#include <stdexcept>

namespace moecut {

std::string family_model_type(Family f) {
    switch (f) {
    case Family::GlmMoeDsa: return "glm_moe_dsa";
    case Family::Glm4Moe: return "glm4_moe";
    case Family::DeepseekV3: return "deepseek_v3";
    case Family::DeepseekV32: return "deepseek_v32";
    case Family::Qwen3Moe: return "qwen3_moe";
    case Family::Qwen2Moe: return "qwen2_moe";
    case Family::Mixtral: return "mixtral";
    }
    return "unknown";
}

std::string family_architecture(Family f) {
    switch (f) {
    case Family::GlmMoeDsa: return "GlmMoeDsaForCausalLM";
    case Family::Glm4Moe: return "Glm4MoeForCausalLM";
    case Family::DeepseekV3: return "DeepseekV3ForCausalLM";
    case Family::DeepseekV32: return "DeepseekV32ForCausalLM";
    case Family::Qwen3Moe: return "Qwen3MoeForCausalLM";
    case Family::Qwen2Moe: return "Qwen2MoeForCausalLM";
    case Family::Mixtral: return "MixtralForCausalLM";
    }
    return "unknown";
}

const std::vector<std::string>& supported_model_types() {
    static const std::vector<std::string> types = {
        "glm_moe_dsa", "glm4_moe", "deepseek_v3", "deepseek_v32", "qwen3_moe", "qwen2_moe", "mixtral",
    };
    return types;
}

const char* tensor_role_name(TensorRole r) {
    switch (r) {
    case TensorRole::Embedding: return "embedding";
    case TensorRole::OutputHead: return "output_head";
    case TensorRole::FinalNorm: return "final_norm";
    case TensorRole::Norm: return "norm";
    case TensorRole::Attention: return "attention";
    case TensorRole::Indexer: return "indexer";
    case TensorRole::DenseMlp: return "dense_mlp";
    case TensorRole::Router: return "router";
    case TensorRole::RouterBias: return "router_bias";
    case TensorRole::RoutedExpert: return "routed_expert";
    case TensorRole::SharedExpert: return "shared_expert";
    case TensorRole::SharedExpertGate: return "shared_expert_gate";
    case TensorRole::Mtp: return "mtp";
    }
    return "unknown";
}

std::string ArchDescriptor::layer_prefix(int layer) const {
    return fmt::format("model.layers.{}.", layer);
}

std::string ArchDescriptor::mlp_prefix(int layer, ExpertLayout layout) const {
    // Released Mixtral checkpoints keep the MoE block under block_sparse_moe;
    // transformers v5 renames it to mlp when it fuses the experts.
    if (family == Family::Mixtral && layout == ExpertLayout::PerExpert)
        return layer_prefix(layer) + "block_sparse_moe.";
    return layer_prefix(layer) + "mlp.";
}

std::string ArchDescriptor::router_weight(int layer, ExpertLayout layout) const {
    return mlp_prefix(layer, layout) + "gate.weight";
}

std::string ArchDescriptor::router_bias(int layer) const {
    return mlp_prefix(layer) + "gate.e_score_correction_bias";
}

std::string ArchDescriptor::expert_weight(int layer, int expert, int proj) const {
    static const char* const kStd[3] = {"gate_proj", "up_proj", "down_proj"};
    static const char* const kMixtral[3] = {"w1", "w3", "w2"};
    if (proj < 0 || proj > 2) throw std::invalid_argument("expert_weight: proj must be 0, 1 or 2");
    const char* p = family == Family::Mixtral ? kMixtral[proj] : kStd[proj];
    return fmt::format("{}experts.{}.{}.weight", mlp_prefix(layer), expert, p);
}

std::string ArchDescriptor::fused_expert_weight(int layer, int which) const {
    if (which < 0 || which > 1) throw std::invalid_argument("fused_expert_weight: which must be 0 or 1");
    return mlp_prefix(layer, ExpertLayout::Fused) + (which == 0 ? "experts.gate_up_proj" : "experts.down_proj");
}

std::string ArchDescriptor::expert_count_field() const {
    if (!expert_count_key.empty()) return expert_count_key;
    switch (family) {
    case Family::Qwen3Moe:
    case Family::Qwen2Moe: return "num_experts";
    case Family::Mixtral: return "num_local_experts";
    default: return "n_routed_experts";
    }
}

} // namespace moecut

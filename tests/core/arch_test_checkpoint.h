// Checkpoints for the inspect tests, written from a config's expected tensors
// (zero-filled, or sparse), with edits: tensors removed, added, reshaped or
// stored as FP8. Header-only; used by tests/core and tests/cli.
#pragma once

#include "moecut/arch.h"
#include "moecut/safetensors_writer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

namespace moecut::test {

struct TensorSpec {
    std::string name;
    DType dtype = DType::BF16;
    std::vector<std::int64_t> shape;
};

// The required tensors of a config, as BF16 (correction biases F32).
inline std::vector<TensorSpec> arch_tensor_specs(const ArchDescriptor& d, ExpertLayout layout,
                                                 bool with_optional = false) {
    std::vector<TensorSpec> out;
    for (const auto& t : d.expected_tensors(layout)) {
        if (!t.required && !with_optional) continue;
        out.push_back({t.name, t.role == TensorRole::RouterBias ? DType::F32 : DType::BF16, t.shape});
    }
    return out;
}

inline void erase_tensor(std::vector<TensorSpec>& specs, const std::string& name) {
    specs.erase(std::remove_if(specs.begin(), specs.end(), [&](const TensorSpec& s) { return s.name == name; }),
                specs.end());
}

inline TensorSpec* find_tensor(std::vector<TensorSpec>& specs, const std::string& name) {
    for (auto& s : specs)
        if (s.name == name) return &s;
    return nullptr;
}

// config.json plus the tensors, zero-filled (or holes when sparse).
inline void write_arch_checkpoint(const std::filesystem::path& dir, const nlohmann::json& config,
                                  const std::vector<TensorSpec>& specs, bool sparse = false,
                                  std::uint64_t max_shard_bytes = 5ull << 30) {
    std::filesystem::create_directories(dir);
    {
        std::ofstream f(dir / "config.json");
        f << config.dump(2);
    }
    WriterOptions opt;
    opt.sparse = sparse;
    opt.max_shard_bytes = max_shard_bytes;
    CheckpointWriter w(dir, opt);
    for (const auto& s : specs) {
        std::uint64_t n = dtype_size(s.dtype);
        for (auto v : s.shape) n *= static_cast<std::uint64_t>(v);
        w.add(s.name, s.dtype, s.shape, [n](ByteSink& sink) {
            static const std::vector<std::byte> zeros(1 << 16);
            for (std::uint64_t done = 0; done < n;) {
                const std::uint64_t k = std::min<std::uint64_t>(zeros.size(), n - done);
                sink.write(std::span<const std::byte>(zeros.data(), k));
                done += k;
            }
        });
    }
    w.finish();
}

// A small GLM-5.2-shaped config: 6 layers (1 dense), IndexShare (full 0,1,3,5),
// 8 experts top-2, one shared expert, one MTP layer.
inline nlohmann::json small_glm_config() {
    return nlohmann::json{
        {"model_type", "glm_moe_dsa"}, {"architectures", {"GlmMoeDsaForCausalLM"}},
        {"hidden_size", 64}, {"intermediate_size", 96}, {"moe_intermediate_size", 16},
        {"num_attention_heads", 4}, {"num_key_value_heads", 4}, {"q_lora_rank", 32}, {"kv_lora_rank", 16},
        {"qk_nope_head_dim", 8}, {"qk_rope_head_dim", 4}, {"v_head_dim", 8}, {"n_routed_experts", 8},
        {"num_experts_per_tok", 2}, {"n_shared_experts", 1}, {"first_k_dense_replace", 1},
        {"norm_topk_prob", true}, {"routed_scaling_factor", 2.5}, {"scoring_func", "sigmoid"},
        {"topk_method", "noaux_tc"}, {"n_group", 1}, {"topk_group", 1}, {"vocab_size", 128},
        {"num_hidden_layers", 6}, {"num_nextn_predict_layers", 1}, {"index_n_heads", 2},
        {"index_head_dim", 8}, {"index_topk", 16}, {"index_topk_freq", 2}, {"index_skip_topk_offset", 2},
        {"rope_parameters", {{"rope_theta", 8000000.0}, {"rope_type", "default"}}},
        {"max_position_embeddings", 512}, {"rms_norm_eps", 1e-5}, {"tie_word_embeddings", false}};
}

} // namespace moecut::test

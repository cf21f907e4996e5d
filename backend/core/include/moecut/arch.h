// The architecture descriptor: everything moecut needs to know about a
// supported MoE family, read from config.json. Nothing here reads weights.
//
// Supported model_type values: glm_moe_dsa (GLM-5/5.1/5.2), glm4_moe
// (GLM-4.5/4.6/4.7), deepseek_v3, deepseek_v32, qwen3_moe, qwen2_moe, mixtral.
// Reference notes: shared/specs/moe_arch.md.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace moecut {

enum class Family { GlmMoeDsa, Glm4Moe, DeepseekV3, DeepseekV32, Qwen3Moe, Qwen2Moe, Mixtral };
enum class Scoring { Softmax, Sigmoid };
enum class AttentionKind { Gqa, Mla };
enum class ExpertLayout { PerExpert, Fused };  // experts.{e}.gate_proj.weight vs experts.gate_up_proj
enum class RopeStyle { Interleaved, HalfSplit };

std::string family_model_type(Family f);   // "glm_moe_dsa", ...
std::string family_architecture(Family f); // "GlmMoeDsaForCausalLM", ...
const std::vector<std::string>& supported_model_types();

struct RopeSpec {
    double theta = 10000.0;
    std::string type = "default";            // "default" or "yarn"
    double factor = 1.0;                     // yarn
    std::int64_t original_max_position = 0;  // yarn
    double beta_fast = 32.0, beta_slow = 1.0;
    double mscale = 1.0, mscale_all_dim = 0.0;
    std::int64_t rotary_dim = 0;             // dims rotated per head
    RopeStyle style = RopeStyle::HalfSplit;
};

struct AttentionSpec {
    AttentionKind kind = AttentionKind::Gqa;
    std::int64_t n_heads = 0, n_kv_heads = 0;
    std::int64_t head_dim = 0;           // GQA
    bool qkv_bias = false, o_bias = false;
    bool qk_norm = false;                // per-head RMSNorm on q and k (Qwen3, GLM-4.5 use_qk_norm)
    std::int64_t q_lora_rank = 0;        // MLA; 0 = no q LoRA (q_proj directly)
    std::int64_t kv_lora_rank = 0;
    std::int64_t qk_nope_head_dim = 0, qk_rope_head_dim = 0, v_head_dim = 0;
    std::int64_t sliding_window = 0;     // 0 = none
    RopeSpec rope;
    double softmax_scale = 0;            // including YaRN mscale where it applies
};

struct IndexerSpec {
    std::int64_t n_heads = 0, head_dim = 0, topk = 0;
    RopeStyle rope_style = RopeStyle::Interleaved;
};

struct RouterSpec {
    Scoring scoring = Scoring::Softmax;
    bool correction_bias = false;        // e_score_correction_bias, selection only
    std::int64_t n_group = 1, topk_group = 1;
    bool norm_topk_prob = false;
    double routed_scaling_factor = 1.0;
    std::int64_t top_k = 0;
    std::int64_t n_experts = 0;
};

enum class IndexerKind { None, Full, Shared };

struct LayerSpec {
    int index = 0;
    bool is_mtp = false;
    bool is_moe = false;
    IndexerKind indexer = IndexerKind::None;
};

// The role of a tensor in the model, for summaries and quantisation rules.
enum class TensorRole {
    Embedding, OutputHead, FinalNorm, Norm, Attention, Indexer, DenseMlp, Router, RouterBias,
    RoutedExpert, SharedExpert, SharedExpertGate, Mtp,
};

struct ExpectedTensor {
    std::string name;
    std::vector<std::int64_t> shape;
    TensorRole role;
    int layer = -1;   // -1 for globals
    int expert = -1;  // routed expert id, or -1
    bool required = true;  // false: may be absent (e.g. DeepSeek MTP embed copies)
};

struct ArchDescriptor {
    Family family{};
    std::string model_type;
    std::int64_t hidden_size = 0, vocab_size = 0;
    std::int64_t intermediate_size = 0;      // dense MLP
    std::int64_t moe_intermediate_size = 0;  // one routed expert
    std::int64_t n_shared_experts = 0;
    std::int64_t shared_intermediate_size = 0;  // total width of the shared expert MLP
    bool shared_expert_gate = false;         // Qwen2-MoE sigmoid gate
    bool tie_word_embeddings = false;
    double rms_norm_eps = 1e-6;
    std::int64_t num_hidden_layers = 0;      // trunk layers
    std::int64_t num_mtp_layers = 0;         // at indices num_hidden_layers..
    bool mtp_has_embed = false;              // DeepSeek/GLM-4.5 ship embed_tokens and shared_head.head in MTP
    std::int64_t max_position_embeddings = 0;
    AttentionSpec attention;
    RouterSpec router;
    std::optional<IndexerSpec> indexer;      // DSA families only
    std::vector<LayerSpec> layers;           // trunk then MTP layers
    std::vector<std::int64_t> eos_token_ids; // from config.json, if any
    std::string expert_count_key;            // the field the expert count was read from

    // Throws InputError("CONFIG: problem") for unknown model_type (naming the
    // supported ones) or missing/invalid fields.
    static ArchDescriptor from_config(const nlohmann::json& config, const std::string& config_path);
    static ArchDescriptor from_file(const std::filesystem::path& config_json);

    std::vector<int> moe_layers() const;     // trunk MoE layer indices
    std::vector<int> dense_layers() const;
    std::vector<int> mtp_layers() const;
    std::vector<int> indexer_full_layers() const;    // trunk layers only
    std::vector<int> indexer_shared_layers() const;

    // Every tensor a checkpoint of this config holds, in a canonical order.
    // Indexer tensors appear on Full layers only (trunk and MTP). MTP layers list
    // their embed_tokens / shared_head.head copies with required=false; a new
    // checkpoint carries them iff mtp_has_embed.
    std::vector<ExpectedTensor> expected_tensors(ExpertLayout layout = ExpertLayout::PerExpert) const;
    // The DSA indexer tensors of a layer (whatever its schedule; empty without
    // an indexer). Shared layers may carry them; they are then ignored.
    std::vector<ExpectedTensor> indexer_tensors(int layer) const;

    // Parameter counts implied by the config (all tensors / those a token uses).
    std::int64_t params_total() const;
    std::int64_t params_active() const;

    // Names of modules, for the runtime and the pruner.
    std::string layer_prefix(int layer) const;                // "model.layers.7."
    // Per-expert layout unless told: Mixtral's block is "block_sparse_moe." there
    // and "mlp." in the fused layout; every other family uses "mlp." in both.
    std::string mlp_prefix(int layer, ExpertLayout layout = ExpertLayout::PerExpert) const;
    std::string router_weight(int layer, ExpertLayout layout = ExpertLayout::PerExpert) const;  // ...gate.weight
    std::string router_bias(int layer) const;                 // ...gate.e_score_correction_bias
    std::string expert_weight(int layer, int expert, int proj) const;  // proj 0 gate, 1 up, 2 down
    // Fused layout: which 0 = "...mlp.experts.gate_up_proj" [E, 2*I, H], 1 = "...mlp.experts.down_proj" [E, H, I].
    std::string fused_expert_weight(int layer, int which) const;
    // The config field holding the routed expert count ("n_routed_experts", ...).
    std::string expert_count_field() const;
};

const char* tensor_role_name(TensorRole r);

} // namespace moecut

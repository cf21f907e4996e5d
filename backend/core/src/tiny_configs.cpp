// The config.json of each family's tiny test model, and GLM-5.2's real one.
//
// Tiny models keep every structural feature of their family (dense first
// layers, shared experts, the MTP layer, group-limited routing, the DSA
// indexer on full layers only, correction bias, biases and QK norms) at
// hidden 64 / vocab 512, so that tests run in milliseconds. The values were
// checked against transformers 5.24 (scripts/check_transformers_load.py,
// docs/test-checkpoints.md). Some widths (kv_a 24, experts 40) are not
// multiples of the tiny FP8 block (16), so FP8 variants have partial edge blocks.
#include "moecut/tiny_checkpoint.h"

#include <string>
#include <vector>

namespace moecut {
namespace {

using nlohmann::json;

json common(const char* model_type, const char* architecture) {
    return json{
        {"architectures", json::array({architecture})},
        {"model_type", model_type},
        {"vocab_size", 512},
        {"hidden_size", 64},
        {"hidden_act", "silu"},
        {"initializer_range", 0.02},
        {"tie_word_embeddings", false},
        {"use_cache", true},
        {"dtype", "float32"},
    };
}

// DeepSeek-style multi-head latent attention, 4 heads.
void add_mla(json& c) {
    c["num_attention_heads"] = 4;
    c["num_key_value_heads"] = 4;
    c["q_lora_rank"] = 32;
    c["kv_lora_rank"] = 16;
    c["qk_nope_head_dim"] = 16;
    c["qk_rope_head_dim"] = 8;
    c["v_head_dim"] = 16;
    c["attention_bias"] = false;
    c["attention_dropout"] = 0.0;
}

// Sigmoid routing with correction bias, shared expert and one MTP layer.
void add_deepseek_moe(json& c, int experts, int top_k, int n_group, int topk_group) {
    c["intermediate_size"] = 96;
    c["moe_intermediate_size"] = 40;
    c["n_routed_experts"] = experts;
    c["num_experts_per_tok"] = top_k;
    c["n_shared_experts"] = 1;
    c["moe_layer_freq"] = 1;
    c["n_group"] = n_group;
    c["topk_group"] = topk_group;
    c["norm_topk_prob"] = true;
    c["routed_scaling_factor"] = 2.5;
    c["scoring_func"] = "sigmoid";
    c["topk_method"] = "noaux_tc";
    c["num_nextn_predict_layers"] = 1;
}

json tiny_glm_moe_dsa() {
    json c = common("glm_moe_dsa", "GlmMoeDsaForCausalLM");
    add_mla(c);
    add_deepseek_moe(c, 16, 4, 1, 1);
    c["num_hidden_layers"] = 5;
    c["first_k_dense_replace"] = 1;
    c["mlp_layer_types"] = {"dense", "sparse", "sparse", "sparse", "sparse"};
    c["head_dim"] = 8;     // GLM-5 configs carry it; transformers overwrites it with qk_rope_head_dim
    c["qk_head_dim"] = 24;
    c["index_n_heads"] = 4;
    c["index_head_dim"] = 16;
    c["index_topk"] = 8;   // a sequence longer than 8 exercises the indexer
    // indexer_types is authoritative; freq/offset give the same schedule.
    c["index_topk_freq"] = 2;
    c["index_skip_topk_offset"] = 2;
    c["indexer_types"] = {"full", "full", "shared", "full", "shared"};
    c["indexer_rope_interleave"] = true;
    c["rope_interleave"] = true;
    c["rope_parameters"] = {{"rope_theta", 8000000.0}, {"rope_type", "default"}};
    c["max_position_embeddings"] = 4096;
    c["rms_norm_eps"] = 1e-5;
    c["pad_token_id"] = 0;
    c["bos_token_id"] = 1;
    c["eos_token_id"] = {2, 3};
    return c;
}

json tiny_deepseek_v3() {
    json c = common("deepseek_v3", "DeepseekV3ForCausalLM");
    add_mla(c);
    add_deepseek_moe(c, 16, 4, 4, 2);  // 4 groups of 4 experts, 2 groups kept
    c["num_hidden_layers"] = 5;
    c["first_k_dense_replace"] = 2;
    c["rope_theta"] = 10000.0;
    c["rope_scaling"] = {{"type", "yarn"},
                         {"factor", 40.0},
                         {"original_max_position_embeddings", 4096},
                         {"beta_fast", 32.0},
                         {"beta_slow", 1.0},
                         {"mscale", 1.0},
                         {"mscale_all_dim", 1.0}};
    c["max_position_embeddings"] = 163840;
    c["rms_norm_eps"] = 1e-6;
    c["bos_token_id"] = 0;
    c["eos_token_id"] = 1;
    return c;
}

json tiny_deepseek_v32() {
    json c = tiny_deepseek_v3();
    c["architectures"] = json::array({"DeepseekV32ForCausalLM"});
    c["model_type"] = "deepseek_v32";
    c["num_hidden_layers"] = 4;
    c["first_k_dense_replace"] = 1;
    c["index_n_heads"] = 4;
    c["index_head_dim"] = 16;
    c["index_topk"] = 8;
    return c;
}

json tiny_glm4_moe() {
    json c = common("glm4_moe", "Glm4MoeForCausalLM");
    c["num_hidden_layers"] = 4;
    c["num_attention_heads"] = 6;  // 6 x 16 = 96 != hidden, as in GLM-4.5
    c["num_key_value_heads"] = 2;
    c["head_dim"] = 16;
    c["partial_rotary_factor"] = 0.5;
    c["attention_bias"] = true;
    c["use_qk_norm"] = true;
    c["attention_dropout"] = 0.0;
    c["intermediate_size"] = 96;
    c["moe_intermediate_size"] = 40;
    c["n_routed_experts"] = 16;
    c["num_experts_per_tok"] = 4;
    c["n_shared_experts"] = 1;
    c["first_k_dense_replace"] = 1;
    c["n_group"] = 1;
    c["topk_group"] = 1;
    c["norm_topk_prob"] = true;
    c["routed_scaling_factor"] = 2.5;
    c["num_nextn_predict_layers"] = 1;
    c["rope_theta"] = 1000000.0;
    c["max_position_embeddings"] = 4096;
    c["rms_norm_eps"] = 1e-5;
    c["pad_token_id"] = 0;
    c["bos_token_id"] = 1;
    c["eos_token_id"] = {2, 3};
    return c;
}

json tiny_qwen3_moe() {
    json c = common("qwen3_moe", "Qwen3MoeForCausalLM");
    c["num_hidden_layers"] = 4;
    c["num_attention_heads"] = 4;
    c["num_key_value_heads"] = 2;
    c["head_dim"] = 32;  // explicit: q_proj is 128 wide, hidden is 64
    c["attention_bias"] = false;
    c["attention_dropout"] = 0.0;
    c["intermediate_size"] = 96;
    c["moe_intermediate_size"] = 40;
    c["num_experts"] = 16;
    c["num_experts_per_tok"] = 4;
    c["norm_topk_prob"] = true;
    c["decoder_sparse_step"] = 1;
    c["mlp_only_layers"] = json::array();
    c["rope_theta"] = 1000000.0;
    c["rope_scaling"] = nullptr;
    c["use_sliding_window"] = false;
    c["sliding_window"] = nullptr;
    c["max_position_embeddings"] = 4096;
    c["rms_norm_eps"] = 1e-6;
    c["router_aux_loss_coef"] = 0.001;
    c["output_router_logits"] = false;
    c["bos_token_id"] = 1;
    c["eos_token_id"] = 2;
    return c;
}

json tiny_qwen2_moe() {
    // Like Qwen1.5-MoE: no qkv_bias field (the biases are implied), a gated
    // shared expert twice an expert's width, raw softmax weights.
    json c = common("qwen2_moe", "Qwen2MoeForCausalLM");
    c["num_hidden_layers"] = 4;
    c["num_attention_heads"] = 4;
    c["num_key_value_heads"] = 4;
    c["attention_dropout"] = 0.0;
    c["intermediate_size"] = 96;
    c["moe_intermediate_size"] = 40;
    c["shared_expert_intermediate_size"] = 80;
    c["num_experts"] = 12;
    c["num_experts_per_tok"] = 4;
    c["norm_topk_prob"] = false;
    c["decoder_sparse_step"] = 1;
    c["mlp_only_layers"] = json::array();
    c["rope_theta"] = 1000000.0;
    c["use_sliding_window"] = false;
    c["sliding_window"] = 4096;
    c["max_window_layers"] = 4;
    c["max_position_embeddings"] = 4096;
    c["rms_norm_eps"] = 1e-6;
    c["router_aux_loss_coef"] = 0.001;
    c["output_router_logits"] = false;
    c["bos_token_id"] = 1;
    c["eos_token_id"] = 2;
    return c;
}

json tiny_mixtral() {
    json c = common("mixtral", "MixtralForCausalLM");
    c["num_hidden_layers"] = 4;
    c["num_attention_heads"] = 4;
    c["num_key_value_heads"] = 2;
    c["attention_dropout"] = 0.0;
    c["intermediate_size"] = 40;  // one expert's width
    c["num_local_experts"] = 8;
    c["num_experts_per_tok"] = 2;
    c["rope_theta"] = 1000000.0;
    c["sliding_window"] = nullptr;
    c["max_position_embeddings"] = 4096;
    c["rms_norm_eps"] = 1e-5;
    c["router_aux_loss_coef"] = 0.02;
    c["router_jitter_noise"] = 0.0;
    c["output_router_logits"] = false;
    c["bos_token_id"] = 1;
    c["eos_token_id"] = 2;
    return c;
}

} // namespace

json tiny_config(Family family) {
    switch (family) {
    case Family::GlmMoeDsa: return tiny_glm_moe_dsa();
    case Family::Glm4Moe: return tiny_glm4_moe();
    case Family::DeepseekV3: return tiny_deepseek_v3();
    case Family::DeepseekV32: return tiny_deepseek_v32();
    case Family::Qwen3Moe: return tiny_qwen3_moe();
    case Family::Qwen2Moe: return tiny_qwen2_moe();
    case Family::Mixtral: return tiny_mixtral();
    }
    return tiny_glm_moe_dsa();
}

json glm52_config() {
    constexpr int kLayers = 78;
    constexpr int kDense = 3;
    constexpr int kFreq = 4, kOffset = 3;  // IndexShare: full iff max(i - offset + 1, 0) % freq == 0
    std::vector<std::string> indexer_types, mlp_layer_types;
    for (int i = 0; i < kLayers; ++i) {
        int k = i - kOffset + 1;
        indexer_types.push_back((k < 0 ? 0 : k) % kFreq == 0 ? "full" : "shared");
        mlp_layer_types.push_back(i < kDense ? "dense" : "sparse");
    }
    return json{
        {"architectures", json::array({"GlmMoeDsaForCausalLM"})},
        {"model_type", "glm_moe_dsa"},
        {"attention_bias", false},
        {"attention_dropout", 0.0},
        {"dtype", "bfloat16"},
        {"eos_token_id", {154820, 154827, 154829}},
        {"pad_token_id", 154820},
        {"first_k_dense_replace", kDense},
        {"head_dim", 64},
        {"hidden_act", "silu"},
        {"hidden_size", 6144},
        {"index_head_dim", 128},
        {"index_n_heads", 32},
        {"index_topk", 2048},
        {"index_topk_freq", kFreq},
        {"index_skip_topk_offset", kOffset},
        {"index_topk_pattern", nullptr},
        {"index_share_for_mtp_iteration", true},
        {"indexer_rope_interleave", true},
        {"indexer_types", indexer_types},
        {"initializer_range", 0.02},
        {"intermediate_size", 12288},
        {"kv_lora_rank", 512},
        {"max_position_embeddings", 1048576},
        {"mlp_layer_types", mlp_layer_types},
        {"moe_intermediate_size", 2048},
        {"moe_layer_freq", 1},
        {"moe_router_dtype", "float32"},
        {"n_group", 1},
        {"n_routed_experts", 256},
        {"n_shared_experts", 1},
        {"norm_topk_prob", true},
        {"num_attention_heads", 64},
        {"num_experts_per_tok", 8},
        {"num_hidden_layers", kLayers},
        {"num_key_value_heads", 64},
        {"num_nextn_predict_layers", 1},
        {"q_lora_rank", 2048},
        {"qk_head_dim", 256},
        {"qk_nope_head_dim", 192},
        {"qk_rope_head_dim", 64},
        {"rms_norm_eps", 1e-5},
        {"rope_interleave", true},
        {"rope_parameters", {{"rope_theta", 8000000.0}, {"rope_type", "default"}}},
        {"routed_scaling_factor", 2.5},
        {"scoring_func", "sigmoid"},
        {"tie_word_embeddings", false},
        {"topk_group", 1},
        {"topk_method", "noaux_tc"},
        {"use_cache", true},
        {"v_head_dim", 256},
        {"vocab_size", 154880},
    };
}

} // namespace moecut

// The non-weight files of the tiny trained model (include/moecut/tiny_model.h).
#include "moecut/tiny_model.h"

#include <algorithm>
#include <string>

namespace moecut {

using nlohmann::json;

const std::vector<std::string>& tiny_special_tokens() {
    static const std::vector<std::string> kTokens = {
        "<|endoftext|>", "[MASK]",        "[gMASK]",         "[sMASK]", "<sop>",   "<eop>",
        "<|system|>",    "<|user|>",      "<|assistant|>",   "<|observation|>", "<think>", "</think>"};
    return kTokens;
}

namespace {

std::int64_t special_id(const std::string& token) {
    const auto& t = tiny_special_tokens();
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t[i] == token) return static_cast<std::int64_t>(i);
    return -1;
}

} // namespace

json tiny_model_config(const TinyModelSpec& s) {
    const std::int64_t head_rope = 16, head_nope = 32, v_head = 32;
    json c{
        {"architectures", json::array({"GlmMoeDsaForCausalLM"})},
        {"model_type", "glm_moe_dsa"},
        {"vocab_size", s.vocab_size},
        {"hidden_size", s.hidden},
        {"hidden_act", "silu"},
        {"initializer_range", 0.02},
        {"tie_word_embeddings", false},
        {"use_cache", true},
        {"dtype", "float32"},
        {"num_attention_heads", s.heads},
        {"num_key_value_heads", s.heads},
        {"q_lora_rank", s.hidden / 2},
        {"kv_lora_rank", s.hidden / 4},
        {"qk_nope_head_dim", head_nope},
        {"qk_rope_head_dim", head_rope},
        {"qk_head_dim", head_nope + head_rope},
        {"head_dim", head_rope},
        {"v_head_dim", v_head},
        {"attention_bias", false},
        {"attention_dropout", 0.0},
        {"intermediate_size", s.dense_intermediate},
        {"moe_intermediate_size", s.moe_intermediate},
        {"n_routed_experts", s.experts},
        {"num_experts_per_tok", s.top_k},
        {"n_shared_experts", 1},
        {"moe_layer_freq", 1},
        {"first_k_dense_replace", 1},
        {"n_group", 1},
        {"topk_group", 1},
        {"norm_topk_prob", true},
        {"routed_scaling_factor", 2.5},
        {"scoring_func", "sigmoid"},
        {"topk_method", "noaux_tc"},
        {"num_nextn_predict_layers", 1},
        {"num_hidden_layers", s.layers},
        {"index_n_heads", 4},
        {"index_head_dim", 32},
        {"index_topk", s.max_seq},
        {"index_topk_freq", 2},
        {"index_skip_topk_offset", 2},
        {"indexer_rope_interleave", true},
        {"rope_interleave", true},
        {"rope_parameters", {{"rope_theta", 10000.0}, {"rope_type", "default"}}},
        {"max_position_embeddings", 4 * s.max_seq},
        {"rms_norm_eps", 1e-5},
        {"pad_token_id", special_id("<|endoftext|>")},
        {"bos_token_id", special_id("<sop>")},
        {"eos_token_id", json::array({special_id("<|endoftext|>"), special_id("<|user|>"),
                                      special_id("<|observation|>")})},
    };
    json mlp = json::array(), idx = json::array();
    for (std::int64_t i = 0; i < s.layers; ++i) {
        mlp.push_back(i == 0 ? "dense" : "sparse");
        // transformers' rule for index_topk_freq 2, index_skip_topk_offset 2:
        // full iff max(i - 1, 0) % 2 == 0 (full, full, shared, full, shared, ...).
        idx.push_back(std::max<std::int64_t>(i - 1, 0) % 2 == 0 ? "full" : "shared");
    }
    c["mlp_layer_types"] = mlp;
    c["indexer_types"] = idx;
    return c;
}

const std::string& tiny_chat_template() {
    static const std::string kTemplate =
        "[gMASK]<sop>"
        "{%- for m in messages -%}"
        "{%- if m.role == 'system' -%}<|system|>\n{{ m.content }}"
        "{%- elif m.role == 'user' -%}<|user|>\n{{ m.content }}"
        "{%- elif m.role == 'assistant' -%}<|assistant|>\n{{ m.content }}"
        "{%- elif m.role == 'tool' -%}<|observation|>\n{{ m.content }}"
        "{%- endif -%}"
        "{%- endfor -%}"
        "{%- if add_generation_prompt -%}{{ '<|assistant|>\n' }}{%- endif -%}";
    return kTemplate;
}

json tiny_tokenizer_config(const TinyModelSpec& s) {
    return json{{"tokenizer_class", "PreTrainedTokenizerFast"},
                {"model_max_length", 4 * s.max_seq},
                {"eos_token", "<|endoftext|>"},
                {"pad_token", "<|endoftext|>"},
                {"clean_up_tokenization_spaces", false},
                {"chat_template", tiny_chat_template()}};
}

json tiny_generation_config() {
    return json{{"eos_token_id", json::array({special_id("<|endoftext|>"), special_id("<|user|>"),
                                              special_id("<|observation|>")})},
                {"pad_token_id", special_id("<|endoftext|>")},
                {"bos_token_id", special_id("<sop>")}};
}

} // namespace moecut

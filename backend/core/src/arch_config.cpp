// ArchDescriptor::from_config: the structure of a supported MoE family, read
// from config.json. Defaults follow the transformers 5.24 config classes; the
// fields that fix tensor shapes are required.
#include "arch_parse.h"

#include "moecut/checkpoint.h"
#include "moecut/error.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <cmath>

namespace moecut {

using nlohmann::json;
using detail::ConfigFields;

namespace {

constexpr std::int64_t kMaxLayers = 4096;
constexpr std::int64_t kMaxExperts = 1 << 16;

Family family_of(const ConfigFields& f) {
    const json* mt = f.get("model_type");
    if (!mt) f.fail("missing required field 'model_type'");
    if (!mt->is_string()) f.fail(fmt::format("field 'model_type' must be a string, got {}", mt->dump()));
    const std::string s = mt->get<std::string>();
    for (Family fam : {Family::GlmMoeDsa, Family::Glm4Moe, Family::DeepseekV3, Family::DeepseekV32, Family::Qwen3Moe,
                       Family::Qwen2Moe, Family::Mixtral})
        if (family_model_type(fam) == s) return fam;
    f.fail(fmt::format("unsupported model_type '{}' (supported: {})", s, fmt::join(supported_model_types(), ", ")));
}

bool is_mla(Family f) {
    return f == Family::GlmMoeDsa || f == Family::DeepseekV3 || f == Family::DeepseekV32;
}

// DeepSeek-V3 / V3.2 / GLM-5: MLA attention, sigmoid router with correction
// bias, shared experts, optional DSA indexer.
void parse_mla_family(const ConfigFields& f, ArchDescriptor& d) {
    const Family fam = d.family;
    AttentionSpec& a = d.attention;
    a.kind = AttentionKind::Mla;
    // q_lora_rank may be null (no q LoRA: q_proj directly) but must be stated.
    if (!f.root().contains("q_lora_rank")) f.fail("missing required field 'q_lora_rank'");
    a.q_lora_rank = f.int_opt("q_lora_rank", 0, 1);
    a.kv_lora_rank = f.int_req("kv_lora_rank");
    a.qk_nope_head_dim = f.int_req("qk_nope_head_dim");
    a.qk_rope_head_dim = f.int_req("qk_rope_head_dim");
    a.v_head_dim = f.int_req("v_head_dim");
    a.head_dim = a.qk_nope_head_dim + a.qk_rope_head_dim;  // config head_dim is meaningless for MLA
    const bool bias = f.bool_opt("attention_bias", false);
    a.qkv_bias = bias;  // q_a_proj and kv_a_proj_with_mqa
    a.o_bias = bias;
    const RopeStyle main_style = f.bool_opt("rope_interleave", true) ? RopeStyle::Interleaved : RopeStyle::HalfSplit;
    a.rope = detail::parse_rope(f, 10000.0, a.qk_rope_head_dim, false, 1.0, main_style, d.max_position_embeddings);
    a.softmax_scale = 1.0 / std::sqrt(static_cast<double>(a.head_dim));
    if (a.rope.type != "default" && a.rope.mscale_all_dim != 0.0) {
        const double m = detail::yarn_mscale(a.rope.factor, a.rope.mscale_all_dim);
        a.softmax_scale *= m * m;
    }

    d.intermediate_size = f.int_req("intermediate_size");
    d.moe_intermediate_size = f.int_req("moe_intermediate_size");
    d.router.n_experts = f.int_req_any({"n_routed_experts", "num_local_experts", "num_experts"}, &d.expert_count_key);
    d.n_shared_experts = f.int_opt("n_shared_experts", 1, 0);
    d.shared_intermediate_size = d.moe_intermediate_size * d.n_shared_experts;

    RouterSpec& r = d.router;
    const std::string scoring = f.str_opt("scoring_func", "sigmoid");
    if (scoring == "sigmoid") r.scoring = Scoring::Sigmoid;
    else if (scoring == "softmax") r.scoring = Scoring::Softmax;
    else f.fail(fmt::format("field 'scoring_func' is '{}', expected 'sigmoid' or 'softmax'", scoring));
    // transformers always has e_score_correction_bias; vLLM only for noaux_tc.
    r.correction_bias = f.str_opt("topk_method", "noaux_tc") == "noaux_tc";
    const bool v3 = fam == Family::DeepseekV3 || fam == Family::DeepseekV32;
    r.n_group = f.int_opt("n_group", v3 ? 8 : 1, 1);
    r.topk_group = f.int_opt("topk_group", v3 ? 4 : 1, 1);
    r.norm_topk_prob = f.bool_opt("norm_topk_prob", true);
    r.routed_scaling_factor = f.num_opt("routed_scaling_factor", 2.5);

    // transformers: DeepseekV3Config.num_mtp_layers (alias of num_nextn_predict_layers)
    // defaults to 1; the V3.2 and GLM-5 classes do not know MTP layers at all.
    d.num_mtp_layers = f.int_opt("num_nextn_predict_layers",
                                 f.int_opt("num_mtp_layers", fam == Family::DeepseekV3 ? 1 : 0, 0), 0);
    d.mtp_has_embed = fam != Family::GlmMoeDsa;

    if (fam == Family::GlmMoeDsa || fam == Family::DeepseekV32) {
        if (a.q_lora_rank == 0) f.fail("the DSA indexer needs q_lora_rank (it projects the q LoRA output)");
        IndexerSpec ix;
        ix.n_heads = f.int_opt("index_n_heads", fam == Family::GlmMoeDsa ? 32 : 64, 1);
        ix.head_dim = f.int_opt("index_head_dim", 128, 1);
        ix.topk = f.int_opt("index_topk", 2048, 1);
        // GLM-5.x: interleaved indexer RoPE (transformers PR #46842); V3.2: half-split.
        ix.rope_style = fam == Family::GlmMoeDsa && f.bool_opt("indexer_rope_interleave", true)
                            ? RopeStyle::Interleaved
                            : RopeStyle::HalfSplit;
        if (ix.head_dim < a.qk_rope_head_dim)
            f.fail(fmt::format("index_head_dim {} is smaller than qk_rope_head_dim {}", ix.head_dim,
                               a.qk_rope_head_dim));
        d.indexer = ix;
    }
}

// GQA families: GLM-4.5, Qwen3-MoE, Qwen2-MoE, Mixtral.
void parse_gqa_family(const ConfigFields& f, ArchDescriptor& d) {
    const Family fam = d.family;
    AttentionSpec& a = d.attention;
    a.kind = AttentionKind::Gqa;
    a.head_dim = f.int_opt("head_dim", 0, 1);
    if (a.head_dim == 0) {
        if (d.hidden_size % a.n_heads != 0)
            f.fail("missing required field 'head_dim' (hidden_size is not a multiple of num_attention_heads)");
        a.head_dim = d.hidden_size / a.n_heads;
    }
    RouterSpec& r = d.router;
    switch (fam) {
    case Family::Glm4Moe:
        a.qkv_bias = f.bool_opt("attention_bias", false);
        a.qk_norm = f.bool_opt("use_qk_norm", false);
        a.rope = detail::parse_rope(f, 10000.0, a.head_dim, true, 0.5, RopeStyle::HalfSplit,
                                    d.max_position_embeddings);
        d.intermediate_size = f.int_req("intermediate_size");
        d.moe_intermediate_size = f.int_req("moe_intermediate_size");
        r.n_experts = f.int_req_any({"n_routed_experts", "num_local_experts", "num_experts"}, &d.expert_count_key);
        d.n_shared_experts = f.int_opt("n_shared_experts", 1, 0);
        d.shared_intermediate_size = d.moe_intermediate_size * d.n_shared_experts;
        r.scoring = Scoring::Sigmoid;  // always sigmoid with correction bias
        r.correction_bias = true;
        r.n_group = f.int_opt("n_group", 1, 1);
        r.topk_group = f.int_opt("topk_group", 1, 1);
        r.norm_topk_prob = f.bool_opt("norm_topk_prob", true);
        r.routed_scaling_factor = f.num_opt("routed_scaling_factor", 1.0);
        d.num_mtp_layers = f.int_opt("num_nextn_predict_layers", f.int_opt("num_mtp_layers", 1, 0), 0);
        d.mtp_has_embed = true;
        break;
    case Family::Qwen3Moe:
    case Family::Qwen2Moe: {
        const bool q3 = fam == Family::Qwen3Moe;
        if (q3) {
            a.qkv_bias = a.o_bias = f.bool_opt("attention_bias", false);
            a.qk_norm = true;
        } else {
            a.qkv_bias = f.bool_opt("qkv_bias", true);  // old configs lack it; the weights have biases
        }
        if (f.bool_opt("use_sliding_window", false)) a.sliding_window = f.int_opt("sliding_window", 0, 0);
        a.rope = detail::parse_rope(f, 10000.0, a.head_dim, true, 1.0, RopeStyle::HalfSplit, d.max_position_embeddings);
        d.moe_intermediate_size = f.int_req("moe_intermediate_size");
        r.n_experts = f.int_req_any({"num_experts", "num_local_experts"}, &d.expert_count_key, 0);
        if (!q3) {
            d.shared_intermediate_size = f.int_opt("shared_expert_intermediate_size", 5632, 0);
            d.n_shared_experts = d.shared_intermediate_size > 0 ? 1 : 0;
            d.shared_expert_gate = d.n_shared_experts > 0;
        }
        r.scoring = Scoring::Softmax;
        r.norm_topk_prob = f.bool_opt("norm_topk_prob", false);
        break;
    }
    case Family::Mixtral:
        if (const json* sw = f.get("sliding_window")) a.sliding_window = f.as_int(*sw, "sliding_window", 0);
        a.rope = detail::parse_rope(f, 1e6, a.head_dim, true, 1.0, RopeStyle::HalfSplit, d.max_position_embeddings);
        d.moe_intermediate_size = f.int_req("intermediate_size");  // the expert width
        r.n_experts = f.int_req_any({"num_local_experts", "num_experts"}, &d.expert_count_key);
        r.scoring = Scoring::Softmax;
        r.norm_topk_prob = true;  // Mixtral always renormalises the top-k
        break;
    default: break;
    }
    a.softmax_scale = 1.0 / std::sqrt(static_cast<double>(a.head_dim));
}

void check_router(const ConfigFields& f, const ArchDescriptor& d) {
    const RouterSpec& r = d.router;
    if (r.n_experts > kMaxExperts) f.fail(fmt::format("{} experts is more than moecut supports", r.n_experts));
    if (r.n_experts > 0 && r.top_k > r.n_experts)
        f.fail(fmt::format("num_experts_per_tok {} exceeds the expert count {}", r.top_k, r.n_experts));
    if (r.n_experts % r.n_group != 0)
        f.fail(fmt::format("expert count {} is not a multiple of n_group {}", r.n_experts, r.n_group));
    if (r.topk_group > r.n_group)
        f.fail(fmt::format("topk_group {} exceeds n_group {}", r.topk_group, r.n_group));
    if (r.n_group > 1 && r.top_k > r.topk_group * (r.n_experts / r.n_group))
        f.fail(fmt::format("num_experts_per_tok {} exceeds the {} experts of the topk_group best groups", r.top_k,
                           r.topk_group * (r.n_experts / r.n_group)));
}

} // namespace

ArchDescriptor ArchDescriptor::from_config(const json& config, const std::string& config_path) {
    if (!config.is_object()) throw_input(config_path, "config is not a JSON object");
    const ConfigFields f(config, config_path);
    ArchDescriptor d;
    d.family = family_of(f);
    d.model_type = family_model_type(d.family);
    d.hidden_size = f.int_req("hidden_size");
    d.vocab_size = f.int_req("vocab_size");
    d.num_hidden_layers = f.int_req("num_hidden_layers");
    if (d.num_hidden_layers > kMaxLayers)
        f.fail(fmt::format("num_hidden_layers {} is more than moecut supports", d.num_hidden_layers));
    d.tie_word_embeddings = f.bool_opt("tie_word_embeddings", false);
    const bool eps_1e5 = d.family == Family::GlmMoeDsa || d.family == Family::Glm4Moe || d.family == Family::Mixtral;
    d.rms_norm_eps = f.num_opt("rms_norm_eps", eps_1e5 ? 1e-5 : 1e-6);
    d.max_position_embeddings = f.int_opt("max_position_embeddings", 0, 0);
    if (const json* eos = f.get("eos_token_id")) {
        if (eos->is_array()) {
            for (const json& e : *eos) d.eos_token_ids.push_back(f.as_int(e, "eos_token_id", 0));
        } else {
            d.eos_token_ids.push_back(f.as_int(*eos, "eos_token_id", 0));
        }
    }

    AttentionSpec& a = d.attention;
    a.n_heads = f.int_req("num_attention_heads");
    a.n_kv_heads = f.int_opt("num_key_value_heads", a.n_heads, 1);
    if (a.n_heads % a.n_kv_heads != 0)
        f.fail(fmt::format("num_attention_heads {} is not a multiple of num_key_value_heads {}", a.n_heads,
                           a.n_kv_heads));
    d.router.top_k = f.int_req("num_experts_per_tok");
    if (is_mla(d.family)) parse_mla_family(f, d);
    else parse_gqa_family(f, d);
    if (d.num_mtp_layers > 16) f.fail(fmt::format("num_nextn_predict_layers {} is implausible", d.num_mtp_layers));
    check_router(f, d);

    const std::vector<bool> moe =
        detail::parse_moe_schedule(f, d.family, d.num_hidden_layers, d.router.n_experts);
    std::vector<IndexerKind> indexer(static_cast<std::size_t>(d.num_hidden_layers), IndexerKind::None);
    if (d.family == Family::GlmMoeDsa)
        indexer = detail::parse_indexer_schedule(f, d.num_hidden_layers, d.num_mtp_layers);
    else if (d.family == Family::DeepseekV32)
        indexer.assign(indexer.size(), IndexerKind::Full);  // no IndexShare in V3.2

    bool any_dense = false;
    for (std::int64_t i = 0; i < d.num_hidden_layers; ++i) {
        const auto k = static_cast<std::size_t>(i);
        d.layers.push_back(LayerSpec{static_cast<int>(i), false, static_cast<bool>(moe[k]), indexer[k]});
        any_dense = any_dense || !moe[k];
    }
    for (std::int64_t j = 0; j < d.num_mtp_layers; ++j) {
        // MTP layers are MoE blocks and always run their own indexer.
        d.layers.push_back(LayerSpec{static_cast<int>(d.num_hidden_layers + j), true, true,
                                     d.indexer ? IndexerKind::Full : IndexerKind::None});
    }
    // Qwen's intermediate_size only shapes dense layers.
    if (d.family == Family::Qwen3Moe || d.family == Family::Qwen2Moe)
        d.intermediate_size = any_dense ? f.int_req("intermediate_size") : f.int_opt("intermediate_size", 0, 0);

    // Keep every element count within int64 (and far beyond any real model).
    double total = 0;
    for (const ExpectedTensor& t : d.expected_tensors(ExpertLayout::Fused)) {
        double n = 1;
        for (std::int64_t v : t.shape) n *= static_cast<double>(v);
        total += n;
    }
    if (total > 1e15) f.fail(fmt::format("the sizes imply {:.3g} parameters, more than moecut supports", total));
    return d;
}

ArchDescriptor ArchDescriptor::from_file(const std::filesystem::path& config_json) {
    return from_config(read_json_file(config_json), config_json.string());
}

} // namespace moecut

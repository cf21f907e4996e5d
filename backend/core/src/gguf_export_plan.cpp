// Planning a GGUF export (moecut/gguf_export.h): architecture metadata and the
// tensor map for MLA families (GLM-5.x "glm-dsa", DeepSeek-V3 "deepseek2").
// Names, keys and shapes follow llama.cpp's loader (src/models/glm-dsa.cpp,
// deepseek2.cpp) and its converter (conversion/glm.py, deepseek.py).
#include "moecut/gguf_export.h"

#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/gguf_imatrix.h"
#include "moecut/gguf_mixture.h"
#include "moecut/tensor_names.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace moecut {
namespace {

using Piece = GgufSourcePiece;

Piece rows(std::string t, std::int64_t begin = 0, std::int64_t count = -1) {
    return {Piece::Kind::Rows, std::move(t), begin, count, 0};
}
Piece transposed(std::string t, std::int64_t begin, std::int64_t count) {
    return {Piece::Kind::TransposedRows, std::move(t), begin, count, 0};
}
Piece zeros(std::int64_t n) { return {Piece::Kind::Zeros, {}, 0, 0, n}; }

std::int64_t ftype_of(GgmlType t) {
    switch (t) {
    case GgmlType::F32: return 0;
    case GgmlType::F16: return 1;
    case GgmlType::Q4_0: return 2;
    case GgmlType::Q8_0: return 7;
    case GgmlType::Q2_K: return 10;
    case GgmlType::Q3_K: return 11;
    case GgmlType::Q4_K: return 14;
    case GgmlType::Q5_K: return 16;
    case GgmlType::Q6_K: return 18;
    case GgmlType::BF16: return 32;
    default: return -1;
    }
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

class Planner {
public:
    Planner(const Checkpoint& ckpt, const GgufExportOptions& o, GgufExportPlan& plan)
        : ckpt_(ckpt), o_(o), plan_(plan), d_(ArchDescriptor::from_config(ckpt.config(), ckpt.config_path().string())) {
        for (const auto& r : o_.tensor_types) rules_.emplace_back(lower(r.pattern), std::regex::ECMAScript);
        if (!o_.mixture.empty()) {
            mixture_ = gguf_mixture_from_name(o_.mixture);
            if (!mixture_) throw_input("--type", fmt::format("unknown mixture '{}' ({})", o_.mixture, gguf_mixture_names()));
        }
        if (!o_.imatrix.empty()) {
            imatrix_.emplace(GgufImatrix::load(o_.imatrix));
            origins_ = expert_origins(ckpt_.dir());
        }
    }

    void run();

private:
    [[noreturn]] void fail(std::string_view problem) const { throw_input(ckpt_.dir().string(), problem); }

    // The checkpoint tensor, checked against the shape config.json implies.
    const Checkpoint::Entry& source(const std::string& name, std::vector<std::int64_t> shape) const {
        const Checkpoint::Entry* e = ckpt_.find(name);
        if (!e) fail(fmt::format("tensor '{}' is missing (needed for the GGUF export)", name));
        if (e->info->shape != shape)
            throw_input(ckpt_.dir().string(), name,
                        fmt::format("shape [{}] disagrees with config.json ([{}])", fmt::join(e->info->shape, ", "),
                                    fmt::join(shape, ", ")));
        used_.push_back(name);
        return *e;
    }

    GgmlType choose_type(const std::string& gguf_name, const std::vector<std::int64_t>& ne, std::string& reason) const;
    void add(std::string name, std::vector<std::int64_t> ne, std::vector<Piece> pieces);
    // A torch [out, in] matrix as ggml [in, out].
    void matrix(const std::string& gguf, const std::string& hf, std::int64_t out, std::int64_t in) {
        source(hf, {out, in});
        add(gguf, {in, out}, {rows(hf)});
    }
    void vector(const std::string& gguf, const std::string& hf, std::int64_t n) {
        source(hf, {n});
        add(gguf, {n}, {rows(hf)});
    }
    void metadata();
    void layer(int il, int gguf_il);
    void gqa_attention(int il, int gguf_il);
    void mla_attention(int il, int gguf_il);
    void mlp(int il, int gguf_il);
    void indexer(int il, int gguf_il, int from_layer);

    const Checkpoint& ckpt_;
    const GgufExportOptions& o_;
    GgufExportPlan& plan_;
    ArchDescriptor d_;
    std::vector<std::regex> rules_;
    mutable std::vector<std::string> used_;
    mutable std::set<std::pair<std::size_t, std::size_t>> shadowed_;  // (later rule, earlier rule that won)
    std::size_t first_rule_of(const std::string& lname) const {
        for (std::size_t i = 0; i < rules_.size(); ++i)
            if (std::regex_search(lname, rules_[i])) return i;
        return rules_.size();
    }
    std::optional<GgufMixture> mixture_;
    GgufMixtureModel mix_model_;
    std::optional<GgufImatrix> imatrix_;
    std::map<int, std::vector<int>> origins_;  // pruned expert -> original id (moecut_provenance.json)
    int imatrix_used_ = 0;
    std::vector<std::string> imatrix_missing_;
    std::int64_t index_head_out_ = 0;  // exported indexer head dim (padded to a multiple of 64 if needed)
    int n_dense_lead_ = 0;
    ExpertLayout layout_ = ExpertLayout::PerExpert;
};

GgmlType Planner::choose_type(const std::string& name, const std::vector<std::int64_t>& ne, std::string& reason) const {
    // As convert_hf_to_gguf: 1-D tensors, norms, routers, the indexer's head
    // weights and anything not a ".weight" stay F32; llama-quantize never
    // quantizes them either.
    if (ne.size() < 2) { reason = "F32: 1-D"; return GgmlType::F32; }
    if (!ends_with(name, ".weight")) { reason = "F32: not a weight"; return GgmlType::F32; }
    if (name.find("_norm.weight") != std::string::npos) { reason = "F32: norm"; return GgmlType::F32; }
    if (name.find("ffn_gate_inp.weight") != std::string::npos) { reason = "F32: router"; return GgmlType::F32; }
    if (name.find("indexer.proj.weight") != std::string::npos) { reason = "F32: indexer head weights"; return GgmlType::F32; }
    GgmlType t = o_.type;
    reason = "default";
    if (mixture_) t = gguf_mixture_type(*mixture_, mix_model_, name, reason);
    const std::string lname = lower(name);
    bool matched = false;
    for (std::size_t i = 0; i < rules_.size(); ++i)
        if (std::regex_search(lname, rules_[i])) {
            if (matched) {  // a later rule also matches: the first one won
                shadowed_.insert({i, first_rule_of(lname)});
                continue;
            }
            matched = true;
            t = o_.tensor_types[i].type;
            reason = fmt::format("rule '{}={}'", o_.tensor_types[i].pattern, ggml_type_name(t));
        }
    const std::int64_t block = ggml_type_traits(t).block_size;
    if (ne[0] % block != 0) {
        // llama-quantize's fallbacks, restricted to types moecut writes.
        const GgmlType fb = ne[0] % 32 == 0 ? GgmlType::Q8_0 : GgmlType::F16;
        reason += fmt::format("; fallback {} -> {}: ne[0] {} is not a multiple of {}", ggml_type_name(t),
                              ggml_type_name(fb), ne[0], block);
        t = fb;
    }
    return t;
}

void Planner::add(std::string name, std::vector<std::int64_t> ne, std::vector<Piece> pieces) {
    GgufExportTensor t;
    t.type = choose_type(name, ne, t.type_reason);
    const bool weighted = t.type == GgmlType::Q4_0 || t.type == GgmlType::Q2_K || t.type == GgmlType::Q3_K ||
                          t.type == GgmlType::Q4_K || t.type == GgmlType::Q5_K || t.type == GgmlType::Q6_K;
    if (imatrix_ && weighted) {  // only these quantizers use importance weights (ggml_quantize_chunk)
        std::string note;
        t.imatrix = imatrix_for_tensor(*imatrix_, name, ne, origins_, note);
        if (!t.imatrix.empty()) {
            ++imatrix_used_;
            t.type_reason += note.empty() ? "; imatrix" : "; imatrix, " + note;
        } else {
            imatrix_missing_.push_back(name);
            t.type_reason += note.empty() ? "; no imatrix entry" : "; " + note;
        }
    }
    const GgufTensorInfo& info = plan_.layout.add_tensor(name, t.type, ne);
    t.name = std::move(name);
    t.ne = std::move(ne);
    t.pieces = std::move(pieces);
    t.nbytes = info.nbytes;
    plan_.tensors.push_back(std::move(t));
}

void Planner::metadata() {
    GgufLayout& L = plan_.layout;
    const std::string a = plan_.architecture;
    const auto& at = d_.attention;
    const auto& r = d_.router;
    const bool keep_mtp = o_.mtp == MtpMode::Keep && d_.num_mtp_layers > 0;
    auto u32 = [&](const std::string& key, std::int64_t v) {
        if (v < 0 || v > 0xffffffffLL) fail(fmt::format("{} = {} does not fit a UINT32", key, v));
        L.set(a + "." + key, GgufValue::u32(static_cast<std::uint32_t>(v)));
    };
    auto f32 = [&](const std::string& key, double v) { L.set(a + "." + key, GgufValue::f32(static_cast<float>(v))); };

    L.set("general.architecture", GgufValue::string(a));
    L.set("general.type", GgufValue::string("model"));
    L.set("general.name", GgufValue::string(o_.name.empty() ? ckpt_.dir().filename().string() : o_.name));
    u32("block_count", d_.num_hidden_layers + (keep_mtp ? d_.num_mtp_layers : 0));
    u32("context_length", d_.max_position_embeddings);
    u32("embedding_length", d_.hidden_size);
    // llama (Mixtral): the experts' width is feed_forward_length.
    u32("feed_forward_length", a == "llama" ? d_.moe_intermediate_size : d_.intermediate_size);
    const bool mla = at.kind == AttentionKind::Mla;
    u32("attention.head_count", at.n_heads);
    u32("attention.head_count_kv", mla ? 1 : at.n_kv_heads);  // MLA runs as MQA over the latent
    f32("rope.freq_base", at.rope.theta);
    f32("attention.layer_norm_rms_epsilon", d_.rms_norm_eps);
    u32("expert_count", r.n_experts);
    u32("expert_used_count", r.top_k);
    u32("expert_group_count", r.n_group);
    u32("expert_group_used_count", r.topk_group);
    u32("expert_gating_func", r.scoring == Scoring::Sigmoid ? 2 : 1);
    u32("leading_dense_block_count", n_dense_lead_);
    u32("vocab_size", d_.vocab_size);
    if (mla) {
        u32("attention.q_lora_rank", at.q_lora_rank);
        u32("attention.kv_lora_rank", at.kv_lora_rank);
        u32("attention.key_length", at.kv_lora_rank + at.qk_rope_head_dim);
        u32("attention.value_length", at.kv_lora_rank);
        u32("attention.key_length_mla", at.qk_nope_head_dim + at.qk_rope_head_dim);
        u32("attention.value_length_mla", at.v_head_dim);
    } else {
        u32("attention.key_length", at.head_dim);
        u32("attention.value_length", at.head_dim);
    }
    u32("expert_feed_forward_length", d_.moe_intermediate_size);
    u32("expert_shared_count", d_.n_shared_experts);
    if (d_.shared_expert_gate) u32("expert_shared_feed_forward_length", d_.shared_intermediate_size);  // qwen2moe
    f32("expert_weights_scale", r.routed_scaling_factor);
    L.set(a + ".expert_weights_norm", GgufValue::boolean(r.norm_topk_prob));
    u32("rope.dimension_count", at.rope.rotary_dim > 0 ? at.rope.rotary_dim : mla ? at.qk_rope_head_dim : at.head_dim);
    if (at.rope.type == "yarn") {
        L.set(a + ".rope.scaling.type", GgufValue::string("yarn"));
        f32("rope.scaling.factor", at.rope.factor);
        u32("rope.scaling.original_context_length", at.rope.original_max_position);
        f32("rope.scaling.yarn_beta_fast", at.rope.beta_fast);
        f32("rope.scaling.yarn_beta_slow", at.rope.beta_slow);
        // [TAG_DEEPSEEK2_YARN_LOG_MUL_FIX]: the converter writes 0.1 * mscale_all_dim.
        if (at.rope.mscale_all_dim != 0) f32("rope.scaling.yarn_log_multiplier", 0.1 * at.rope.mscale_all_dim);
    }
    if (keep_mtp) u32("nextn_predict_layers", d_.num_mtp_layers);
    if (d_.indexer) {
        u32("attention.indexer.head_count", d_.indexer->n_heads);
        u32("attention.indexer.key_length", index_head_out_);
        u32("attention.indexer.top_k", d_.indexer->topk);
        const auto shared = d_.indexer_shared_layers();
        if (!shared.empty() && !o_.fill_shared_indexer) {
            std::vector<std::uint8_t> full;
            for (int i = 0; i < d_.num_hidden_layers; ++i)
                full.push_back(d_.layers[static_cast<std::size_t>(i)].indexer == IndexerKind::Full ? 1 : 0);
            L.set(a + ".attention.indexer.types", GgufValue::array_of<std::uint8_t>(GgufType::Bool, full));
        }
    }
    L.set("general.file_type", GgufValue::u32(mixture_ ? mixture_->file_type
                                                        : static_cast<std::uint32_t>(std::max<std::int64_t>(0, ftype_of(o_.type)))));
    if (imatrix_) {  // as llama-quantize records it (tools/quantize: kv overrides, UINT32 counts)
        L.set("quantize.imatrix.file", GgufValue::string(o_.imatrix.string().substr(0, 127)));
        if (!imatrix_->datasets().empty()) L.set("quantize.imatrix.dataset", GgufValue::string(imatrix_->datasets()[0].substr(0, 127)));
        L.set("quantize.imatrix.entries_count", GgufValue::u32(static_cast<std::uint32_t>(imatrix_->size())));
        if (imatrix_->chunk_count() > 0)
            L.set("quantize.imatrix.chunks_count", GgufValue::u32(static_cast<std::uint32_t>(imatrix_->chunk_count())));
    }
    L.set("general.quantization_version", GgufValue::u32(2));
}

void Planner::indexer(int il, int gi, int from) {
    const auto& ix = *d_.indexer;
    const std::int64_t H = d_.hidden_size, nh = ix.n_heads, hd = ix.head_dim, hdo = index_head_out_;
    const std::string p = d_.layer_prefix(from) + "self_attn.indexer.";
    const std::string g = fmt::format("blk.{}.indexer.", gi);
    source(p + "wq_b.weight", {nh * hd, d_.attention.q_lora_rank});
    source(p + "wk.weight", {hd, H});
    source(p + "k_norm.weight", {hd});
    source(p + "k_norm.bias", {hd});
    source(p + "weights_proj.weight", {nh, H});
    const int copies = static_cast<int>(hdo / hd);
    std::vector<Piece> kw, kn, kb, qb;
    for (int c = 0; c < copies; ++c) {
        kw.push_back(rows(p + "wk.weight"));
        kn.push_back(rows(p + "k_norm.weight"));
        kb.push_back(rows(p + "k_norm.bias"));
    }
    for (std::int64_t h = 0; h < nh; ++h) {
        qb.push_back(rows(p + "wq_b.weight", h * hd, hd));
        if (hdo > hd) qb.push_back(zeros((hdo - hd) * d_.attention.q_lora_rank));
    }
    add(g + "k_norm.weight", {hdo}, kn);
    add(g + "k_norm.bias", {hdo}, kb);
    add(g + "proj.weight", {H, nh}, {rows(p + "weights_proj.weight")});
    add(g + "attn_k.weight", {H, hdo}, kw);
    add(g + "attn_q_b.weight", {d_.attention.q_lora_rank, nh * hdo}, qb);
    (void)il;
}

void Planner::layer(int il, int gi) {
    const auto& at = d_.attention;
    const LayerSpec& spec = d_.layers[static_cast<std::size_t>(il)];
    const std::int64_t H = d_.hidden_size;
    const std::string p = d_.layer_prefix(il);
    const std::string g = fmt::format("blk.{}.", gi);
    if (spec.is_mtp) {
        matrix(g + "nextn.eh_proj.weight", p + "eh_proj.weight", H, 2 * H);
        vector(g + "nextn.enorm.weight", p + "enorm.weight", H);
        vector(g + "nextn.hnorm.weight", p + "hnorm.weight", H);
    }
    vector(g + "attn_norm.weight", p + "input_layernorm.weight", H);
    if (at.kind == AttentionKind::Gqa) {
        gqa_attention(il, gi);
    } else {
        mla_attention(il, gi);
    }
    if (d_.indexer) {
        int from = -1;
        if (spec.indexer == IndexerKind::Full) from = il;
        else if (spec.indexer == IndexerKind::Shared && o_.fill_shared_indexer)
            for (int j = il - 1; j >= 0 && from < 0; --j)
                if (d_.layers[static_cast<std::size_t>(j)].indexer == IndexerKind::Full) from = j;
        if (from >= 0) indexer(il, gi, from);
    }
    mlp(il, gi);
    if (spec.is_mtp) {
        vector(g + "nextn.shared_head_norm.weight", p + "shared_head.norm.weight", H);
        if (ckpt_.contains(p + "embed_tokens.weight"))
            matrix(g + "nextn.embed_tokens.weight", p + "embed_tokens.weight", d_.vocab_size, H);
        if (ckpt_.contains(p + "shared_head.head.weight"))
            matrix(g + "nextn.shared_head_head.weight", p + "shared_head.head.weight", d_.vocab_size, H);
    }
}

// GLM-4.5 style grouped-query attention (glm4moe): q/k/v with optional biases
// and per-head q/k norms; post_attention_layernorm is "post_attention_norm".
void Planner::gqa_attention(int il, int gi) {
    const auto& at = d_.attention;
    const std::int64_t H = d_.hidden_size, q = at.n_heads * at.head_dim, kv = at.n_kv_heads * at.head_dim;
    const std::string p = d_.layer_prefix(il) + "self_attn.";
    const std::string g = fmt::format("blk.{}.", gi);
    if (plan_.architecture == "llama") {
        // llama.cpp's llama arch rotates adjacent pairs; HF rotates halves. As the
        // converter (LlamaModel.permute), reorder each head's rows: new row 2i+j is old row j*hd/2+i.
        auto permuted = [&](const std::string& hf, std::int64_t n_head) {
            std::vector<Piece> ps;
            const std::int64_t hd = at.head_dim;
            for (std::int64_t h = 0; h < n_head; ++h)
                for (std::int64_t i = 0; i < hd / 2; ++i)
                    for (std::int64_t j = 0; j < 2; ++j) ps.push_back(rows(hf, h * hd + j * (hd / 2) + i, 1));
            return ps;
        };
        source(p + "q_proj.weight", {q, H});
        source(p + "k_proj.weight", {kv, H});
        add(g + "attn_q.weight", {H, q}, permuted(p + "q_proj.weight", at.n_heads));
        add(g + "attn_k.weight", {H, kv}, permuted(p + "k_proj.weight", at.n_kv_heads));
        if (at.qkv_bias || at.qk_norm) fail("q/k biases or norms with the llama arch are not supported");
    } else {
        matrix(g + "attn_q.weight", p + "q_proj.weight", q, H);
        matrix(g + "attn_k.weight", p + "k_proj.weight", kv, H);
    }
    matrix(g + "attn_v.weight", p + "v_proj.weight", kv, H);
    if (at.qkv_bias) {
        vector(g + "attn_q.bias", p + "q_proj.bias", q);
        vector(g + "attn_k.bias", p + "k_proj.bias", kv);
        vector(g + "attn_v.bias", p + "v_proj.bias", kv);
    }
    matrix(g + "attn_output.weight", p + "o_proj.weight", H, q);
    if (at.o_bias) fail("o_proj bias has no tensor in llama.cpp's glm4moe");
    if (at.qk_norm) {
        vector(g + "attn_q_norm.weight", p + "q_norm.weight", at.head_dim);
        vector(g + "attn_k_norm.weight", p + "k_norm.weight", at.head_dim);
    }
    // glm4moe calls HF's post_attention_layernorm "post_attention_norm"; qwen*moe "ffn_norm".
    vector(g + (plan_.architecture == "glm4moe" ? "post_attention_norm.weight" : "ffn_norm.weight"),
           d_.layer_prefix(il) + "post_attention_layernorm.weight", H);
}

void Planner::mla_attention(int il, int gi) {
    const auto& at = d_.attention;
    const std::int64_t H = d_.hidden_size, nh = at.n_heads, nope = at.qk_nope_head_dim, rope = at.qk_rope_head_dim,
                       v = at.v_head_dim, kvl = at.kv_lora_rank, ql = at.q_lora_rank;
    const std::string p = d_.layer_prefix(il);
    const std::string g = fmt::format("blk.{}.", gi);
    if (ql <= 0) fail("MLA without q_lora_rank (a 'lite' model) is not supported by this exporter");
    vector(g + "attn_q_a_norm.weight", p + "self_attn.q_a_layernorm.weight", ql);
    vector(g + "attn_kv_a_norm.weight", p + "self_attn.kv_a_layernorm.weight", kvl);
    matrix(g + "attn_q_a.weight", p + "self_attn.q_a_proj.weight", ql, H);
    matrix(g + "attn_q_b.weight", p + "self_attn.q_b_proj.weight", nh * (nope + rope), ql);
    matrix(g + "attn_kv_a_mqa.weight", p + "self_attn.kv_a_proj_with_mqa.weight", kvl + rope, H);
    // kv_b [nh*(nope+v), kvl] viewed as [nh, nope+v, kvl]: k_b = each head's
    // first nope rows transposed (torch [nh, kvl, nope]), v_b = the last v rows.
    const std::string kvb = p + "self_attn.kv_b_proj.weight";
    source(kvb, {nh * (nope + v), kvl});
    std::vector<Piece> kb, vb;
    for (std::int64_t h = 0; h < nh; ++h) {
        kb.push_back(transposed(kvb, h * (nope + v), nope));
        vb.push_back(rows(kvb, h * (nope + v) + nope, v));
    }
    add(g + "attn_k_b.weight", {nope, kvl, nh}, kb);
    add(g + "attn_v_b.weight", {kvl, v, nh}, vb);
    matrix(g + "attn_output.weight", p + "self_attn.o_proj.weight", H, nh * v);
    vector(g + "ffn_norm.weight", p + "post_attention_layernorm.weight", H);
}

void Planner::mlp(int il, int gi) {
    const LayerSpec& spec = d_.layers[static_cast<std::size_t>(il)];
    const std::int64_t H = d_.hidden_size;
    const std::string p = d_.layer_prefix(il);
    const std::string g = fmt::format("blk.{}.", gi);
    if (!spec.is_moe) {
        const std::int64_t I = d_.intermediate_size;
        matrix(g + "ffn_gate.weight", p + "mlp.gate_proj.weight", I, H);
        matrix(g + "ffn_up.weight", p + "mlp.up_proj.weight", I, H);
        matrix(g + "ffn_down.weight", p + "mlp.down_proj.weight", H, I);
    } else {
        const std::int64_t E = d_.router.n_experts, I = d_.moe_intermediate_size;
        matrix(g + "ffn_gate_inp.weight", d_.router_weight(il, layout_), E, H);
        if (d_.router.correction_bias) vector(g + "exp_probs_b.bias", d_.router_bias(il), E);
        const char* names[3] = {"ffn_gate_exps.weight", "ffn_up_exps.weight", "ffn_down_exps.weight"};
        if (layout_ == ExpertLayout::Fused) {
            // transformers v5: gate_up_proj [E, 2I, H] (each expert's gate rows, then its up
            // rows) and down_proj [E, H, I]: the same bytes as the stacked per-expert tensors.
            const std::string gu = d_.fused_expert_weight(il, 0), dn = d_.fused_expert_weight(il, 1);
            source(gu, {E, 2 * I, H});
            source(dn, {E, H, I});
            std::vector<Piece> gate, up;
            for (std::int64_t e = 0; e < E; ++e) {
                gate.push_back(rows(gu, e * 2 * I, I));
                up.push_back(rows(gu, e * 2 * I + I, I));
            }
            add(g + names[0], {H, I, E}, gate);
            add(g + names[1], {H, I, E}, up);
            add(g + names[2], {I, H, E}, {rows(dn)});
        } else
        for (int proj = 0; proj < 3; ++proj) {
            std::vector<Piece> ps;
            for (std::int64_t e = 0; e < E; ++e) {
                const std::string hf = d_.expert_weight(il, static_cast<int>(e), proj);
                source(hf, proj == 2 ? std::vector<std::int64_t>{H, I} : std::vector<std::int64_t>{I, H});
                ps.push_back(rows(hf));
            }
            add(g + names[proj], proj == 2 ? std::vector<std::int64_t>{I, H, E} : std::vector<std::int64_t>{H, I, E}, ps);
        }
        if (d_.shared_expert_gate) {  // Qwen2-MoE: one shared expert behind a sigmoid gate
            const std::int64_t S = d_.shared_intermediate_size;
            const std::string sp = p + "mlp.shared_expert.";
            source(p + "mlp.shared_expert_gate.weight", {1, H});
            add(g + "ffn_gate_inp_shexp.weight", {H}, {rows(p + "mlp.shared_expert_gate.weight")});
            matrix(g + "ffn_gate_shexp.weight", sp + "gate_proj.weight", S, H);
            matrix(g + "ffn_up_shexp.weight", sp + "up_proj.weight", S, H);
            matrix(g + "ffn_down_shexp.weight", sp + "down_proj.weight", H, S);
        } else if (d_.n_shared_experts > 0) {
            const std::int64_t S = d_.shared_intermediate_size;
            matrix(g + "ffn_gate_shexp.weight", p + "mlp.shared_experts.gate_proj.weight", S, H);
            matrix(g + "ffn_up_shexp.weight", p + "mlp.shared_experts.up_proj.weight", S, H);
            matrix(g + "ffn_down_shexp.weight", p + "mlp.shared_experts.down_proj.weight", H, S);
        }
    }
}

void Planner::run() {
    switch (d_.family) {
    case Family::GlmMoeDsa: plan_.architecture = "glm-dsa"; break;
    case Family::DeepseekV3: plan_.architecture = "deepseek2"; break;
    case Family::Glm4Moe: plan_.architecture = "glm4moe"; break;
    case Family::DeepseekV32: plan_.architecture = "deepseek32"; break;
    case Family::Qwen3Moe: plan_.architecture = "qwen3moe"; break;
    case Family::Qwen2Moe: plan_.architecture = "qwen2moe"; break;
    case Family::Mixtral: plan_.architecture = "llama"; break;
    default:
        fail(fmt::format("GGUF export supports glm_moe_dsa (glm-dsa), glm4_moe (glm4moe), deepseek_v3 (deepseek2) and "
                         "deepseek_v32 (deepseek32) so far, "
                         "not {}",
                         d_.model_type));
    }
    const bool qwen = plan_.architecture == "qwen3moe" || plan_.architecture == "qwen2moe" || plan_.architecture == "llama";
    if (plan_.architecture == "llama" && d_.attention.sliding_window > 0)
        fail("sliding_window is not exported for llama.cpp's llama arch; set it to null in config.json if unused");
    if ((d_.attention.kind == AttentionKind::Mla) != (plan_.architecture != "glm4moe" && !qwen))
        fail("unexpected attention kind for " + plan_.architecture);
    if (qwen) {
        // llama.cpp's qwen*moe graphs: every layer MoE, softmax routing, top-k weights
        // renormalised for qwen3moe and not for qwen2moe (fixed in the graph, not read).
        if (d_.moe_layers().size() != static_cast<std::size_t>(d_.num_hidden_layers))
            fail("llama.cpp's " + plan_.architecture + " has no dense layers (mlp_only_layers / decoder_sparse_step)");
        if (d_.router.norm_topk_prob != (plan_.architecture != "qwen2moe"))
            fail(fmt::format("llama.cpp's {} fixes norm_topk_prob = {}; this config has {}", plan_.architecture,
                             plan_.architecture != "qwen2moe", d_.router.norm_topk_prob));
        if (plan_.architecture == "qwen2moe" && d_.attention.n_heads * d_.attention.head_dim != d_.hidden_size)
            fail("llama.cpp's qwen2moe needs num_attention_heads x head_dim = hidden_size");
    }
    if (plan_.architecture == "glm4moe" && d_.moe_layers().size() > 0 && !d_.router.correction_bias)
        fail("llama.cpp's glm4moe requires e_score_correction_bias on every MoE layer");
    layout_ = detect_expert_layout(ckpt_);
    // llama.cpp knows only leading dense layers followed by MoE layers.
    while (n_dense_lead_ < d_.num_hidden_layers && !d_.layers[static_cast<std::size_t>(n_dense_lead_)].is_moe) ++n_dense_lead_;
    for (const LayerSpec& l : d_.layers)
        if (l.index >= n_dense_lead_ && !l.is_moe)
            fail(fmt::format("layer {} is dense after MoE layers; llama.cpp supports only leading dense layers", l.index));
    if (d_.indexer) {
        // llama.cpp rotates indexer q/k with a Hadamard matrix of size >= 64
        // (llama_kv_cache::build_input_k_rot): a head dim that is not a
        // multiple of 64 aborts. Pad exactly: k gets copies of itself (its
        // LayerNorm statistics unchanged), q zeros, so every q.k is unchanged.
        const std::int64_t hd = d_.indexer->head_dim;
        index_head_out_ = hd;
        if (hd % 64 != 0) {
            if (64 % hd != 0)
                fail(fmt::format("index_head_dim {} is neither a multiple nor a divisor of 64, which llama.cpp's indexer needs", hd));
            index_head_out_ = 64;
            plan_.notes.push_back(fmt::format(
                "indexer head dim {} padded to 64 (k repeated, q zero-padded: scores unchanged); llama.cpp's Hadamard "
                "rotation of indexer q/k needs a multiple of 64",
                hd));
        }
        if (!d_.indexer_shared_layers().empty())
            plan_.notes.push_back(o_.fill_shared_indexer
                                      ? "shared indexer layers filled with the previous full layer's indexer; "
                                        "attention.indexer.types omitted (every layer runs its own indexer: an approximation)"
                                      : "shared indexer layers recorded in attention.indexer.types (llama.cpp from 2026-06)");
    }
    if (plan_.architecture == "deepseek2" && d_.indexer) fail("deepseek2 has no indexer");
    if (plan_.architecture == "deepseek32" && (!d_.indexer || !d_.indexer_shared_layers().empty()) && !o_.fill_shared_indexer)
        fail("llama.cpp's deepseek32 needs indexer weights on every layer (use --fill-shared-indexer for shared layers)");

    {
        const bool keep_mtp = o_.mtp == MtpMode::Keep && d_.num_mtp_layers > 0;
        mix_model_.block_count = d_.num_hidden_layers + (keep_mtp ? d_.num_mtp_layers : 0);
        mix_model_.n_expert = static_cast<int>(d_.router.n_experts);
        const auto& at = d_.attention;
        mix_model_.n_gqa = at.kind == AttentionKind::Mla ? static_cast<int>(at.n_heads)
                                                         : static_cast<int>(at.n_heads / std::max<std::int64_t>(1, at.n_kv_heads));
        mix_model_.tied_embeddings = d_.tie_word_embeddings;
    }
    metadata();
    add_gguf_tokenizer(ckpt_.dir(), ckpt_.config(), d_.vocab_size, d_.model_type, o_.tokenizer_pre, plan_.layout,
                       plan_.notes);

    // Tensors: the converter's order is not required; ours is output, embedding, layers, final norm.
    if (!d_.tie_word_embeddings) matrix("output.weight", "lm_head.weight", d_.vocab_size, d_.hidden_size);
    matrix("token_embd.weight", "model.embed_tokens.weight", d_.vocab_size, d_.hidden_size);
    for (int il = 0; il < d_.num_hidden_layers; ++il) layer(il, il);
    if (o_.mtp == MtpMode::Keep) {
        for (int il : d_.mtp_layers()) layer(il, il);
    }
    vector("output_norm.weight", "model.norm.weight", d_.hidden_size);

    for (const auto& [later, earlier] : shadowed_)
        plan_.notes.push_back(fmt::format("--tensor-type '{}' also matches tensors that the earlier '{}' decides (first match wins)",
                                          o_.tensor_types[later].pattern, o_.tensor_types[earlier].pattern));
    if (imatrix_) {
        plan_.notes.push_back(fmt::format("imatrix {} ({} entries{}): used for {} tensors", o_.imatrix.string(), imatrix_->size(),
                                          imatrix_->legacy() ? ", legacy format" : "", imatrix_used_));
        if (!imatrix_missing_.empty())
            plan_.notes.push_back(fmt::format("imatrix has no data for {} quantized tensors (quantized without, as llama-quantize "
                                              "does; first: {})",
                                              imatrix_missing_.size(), imatrix_missing_.front()));
    }
    std::sort(used_.begin(), used_.end());
    for (const auto& e : ckpt_.entries()) {
        const std::string& n = e.info->name;
        if (!std::binary_search(used_.begin(), used_.end(), n)) plan_.skipped.push_back(n);
    }
    if (o_.mtp == MtpMode::Drop && d_.num_mtp_layers > 0 && !plan_.skipped.empty())
        plan_.notes.push_back(fmt::format("MTP layer(s) dropped ({} tensors); block_count = {} trunk layers",
                                          plan_.skipped.size(), d_.num_hidden_layers));
}

} // namespace

GgufTypeRule parse_gguf_type_rule(const std::string& text) {
    const auto eq = text.rfind('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw_input("--tensor-type", fmt::format("'{}' is not PATTERN=TYPE", text));
    const std::string pattern = text.substr(0, eq), type = text.substr(eq + 1);
    const auto t = ggml_type_from_name(type);
    if (!t) throw_input("--tensor-type", fmt::format("'{}': unknown ggml type '{}' (e.g. f32, f16, bf16, q8_0, q4_0, q4_k)", text, type));
    try {
        std::regex re(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        throw_input("--tensor-type", fmt::format("'{}': bad regex: {}", pattern, e.what()));
    }
    return {pattern, *t};
}

GgufExportPlan plan_gguf_export(const Checkpoint& ckpt, const GgufExportOptions& options) {
    GgufExportPlan plan;
    Planner(ckpt, options, plan).run();
    return plan;
}

} // namespace moecut

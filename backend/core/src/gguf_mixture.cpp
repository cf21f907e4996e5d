// Named GGUF type mixtures (moecut/gguf_mixture.h). The per-tensor rules are
// those of llama.cpp's llama_tensor_get_type_impl (src/llama-quant.cpp,
// 2026-10) for the ftypes below, restricted to the branches that apply to
// them; moecut's MoE changes are marked "moecut:".
#include "moecut/gguf_mixture.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace moecut {
namespace {

enum class Cat { Output, TokenEmbd, AttnV, AttnK, AttnOutput, AttnQkv, FfnDown, Other };

// tensor_get_category (llama-quant.cpp), plus moecut: MLA's attn_v_b (the
// split of kv_b, which llama.cpp counts as attn_v-like) counts as attn_v.
Cat category(const std::string& n) {
    auto has = [&](const char* s) { return n.find(s) != std::string::npos; };
    if (n == "output.weight") return Cat::Output;
    if (n == "token_embd.weight") return Cat::TokenEmbd;
    if (has("attn_qkv.weight")) return Cat::AttnQkv;
    if (has("attn_kv_b.weight") || has("attn_v.weight") || has("attn_v_b.weight")) return Cat::AttnV;
    if (has("attn_k.weight")) return Cat::AttnK;
    if (has("attn_output.weight")) return Cat::AttnOutput;
    if (has("ffn_down")) return Cat::FfnDown;
    return Cat::Other;
}

// Bits per weight, to compare types.
double bpw(GgmlType t) {
    const GgmlTypeTraits& tr = ggml_type_traits(t);
    return 8.0 * static_cast<double>(tr.type_size) / static_cast<double>(tr.block_size);
}

bool use_more_bits(int i, int n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

std::string tname(GgmlType t) { return std::string(ggml_type_name(t)); }

constexpr std::uint32_t kQ2_K = 10, kQ3_K_M = 12, kQ4_K_S = 14, kQ4_K_M = 15, kQ5_K_S = 16, kQ5_K_M = 17, kQ6_K = 18;

const std::array<GgufMixture, 7>& table() {
    static const std::array<GgufMixture, 7> t = {{
        {"Q2_K_M", GgmlType::Q2_K, GgmlType::Q4_K, kQ2_K},
        {"Q3_K_M", GgmlType::Q3_K, GgmlType::Q4_K, kQ3_K_M},
        {"Q4_K_S", GgmlType::Q4_K, GgmlType::Q5_K, kQ4_K_S},
        {"Q4_K_M", GgmlType::Q4_K, GgmlType::Q5_K, kQ4_K_M},
        {"Q5_K_S", GgmlType::Q5_K, GgmlType::Q6_K, kQ5_K_S},
        {"Q5_K_M", GgmlType::Q5_K, GgmlType::Q6_K, kQ5_K_M},
        {"Q6_K_M", GgmlType::Q6_K, GgmlType::Q8_0, kQ6_K},
    }};
    return t;
}

// llama.cpp's choice for the ftype (the branches of llama_tensor_get_type_impl
// reached by Q2_K, Q3_K_M, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K, non-Falcon,
// not the 70B special case), with a description of the rule that fired.
GgmlType llama_cpp_type(std::uint32_t ft, const GgufMixtureModel& m, const std::string& name, Cat cat, std::string& why) {
    GgmlType t = table()[0].base;
    for (const auto& x : table())
        if (x.file_type == ft) t = x.base;
    int il = -1;
    std::sscanf(name.c_str(), "blk.%d.", &il);  // layer_info: n_expert > 1 reads the layer from the name
    const int n = m.block_count;
    if (cat == Cat::Output || (m.tied_embeddings && cat == Cat::TokenEmbd)) {
        if (t != GgmlType::Q8_0) { why = "output"; return GgmlType::Q6_K; }  // (nx % qk_k -> Q8_0 is the shape fallback)
        return t;
    }
    if (cat == Cat::AttnV || cat == Cat::AttnQkv) {
        if (cat == Cat::AttnQkv) {
            if (ft == kQ3_K_M) { why = "attn_qkv"; return GgmlType::Q4_K; }
            if (ft == kQ4_K_M) { why = "attn_qkv"; return GgmlType::Q5_K; }
            if (ft == kQ5_K_M) { why = "attn_qkv"; return GgmlType::Q6_K; }
            return t;
        }
        const int i = il;  // i_attention_wv: one attn_v-like tensor per layer, counted in layer order
        if (ft == kQ2_K) { t = m.n_gqa >= 4 ? GgmlType::Q4_K : GgmlType::Q3_K; why = "attn_v"; }
        else if (ft == kQ3_K_M) { t = i < 2 ? GgmlType::Q5_K : GgmlType::Q4_K; why = i < 2 ? "attn_v in the first 2 layers" : "attn_v"; }
        else if ((ft == kQ4_K_M || ft == kQ5_K_M) && use_more_bits(i, n)) { t = GgmlType::Q6_K; why = "attn_v in a use_more_bits layer"; }
        else if (ft == kQ4_K_S && i < 4) { t = GgmlType::Q5_K; why = "attn_v in the first 4 layers"; }
        if (m.n_expert == 8) { t = GgmlType::Q8_0; why = "attn_v with 8 experts"; }
        return t;
    }
    if (cat == Cat::AttnK) {
        if (m.n_expert == 8) { why = "attn_k with 8 experts"; return GgmlType::Q8_0; }
        return t;
    }
    if (cat == Cat::FfnDown) {
        if (ft == kQ2_K) { why = "ffn_down"; return GgmlType::Q3_K; }
        if (ft == kQ3_K_M) {
            why = il < n / 16 ? "ffn_down in the first n/16 layers" : "ffn_down";
            return il < n / 16 ? GgmlType::Q5_K : GgmlType::Q4_K;
        }
        if ((ft == kQ4_K_M || ft == kQ5_K_M) && use_more_bits(il, n)) { why = "ffn_down in a use_more_bits layer"; return GgmlType::Q6_K; }
        if (ft == kQ4_K_S && il < n / 8) { why = "ffn_down in the first n/8 layers"; return GgmlType::Q5_K; }
        return t;
    }
    if (cat == Cat::AttnOutput) {
        if (m.n_expert == 8) {
            if (ft == kQ2_K || ft == kQ3_K_M || ft == kQ4_K_S || ft == kQ4_K_M) { why = "attn_output with 8 experts"; return GgmlType::Q5_K; }
        } else {
            if (ft == kQ2_K) { why = "attn_output"; return GgmlType::Q3_K; }
            if (ft == kQ3_K_M) { why = "attn_output"; return GgmlType::Q4_K; }
        }
    }
    return t;
}

} // namespace

std::optional<GgufMixture> gguf_mixture_from_name(std::string_view name) {
    std::string up(name);
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto& m : table())
        if (m.name == up) return m;
    return std::nullopt;
}

std::string gguf_mixture_names() {
    std::string s;
    for (const auto& m : table()) {
        std::string l = m.name;
        for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        s += (s.empty() ? "" : ", ") + l;
    }
    return s;
}

GgmlType gguf_mixture_type(const GgufMixture& m, const GgufMixtureModel& model, const std::string& name, std::string& reason) {
    // moecut: routed experts stay at the base type. llama.cpp would bump
    // ffn_down_exps like any ffn_down (Q4_K_M: Q6_K in ~half the layers),
    // which in a large MoE model is most of the file.
    if (name.find("_exps.") != std::string::npos) {
        reason = fmt::format("mixture {}: routed experts at {}", m.name, tname(m.base));
        return m.base;
    }
    const Cat cat = category(name);
    std::string why;
    GgmlType t = llama_cpp_type(m.file_type, model, name, cat, why);
    // moecut: every other matrix at least at the mixture's keep type.
    if (bpw(t) < bpw(m.keep)) {
        reason = fmt::format("mixture {}: non-expert tensor kept at {}{}", m.name, tname(m.keep),
                             why.empty() ? "" : fmt::format(" (llama.cpp: {} -> {})", why, tname(t)));
        return m.keep;
    }
    reason = why.empty() ? fmt::format("mixture {}: {}", m.name, tname(t)) : fmt::format("mixture {}: {} -> {}", m.name, why, tname(t));
    return t;
}

} // namespace moecut

// The readable summary of `moecut inspect`, built from its JSON report.
#include "moecut/inspect.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

namespace moecut {

using nlohmann::json;

namespace {

// "0-2,6,10,14" from a sorted index list.
std::string ranges(const json& list) {
    std::vector<std::int64_t> v;
    if (list.is_array())
        for (const auto& e : list)
            if (e.is_number_integer()) v.push_back(e.get<std::int64_t>());
    std::string out;
    for (std::size_t i = 0; i < v.size();) {
        std::size_t j = i;
        while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
        if (!out.empty()) out += ',';
        out += j > i ? fmt::format("{}-{}", v[i], v[j]) : fmt::format("{}", v[i]);
        i = j + 1;
    }
    return out.empty() ? "none" : out;
}

std::string human_count(double n) {
    if (n >= 1e12) return fmt::format("{:.2f} T", n / 1e12);
    if (n >= 1e9) return fmt::format("{:.1f} B", n / 1e9);
    if (n >= 1e6) return fmt::format("{:.1f} M", n / 1e6);
    if (n >= 1e3) return fmt::format("{:.1f} K", n / 1e3);
    return fmt::format("{:.0f}", n);
}

std::string human_bytes(double b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    while (b >= 1024.0 && u < 5) {
        b /= 1024.0;
        ++u;
    }
    return u == 0 ? fmt::format("{:.0f} B", b) : fmt::format("{:.2f} {}", b, units[u]);
}

std::string routing_line(const json& r, const json& rd) {
    std::vector<std::string> parts;
    parts.push_back(r.value("routing", std::string("?")));
    if (rd.value("correction_bias", false)) parts.push_back("correction bias");
    const auto groups = rd.value("n_group", std::int64_t{1});
    if (groups > 1) parts.push_back(fmt::format("{} groups, best {} kept", groups, rd.value("topk_group", std::int64_t{1})));
    else parts.push_back("1 group");
    parts.push_back(rd.value("norm_topk_prob", false) ? "renormalised" : "not renormalised");
    const double scale = rd.value("routed_scaling_factor", 1.0);
    if (scale != 1.0) parts.push_back(fmt::format("x{:g}", scale));
    if (rd.value("shared_expert_gate", false)) parts.push_back("sigmoid-gated shared expert");
    return fmt::format("{}", fmt::join(parts, ", "));
}

std::string attention_line(const json& r) {
    const json& a = r.contains("attention_detail") ? r["attention_detail"] : json::object();
    if (r.value("attention", std::string()) == "mla") {
        std::string q = a.value("q_lora_rank", std::int64_t{0}) > 0
                            ? fmt::format("q_lora {}", a.value("q_lora_rank", std::int64_t{0}))
                            : std::string("no q_lora");
        return fmt::format("MLA, {} heads, {}, kv_lora {}, qk {}+{} (nope+rope), v {}, scale {:.6g}",
                           a.value("n_heads", std::int64_t{0}), q, a.value("kv_lora_rank", std::int64_t{0}),
                           a.value("qk_nope_head_dim", std::int64_t{0}), a.value("qk_rope_head_dim", std::int64_t{0}),
                           a.value("v_head_dim", std::int64_t{0}), a.value("softmax_scale", 0.0));
    }
    std::string s = fmt::format("GQA, {} heads, {} kv heads, head_dim {}", a.value("n_heads", std::int64_t{0}),
                                a.value("n_kv_heads", std::int64_t{0}), a.value("head_dim", std::int64_t{0}));
    if (a.value("qkv_bias", false)) s += ", qkv bias";
    if (a.value("qk_norm", false)) s += ", qk-norm";
    if (a.value("sliding_window", std::int64_t{0}) > 0)
        s += fmt::format(", sliding window {}", a.value("sliding_window", std::int64_t{0}));
    return s;
}

std::string rope_line(const json& rp) {
    std::string s = fmt::format("theta {:g}, {}, {} dims {}", rp.value("theta", 0.0), rp.value("type", std::string()),
                                rp.value("rotary_dim", std::int64_t{0}), rp.value("style", std::string()));
    if (rp.value("type", std::string()) == "yarn")
        s += fmt::format(", factor {:g}, original context {}, mscale {:g}/{:g}", rp.value("factor", 1.0),
                         rp.value("original_max_position_embeddings", std::int64_t{0}), rp.value("mscale", 1.0),
                         rp.value("mscale_all_dim", 0.0));
    else if (rp.contains("factor"))
        s += fmt::format(", factor {:g}", rp.value("factor", 1.0));
    return s;
}

std::size_t count(const json& list) { return list.is_array() ? list.size() : 0; }

} // namespace

std::string format_inspect(const json& r) {
    std::string out;
    auto line = [&](std::string_view key, const std::string& text) { out += fmt::format("{:<11} {}\n", key, text); };
    const json empty = json::array();
    auto get = [&](const char* k) -> const json& { return r.contains(k) ? r[k] : empty; };

    line("checkpoint", r.value("dir", std::string()));
    line("model", fmt::format("{} ({}), hidden {}, vocab {}", r.value("model_type", std::string("?")),
                              r.value("architecture", std::string("?")), r.value("hidden_size", std::int64_t{0}),
                              r.value("vocab_size", std::int64_t{0})));
    const auto mtp = get("mtp_layers");
    line("layers", fmt::format("{} trunk + {} MTP{}", r.value("layers", std::int64_t{0}), count(mtp),
                               count(mtp) ? fmt::format(" ({})", ranges(mtp)) : std::string()));
    if (count(get("dense_layers")))
        line("  dense", fmt::format("{} ({} layers, MLP width {})", ranges(get("dense_layers")), count(get("dense_layers")),
                                    r.value("intermediate_size", std::int64_t{0})));
    line("  moe", fmt::format("{} ({} layers){}", ranges(get("moe_layers")), count(get("moe_layers")),
                              count(mtp) ? " + MTP " + ranges(mtp) : std::string()));
    const auto shared = r.value("shared_experts", std::int64_t{0});
    line("experts", fmt::format("{} routed (width {}), {} per token, {} shared", r.value("routed_experts", std::int64_t{0}),
                                r.value("moe_intermediate_size", std::int64_t{0}),
                                r.value("experts_per_token", std::int64_t{0}), shared));
    line("routing", routing_line(r, r.contains("routing_detail") ? r["routing_detail"] : json::object()));
    line("attention", attention_line(r));
    if (r.contains("rope") && r["rope"].is_object()) line("rope", rope_line(r["rope"]));
    if (r.contains("indexer") && r["indexer"].is_object()) {
        const json& ix = r["indexer"];
        line("indexer", fmt::format("{} heads x {}, top-{}, {} rope", ix.value("n_heads", std::int64_t{0}),
                                    ix.value("head_dim", std::int64_t{0}), ix.value("topk", std::int64_t{0}),
                                    ix.value("rope_style", std::string())));
        line("  full", fmt::format("{} ({} layers{})", ranges(get("indexer_full_layers")),
                                   count(get("indexer_full_layers")), count(mtp) ? ", MTP always full" : ""));
        line("  shared", fmt::format("{} layers", count(get("indexer_shared_layers"))));
    } else {
        line("indexer", "none");
    }
    line("layout", fmt::format("{} experts, {} tensors{}", r.value("expert_layout", std::string("?")),
                               r.value("tensors", std::int64_t{0}), r.value("fp8", false) ? ", FP8 block-quantised" : ""));
    line("params", fmt::format("{} total, {} active", human_count(r.value("params_total", 0.0)),
                               human_count(r.value("params_active", 0.0))));
    out += fmt::format("{:<11} (total: every tensor but FP8 scales; active: total minus the E-K routed experts a\n"
                       "{:<11} token skips in each MoE layer, MTP included)\n", "", "");
    std::vector<std::string> dt;
    if (r.contains("dtypes") && r["dtypes"].is_object())
        for (const auto& [k, v] : r["dtypes"].items())
            dt.push_back(fmt::format("{} {}", k, human_bytes(v.is_number() ? v.get<double>() : 0.0)));
    line("disk", fmt::format("{} ({})", human_bytes(r.value("bytes_on_disk", 0.0)), fmt::join(dt, ", ")));
    const json& problems = get("problems");
    if (count(problems) == 0) {
        line("problems", "none");
    } else {
        const auto total = r.value("problem_count", static_cast<std::int64_t>(count(problems)));
        line("problems", total > 50 ? fmt::format("{} (the first 50 listed)", total) : fmt::format("{}", total));
        for (const auto& p : problems) out += fmt::format("  - {}\n", p.is_string() ? p.get<std::string>() : p.dump());
    }
    return out;
}

} // namespace moecut

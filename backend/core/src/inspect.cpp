// moecut inspect: compares a checkpoint's tensor headers with the structure
// its config.json implies. Reads headers only; linear in the tensor count.
#include "moecut/inspect.h"
#include "moecut/tensor_names.h"

#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/fp8.h"
#include "text_sanitize.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

namespace moecut {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxProblems = 50;
constexpr std::string_view kScaleSuffix = "_scale_inv";

// The first kMaxProblems problems, and how many there were.
class Problems {
public:
    template <class MakeText>
    void add(MakeText&& make) {
        if (list_.size() < kMaxProblems) list_.push_back(make());
        ++total_;
    }
    json to_json() const {
        json out = json::array();
        for (const auto& p : list_) out.push_back(p);
        if (total_ > list_.size()) out.push_back(fmt::format("... and {} more", total_ - list_.size()));
        return out;
    }
    std::size_t total() const { return total_; }

private:
    std::vector<std::string> list_;
    std::size_t total_ = 0;
};

std::string shape_str(const std::vector<std::int64_t>& s) { return fmt::format("[{}]", fmt::join(s, ", ")); }

std::int64_t numel(const std::vector<std::int64_t>& s) {
    std::int64_t n = 1;
    for (auto v : s) n *= v;
    return n;
}

bool is_fp8(DType t) { return t == DType::F8_E4M3 || t == DType::F8_E5M2; }

struct LayerTotals {
    std::int64_t params = 0;
    std::uint64_t bytes = 0;
    std::int64_t routed_params = 0;
};

json describe_arch(const ArchDescriptor& d) {
    json out;
    const AttentionSpec& a = d.attention;
    const RouterSpec& r = d.router;
    out["routing_detail"] = {{"scoring", r.scoring == Scoring::Sigmoid ? "sigmoid" : "softmax"},
                             {"correction_bias", r.correction_bias},
                             {"n_group", r.n_group},
                             {"topk_group", r.topk_group},
                             {"norm_topk_prob", r.norm_topk_prob},
                             {"routed_scaling_factor", r.routed_scaling_factor},
                             {"shared_expert_gate", d.shared_expert_gate}};
    json att = {{"n_heads", a.n_heads}, {"softmax_scale", a.softmax_scale}};
    if (a.kind == AttentionKind::Mla) {
        att["q_lora_rank"] = a.q_lora_rank;
        att["kv_lora_rank"] = a.kv_lora_rank;
        att["qk_nope_head_dim"] = a.qk_nope_head_dim;
        att["qk_rope_head_dim"] = a.qk_rope_head_dim;
        att["v_head_dim"] = a.v_head_dim;
    } else {
        att["n_kv_heads"] = a.n_kv_heads;
        att["head_dim"] = a.head_dim;
        att["qkv_bias"] = a.qkv_bias;
        att["qk_norm"] = a.qk_norm;
        att["sliding_window"] = a.sliding_window;
    }
    out["attention_detail"] = att;
    const RopeSpec& rp = a.rope;
    json rope = {{"theta", rp.theta},
                 {"type", rp.type},
                 {"rotary_dim", rp.rotary_dim},
                 {"style", rp.style == RopeStyle::Interleaved ? "interleaved" : "half-split"}};
    if (rp.type != "default") rope["factor"] = rp.factor;
    if (rp.type == "yarn") {
        rope["original_max_position_embeddings"] = rp.original_max_position;
        rope["beta_fast"] = rp.beta_fast;
        rope["beta_slow"] = rp.beta_slow;
        rope["mscale"] = rp.mscale;
        rope["mscale_all_dim"] = rp.mscale_all_dim;
    }
    out["rope"] = rope;
    if (d.indexer) {
        out["indexer"] = {{"n_heads", d.indexer->n_heads},
                          {"head_dim", d.indexer->head_dim},
                          {"topk", d.indexer->topk},
                          {"rope_style", d.indexer->rope_style == RopeStyle::Interleaved ? "interleaved" : "half-split"}};
    } else {
        out["indexer"] = nullptr;
    }
    return out;
}

} // namespace

// params_total: the elements of every tensor in the checkpoint except the FP8
// *_scale_inv siblings. params_active: params_total minus, in every MoE layer
// (trunk and MTP), the parameters of the E - K routed experts a token does not
// use (3 * hidden * moe_intermediate each, capped by what the layer holds).
json inspect_checkpoint(const std::filesystem::path& dir) {
    const Checkpoint ck = Checkpoint::open(dir);
    const ArchDescriptor d = ArchDescriptor::from_config(ck.config(), ck.config_path().string());
    const ExpertLayout layout = detect_expert_layout(ck);
    const std::vector<ExpectedTensor> expected = d.expected_tensors(layout);

    std::unordered_map<std::string_view, std::size_t> index;
    index.reserve(expected.size() * 2);
    for (std::size_t i = 0; i < expected.size(); ++i) index.emplace(expected[i].name, i);
    // Indexer tensors on shared layers are allowed (some releases ship them) and ignored.
    std::vector<ExpectedTensor> tolerated;
    for (int l : d.indexer_shared_layers())
        for (auto& t : d.indexer_tensors(l)) tolerated.push_back(std::move(t));
    std::unordered_map<std::string_view, std::size_t> tolerated_index;
    for (std::size_t i = 0; i < tolerated.size(); ++i) tolerated_index.emplace(tolerated[i].name, i);

    const Fp8Block block = fp8_block_from_config(ck.config()).value_or(Fp8Block{});
    std::vector<char> present(expected.size(), 0);
    std::vector<LayerTotals> per_layer(d.layers.size());
    std::map<std::string, std::uint64_t> dtype_bytes;
    Problems problems;
    std::int64_t params_total = 0;
    bool fp8 = false;

    for (const auto& e : ck.entries()) {
        const TensorInfo& t = *e.info;
        const std::string_view name = t.name;
        dtype_bytes[std::string(dtype_name(t.dtype))] += t.nbytes();
        const int layer = layer_of_tensor(name);
        LayerTotals* lt = layer >= 0 && static_cast<std::size_t>(layer) < per_layer.size() ? &per_layer[layer] : nullptr;
        if (lt) lt->bytes += t.nbytes();

        if (name.ends_with(kScaleSuffix)) {
            // Checked from its weight's side; an orphan is unexpected.
            const auto* w = ck.find(name.substr(0, name.size() - kScaleSuffix.size()));
            if (!w || !is_fp8(w->info->dtype))
                problems.add([&] { return fmt::format("unexpected: {} (no FP8 weight of that name)", printable(name)); });
            continue;
        }
        const std::int64_t n = numel(t.shape);
        params_total += n;
        if (lt) lt->params += n;

        const ExpectedTensor* x = nullptr;
        if (auto it = index.find(name); it != index.end()) {
            x = &expected[it->second];
            present[it->second] = 1;
            if (lt && x->role == TensorRole::RoutedExpert) lt->routed_params += n;
        } else if (auto jt = tolerated_index.find(name); jt != tolerated_index.end()) {
            x = &tolerated[jt->second];
        } else {
            problems.add([&] { return fmt::format("unexpected: {} {}", printable(name), shape_str(t.shape)); });
        }
        if (x && x->shape != t.shape)
            problems.add([&] {
                return fmt::format("{}: shape {}, expected {}", printable(name), shape_str(t.shape), shape_str(x->shape));
            });

        if (is_fp8(t.dtype)) {
            fp8 = true;
            const std::string sname = scale_inv_name(name);
            const auto* s = ck.find(sname);
            if (!s) {
                problems.add([&] { return fmt::format("{}: FP8 weight without {}", printable(name), printable(sname)); });
            } else if (t.shape.size() >= 2) {
                std::vector<std::int64_t> want = t.shape;
                auto ceil_div = [](std::int64_t a, std::int64_t b) { return (a + b - 1) / b; };
                want[want.size() - 2] = ceil_div(want[want.size() - 2], block.rows);
                want.back() = ceil_div(want.back(), block.cols);
                if (s->info->shape != want)
                    problems.add([&] {
                        return fmt::format("{}: shape {}, expected {} ({}x{} blocks)", printable(sname),
                                           shape_str(s->info->shape), shape_str(want), block.rows, block.cols);
                    });
            }
        }
    }
    for (std::size_t i = 0; i < expected.size(); ++i)
        if (!present[i] && expected[i].required)
            problems.add([&] { return fmt::format("missing: {} {}", expected[i].name, shape_str(expected[i].shape)); });

    const std::int64_t per_expert = 3 * d.hidden_size * d.moe_intermediate_size;
    std::int64_t params_active = params_total;
    for (std::size_t i = 0; i < d.layers.size(); ++i)
        if (d.layers[i].is_moe)
            params_active -= std::min((d.router.n_experts - d.router.top_k) * per_expert, per_layer[i].routed_params);

    json report;
    report["dir"] = dir.string();
    report["model_type"] = d.model_type;
    report["architecture"] = family_architecture(d.family);
    report["layers"] = d.num_hidden_layers;
    report["mtp_layers"] = d.mtp_layers();
    report["moe_layers"] = d.moe_layers();
    report["dense_layers"] = d.dense_layers();
    report["routed_experts"] = d.router.n_experts;
    report["experts_per_token"] = d.router.top_k;
    report["shared_experts"] = d.n_shared_experts;
    report["routing"] = d.router.scoring == Scoring::Sigmoid ? "sigmoid" : "softmax";
    report["indexer_full_layers"] = d.indexer_full_layers();
    report["indexer_shared_layers"] = d.indexer_shared_layers();
    report["params_total"] = params_total;
    report["params_active"] = params_active;
    report["params_config"] = d.params_total();  // implied by config.json alone
    report["bytes_on_disk"] = ck.bytes_on_disk();
    report["dtypes"] = dtype_bytes;
    report["tensors"] = ck.entries().size();
    report["expert_layout"] = layout == ExpertLayout::Fused ? "fused" : "per-expert";
    report["fp8"] = fp8;
    report["hidden_size"] = d.hidden_size;
    report["vocab_size"] = d.vocab_size;
    report["intermediate_size"] = d.intermediate_size;
    report["moe_intermediate_size"] = d.moe_intermediate_size;
    report["attention"] = d.attention.kind == AttentionKind::Mla ? "mla" : "gqa";
    report.update(describe_arch(d));
    report["problems"] = problems.to_json();
    report["problem_count"] = problems.total();
    json table = json::array();
    for (std::size_t i = 0; i < d.layers.size(); ++i) {
        const LayerSpec& l = d.layers[i];
        table.push_back({{"index", l.index},
                         {"kind", l.is_moe ? "moe" : "dense"},
                         {"mtp", l.is_mtp},
                         {"indexer", l.indexer == IndexerKind::Full     ? "full"
                                     : l.indexer == IndexerKind::Shared ? "shared"
                                                                        : "none"},
                         {"params", per_layer[i].params},
                         {"bytes", per_layer[i].bytes}});
    }
    report["layer_table"] = std::move(table);
    return report;
}

} // namespace moecut

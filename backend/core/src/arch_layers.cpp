// Per-layer structure: which layers are MoE and which run the DSA indexer.
#include "arch_parse.h"

#include <fmt/core.h>

#include <algorithm>
#include <unordered_set>

namespace moecut::detail {

using nlohmann::json;

std::vector<bool> parse_moe_schedule(const ConfigFields& f, Family family, std::int64_t n_layers,
                                     std::int64_t n_experts) {
    const auto n = static_cast<std::size_t>(n_layers);
    std::vector<bool> moe(n, false);
    switch (family) {
    case Family::Mixtral:
        std::fill(moe.begin(), moe.end(), true);
        return moe;
    case Family::Qwen3Moe:
    case Family::Qwen2Moe: {
        // transformers Qwen2/3-MoE: MoE iff not in mlp_only_layers, experts > 0
        // and (i + 1) % decoder_sparse_step == 0.
        const std::int64_t step = f.int_opt("decoder_sparse_step", 1, 1);
        std::unordered_set<std::int64_t> mlp_only;
        if (const json* v = f.get("mlp_only_layers")) {
            if (!v->is_array()) f.fail("field 'mlp_only_layers' must be a list of layer indices");
            for (const json& e : *v) mlp_only.insert(f.as_int(e, "mlp_only_layers", 0));
        }
        for (std::int64_t i = 0; i < n_layers; ++i)
            moe[static_cast<std::size_t>(i)] = !mlp_only.count(i) && n_experts > 0 && (i + 1) % step == 0;
        return moe;
    }
    default: break;
    }
    // GLM / DeepSeek: an explicit mlp_layer_types list wins; else
    // i >= first_k_dense_replace and i % moe_layer_freq == 0 (vLLM's rule;
    // transformers knows only first_k_dense_replace, moe_layer_freq is 1 in
    // every released config).
    if (const json* v = f.get("mlp_layer_types")) {
        if (!v->is_array() || v->size() != n)
            f.fail(fmt::format("field 'mlp_layer_types' must be a list of {} entries (num_hidden_layers)", n_layers));
        for (std::size_t i = 0; i < n; ++i) {
            const json& e = (*v)[i];
            if (e == "sparse") moe[i] = true;
            else if (e == "dense") moe[i] = false;
            else f.fail(fmt::format("mlp_layer_types[{}] is {}, expected \"dense\" or \"sparse\"", i, e.dump()));
        }
        return moe;
    }
    const std::int64_t first_k = f.int_opt("first_k_dense_replace", family == Family::Glm4Moe ? 1 : 3, 0);
    const std::int64_t freq = f.int_opt("moe_layer_freq", 1, 1);
    for (std::int64_t i = 0; i < n_layers; ++i)
        moe[static_cast<std::size_t>(i)] = i >= first_k && i % freq == 0;
    return moe;
}

std::vector<IndexerKind> parse_indexer_schedule(const ConfigFields& f, std::int64_t n_layers, std::int64_t n_mtp) {
    const auto n = static_cast<std::size_t>(n_layers);
    std::vector<IndexerKind> out(n, IndexerKind::Full);
    if (const json* v = f.get("indexer_types")) {
        if (!v->is_array() || (v->size() != n && v->size() != n + static_cast<std::size_t>(n_mtp)))
            f.fail(fmt::format("field 'indexer_types' must be a list of {} entries (num_hidden_layers)", n_layers));
        for (std::size_t i = 0; i < n; ++i) {
            const json& e = (*v)[i];
            if (e == "full") out[i] = IndexerKind::Full;
            else if (e == "shared") out[i] = IndexerKind::Shared;
            else f.fail(fmt::format("indexer_types[{}] is {}, expected \"full\" or \"shared\"", i, e.dump()));
        }
    } else if (const json* p = f.get("index_topk_pattern")) {
        // A string such as "FFFSSSF..." or a list of "full"/"shared".
        if (p->is_string()) {
            const std::string s = p->get<std::string>();
            if (s.size() < n) f.fail(fmt::format("field 'index_topk_pattern' must have {} letters", n_layers));
            for (std::size_t i = 0; i < n; ++i) {
                if (s[i] == 'F') out[i] = IndexerKind::Full;
                else if (s[i] == 'S') out[i] = IndexerKind::Shared;
                else f.fail(fmt::format("index_topk_pattern[{}] is '{}', expected 'F' or 'S'", i, s[i]));
            }
        } else if (p->is_array() && p->size() >= n) {
            for (std::size_t i = 0; i < n; ++i) {
                const json& e = (*p)[i];
                if (e == "full") out[i] = IndexerKind::Full;
                else if (e == "shared") out[i] = IndexerKind::Shared;
                else f.fail(fmt::format("index_topk_pattern[{}] is {}, expected \"full\" or \"shared\"", i, e.dump()));
            }
        } else {
            f.fail(fmt::format("field 'index_topk_pattern' must be a string of {} letters F/S", n_layers));
        }
    } else {
        // transformers GlmMoeDsaConfig / vLLM: full iff max(i - offset + 1, 0) % freq == 0.
        const std::int64_t freq = std::max<std::int64_t>(f.int_opt("index_topk_freq", 1, 0), 1);
        const std::int64_t offset = f.int_opt("index_skip_topk_offset", 2, 0);
        for (std::int64_t i = 0; i < n_layers; ++i)
            out[static_cast<std::size_t>(i)] =
                std::max<std::int64_t>(i - offset + 1, 0) % freq == 0 ? IndexerKind::Full : IndexerKind::Shared;
    }
    // A shared layer reuses the top-k of the latest full layer: one must come first.
    auto first_full = std::find(out.begin(), out.end(), IndexerKind::Full);
    auto first_shared = std::find(out.begin(), out.end(), IndexerKind::Shared);
    if (first_shared != out.end() && (first_full == out.end() || first_full > first_shared))
        f.fail(fmt::format("indexer schedule: layer {} is shared but no earlier layer runs the indexer",
                           first_shared - out.begin()));
    return out;
}

} // namespace moecut::detail

namespace moecut {

namespace {
template <class Pred>
std::vector<int> layers_where(const std::vector<LayerSpec>& layers, Pred pred) {
    std::vector<int> out;
    for (const LayerSpec& l : layers)
        if (pred(l)) out.push_back(l.index);
    return out;
}
} // namespace

std::vector<int> ArchDescriptor::moe_layers() const {
    return layers_where(layers, [](const LayerSpec& l) { return !l.is_mtp && l.is_moe; });
}

std::vector<int> ArchDescriptor::dense_layers() const {
    return layers_where(layers, [](const LayerSpec& l) { return !l.is_mtp && !l.is_moe; });
}

std::vector<int> ArchDescriptor::mtp_layers() const {
    return layers_where(layers, [](const LayerSpec& l) { return l.is_mtp; });
}

std::vector<int> ArchDescriptor::indexer_full_layers() const {
    return layers_where(layers, [](const LayerSpec& l) { return !l.is_mtp && l.indexer == IndexerKind::Full; });
}

std::vector<int> ArchDescriptor::indexer_shared_layers() const {
    return layers_where(layers, [](const LayerSpec& l) { return !l.is_mtp && l.indexer == IndexerKind::Shared; });
}

} // namespace moecut

// Which bytes of the source make each tensor of the pruned checkpoint.
#include "prune_tensors.h"

#include "moecut/error.h"
#include "text_sanitize.h"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <unordered_set>

namespace moecut::detail {
namespace {

struct LayerPlan {
    std::string gate_prefix, experts_prefix;
    const std::vector<int>* keep = nullptr;
    std::map<int, int> new_id;  // old -> new
};

// Rows keep[0..K-1] of a tensor with E leading rows, adjacent rows merged.
std::vector<ByteRange> row_ranges(const SafetensorsFile& f, const TensorInfo& t, std::int64_t E,
                                  const std::vector<int>& keep) {
    const std::uint64_t row = t.nbytes() / static_cast<std::uint64_t>(E);
    const std::uint64_t base = f.data_offset() + t.begin;
    std::vector<ByteRange> out;
    for (int e : keep) {
        const std::uint64_t off = base + static_cast<std::uint64_t>(e) * row;
        if (!out.empty() && out.back().offset + out.back().length == off) out.back().length += row;
        else out.push_back({off, row});
    }
    return out;
}

} // namespace

std::uint64_t PrunedTensor::nbytes() const {
    std::uint64_t n = 0;
    for (const auto& r : ranges) n += r.length;
    return n;
}

std::vector<PrunedTensor> plan_pruned_tensors(const Checkpoint& ck, const ArchDescriptor& arch, ExpertLayout layout,
                                              const Plan& plan) {
    const std::int64_t E = arch.router.n_experts;
    std::map<int, LayerPlan> layers;
    for (const auto& [layer, ids] : plan.keep) {
        LayerPlan& lp = layers[layer];
        lp.gate_prefix = arch.mlp_prefix(layer, layout) + "gate.";
        lp.experts_prefix = arch.mlp_prefix(layer, layout) + "experts.";
        lp.keep = &ids;
        for (std::size_t j = 0; j < ids.size(); ++j) lp.new_id[ids[j]] = static_cast<int>(j);
    }
    std::unordered_set<int> known_layers;
    for (const LayerSpec& l : arch.layers) known_layers.insert(l.index);

    std::vector<PrunedTensor> out;
    out.reserve(ck.entries().size());
    for (const SafetensorsFile& f : ck.shards()) {
        std::vector<const TensorInfo*> order;
        for (const TensorInfo& t : f.tensors()) order.push_back(&t);
        std::stable_sort(order.begin(), order.end(),
                         [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
        const std::string file = f.path().string();
        for (const TensorInfo* tp : order) {
            const TensorInfo& t = *tp;
            PrunedTensor p{t.name, t.dtype, t.shape, &f, {}};
            const int layer = layer_of_tensor(t.name);
            auto lit = layer >= 0 ? layers.find(layer) : layers.end();
            if (lit == layers.end()) {
                if (layer >= 0 && !known_layers.count(layer) && t.name.find(".experts.") != std::string::npos)
                    throw_input(file, printable(t.name),
                                fmt::format("expert tensor of layer {}, which config.json does not declare; pruning "
                                            "would leave it inconsistent",
                                            layer));
                p.ranges.push_back({f.data_offset() + t.begin, t.nbytes()});
                out.push_back(std::move(p));
                continue;
            }
            const LayerPlan& lp = lit->second;
            const std::string_view name = t.name;
            const bool router = name.starts_with(lp.gate_prefix);
            const bool experts = name.starts_with(lp.experts_prefix);
            if (experts) {
                std::string_view rest = name.substr(lp.experts_prefix.size());
                std::size_t digits = 0;
                while (digits < rest.size() && digits < 8 && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
                if (digits > 0 && digits < rest.size() && rest[digits] == '.') {
                    const int id = std::stoi(std::string(rest.substr(0, digits)));
                    if (id >= E)
                        throw_input(file, printable(t.name),
                                    fmt::format("expert id {} is out of range (config.json: {} experts)", id, E));
                    auto nit = lp.new_id.find(id);
                    if (nit == lp.new_id.end()) continue;  // dropped
                    p.name = lp.experts_prefix + std::to_string(nit->second) + std::string(rest.substr(digits));
                    p.ranges.push_back({f.data_offset() + t.begin, t.nbytes()});
                    out.push_back(std::move(p));
                    continue;
                }
            }
            if (router || experts) {
                // Router rows, or a fused expert tensor: E leading rows.
                if (t.shape.empty() || t.shape[0] != E)
                    throw_input(file, printable(t.name),
                                fmt::format("has {} leading rows, not one per expert ({}); cannot prune it "
                                            "(a quantised router is not supported)",
                                            t.shape.empty() ? 0 : t.shape[0], E));
                p.shape[0] = static_cast<std::int64_t>(lp.keep->size());
                p.ranges = row_ranges(f, t, E, *lp.keep);
                out.push_back(std::move(p));
                continue;
            }
            p.ranges.push_back({f.data_offset() + t.begin, t.nbytes()});
            out.push_back(std::move(p));
        }
    }

    // Everything the plan needs must be there.
    for (const auto& [layer, lp] : layers) {
        const std::string router = arch.router_weight(layer, layout);
        if (!ck.contains(router))
            throw_input(ck.dir().string(), router, fmt::format("missing: layer {} is in the plan but has no router", layer));
        if (layout == ExpertLayout::Fused) {
            for (int which = 0; which < 2; ++which)
                if (!ck.contains(arch.fused_expert_weight(layer, which)))
                    throw_input(ck.dir().string(), arch.fused_expert_weight(layer, which), "missing");
            continue;
        }
        for (int e : *lp.keep)
            for (int proj = 0; proj < 3; ++proj)
                if (!ck.contains(arch.expert_weight(layer, e, proj)))
                    throw_input(ck.dir().string(), arch.expert_weight(layer, e, proj),
                                fmt::format("missing, and the plan keeps expert {} of layer {}", e, layer));
    }
    return out;
}

} // namespace moecut::detail

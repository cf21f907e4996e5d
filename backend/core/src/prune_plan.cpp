// Keep-K plans: the router's limits, validation, and PLAN.json.
#include "moecut/prune_plan.h"

#include "moecut/atomic_file.h"
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "text_sanitize.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace moecut {

using nlohmann::json;
using nlohmann::ordered_json;

std::string Plan::model_hash() const {
    auto it = source.find("model_hash");
    return it != source.end() && it->is_string() ? it->get<std::string>() : std::string();
}

RouterLimits router_limits(const ArchDescriptor& arch) {
    RouterLimits r;
    r.experts = arch.router.n_experts;
    r.top_k = arch.router.top_k;
    r.n_group = std::max<std::int64_t>(1, arch.router.n_group);
    r.topk_group = std::max<std::int64_t>(1, arch.router.topk_group);
    for (const LayerSpec& l : arch.layers)
        if (l.is_moe) r.layers.push_back(l.index);
    return r;
}

RouterLimits router_limits(const SaliencyTable& t) {
    RouterLimits r;
    r.experts = t.experts;
    r.top_k = t.top_k;
    r.n_group = std::max<std::int64_t>(1, t.n_group);
    r.topk_group = std::max<std::int64_t>(1, t.topk_group);
    r.layers = t.layers;
    return r;
}

std::string keep_count_problem(std::int64_t k, const RouterLimits& r) {
    if (k < r.top_k)
        return fmt::format("K = {} is below the router's top-k ({}): every token needs {} experts", k, r.top_k, r.top_k);
    if (k > r.experts) return fmt::format("K = {} is more than the {} experts a layer has", k, r.experts);
    if (r.n_group > 1) {
        if (r.experts % r.n_group != 0)
            return fmt::format("{} experts do not split into n_group = {} groups", r.experts, r.n_group);
        if (k % r.n_group != 0)
            return fmt::format("K = {} is not a multiple of n_group = {} (group-limited routing needs the same count "
                               "kept in every group)",
                               k, r.n_group);
        const std::int64_t per = k / r.n_group;
        if (per < 2)
            return fmt::format("K = {} keeps {} expert(s) per group; the group score sums each group's top 2", k, per);
        if (r.topk_group * per < r.top_k)
            return fmt::format("K = {} leaves topk_group {} x {} per group = {} reachable experts, below top-k {}", k,
                               r.topk_group, per, r.topk_group * per, r.top_k);
    }
    return {};
}

void validate_plan(const Plan& plan, const RouterLimits& r, const std::string& file) {
    const std::set<int> want(r.layers.begin(), r.layers.end());
    for (const auto& [layer, ids] : plan.keep)
        if (!want.count(layer))
            throw_input(file, fmt::format("\"keep\" names layer {}, which has no router in this model (MoE layers: {})",
                                          layer, fmt::join(r.layers, ", ")));
    for (int layer : r.layers)
        if (!plan.keep.count(layer)) throw_input(file, fmt::format("\"keep\" has no entry for MoE layer {}", layer));
    if (plan.experts > 0 && plan.experts != r.experts)
        throw_input(file, fmt::format("the plan was made for {} experts per layer; this model has {}", plan.experts,
                                      r.experts));
    const std::size_t k = plan.keep_count();
    for (const auto& [layer, ids] : plan.keep) {
        if (ids.size() != k)
            throw_input(file, fmt::format("layer {} keeps {} experts and layer {} keeps {}: K must be the same in every "
                                          "layer (one config field holds it)",
                                          plan.keep.begin()->first, k, layer, ids.size()));
        std::set<int> seen;
        for (int e : ids) {
            if (e < 0 || e >= r.experts)
                throw_input(file, fmt::format("layer {}: expert {} is out of range 0..{}", layer, e, r.experts - 1));
            if (!seen.insert(e).second) throw_input(file, fmt::format("layer {}: expert {} is listed twice", layer, e));
        }
    }
    if (const std::string p = keep_count_problem(static_cast<std::int64_t>(k), r); !p.empty()) throw_input(file, p);
    if (r.n_group > 1) {
        const std::int64_t old_size = r.experts / r.n_group, per = static_cast<std::int64_t>(k) / r.n_group;
        for (const auto& [layer, ids] : plan.keep)
            for (std::size_t j = 0; j < ids.size(); ++j) {
                const std::int64_t new_group = static_cast<std::int64_t>(j) / per, old_group = ids[j] / old_size;
                if (new_group != old_group)
                    throw_input(file, fmt::format("layer {}: position {} (new group {}) holds expert {} of group {}; with "
                                                  "n_group = {} each group must keep {} of its own experts, in order",
                                                  layer, j, new_group, ids[j], old_group, r.n_group, per));
            }
    }
    for (const auto& [layer, ids] : plan.protected_experts) {
        auto it = plan.keep.find(layer);
        for (int e : ids)
            if (it == plan.keep.end() || std::find(it->second.begin(), it->second.end(), e) == it->second.end())
                throw_input(file, fmt::format("layer {}: protected expert {} is not kept", layer, e));
    }
}

ordered_json plan_to_json(const Plan& p) {
    ordered_json j;
    j["moecut_plan"] = 1;
    j["criterion"] = p.criterion;
    if (!p.domain.empty()) j["domain"] = p.domain;
    j["keep_per_layer"] = p.keep_count();
    if (p.experts > 0) j["experts"] = p.experts;
    ordered_json keep = ordered_json::object();
    for (const auto& [layer, ids] : p.keep) keep[std::to_string(layer)] = ids;
    j["keep"] = std::move(keep);
    ordered_json swaps = ordered_json::array();
    for (const auto& s : p.swaps)
        swaps.push_back({{"layer", s.layer}, {"out", s.out}, {"in", s.in}, {"domain", s.domain}, {"reason", s.reason}});
    j["swaps"] = std::move(swaps);
    ordered_json prot = ordered_json::object();
    for (const auto& [layer, ids] : p.protected_experts)
        if (!ids.empty()) prot[std::to_string(layer)] = ids;
    j["protected"] = std::move(prot);
    if (!p.super_expert_rule.empty()) j["super_expert_rule"] = p.super_expert_rule;
    j["source"] = ordered_json::parse(p.source.dump());
    return j;
}

namespace {

int layer_key(const std::string& key, const std::string& file, const char* field) {
    if (key.empty() || key.size() > 7 || !std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw_input(file, fmt::format("\"{}\": key \"{}\" is not a layer index", field, printable(key)));
    return std::stoi(key);
}

std::vector<int> id_list(const json& v, const std::string& file, const char* field, int layer) {
    if (!v.is_array()) throw_input(file, fmt::format("\"{}\": layer {} must map to a list of expert ids", field, layer));
    std::vector<int> out;
    for (const auto& e : v) {
        if (!e.is_number_integer() || e.get<std::int64_t>() < 0 || e.get<std::int64_t>() > 1'000'000)
            throw_input(file, fmt::format("\"{}\": layer {}: {} is not an expert id", field, layer, printable(e.dump())));
        out.push_back(e.get<int>());
    }
    return out;
}

std::map<int, std::vector<int>> layer_map(const json& j, const std::string& file, const char* field) {
    if (!j.is_object()) throw_input(file, fmt::format("\"{}\" must be an object: layer index -> expert ids", field));
    std::map<int, std::vector<int>> out;
    for (const auto& [k, v] : j.items()) {
        const int layer = layer_key(k, file, field);
        if (out.count(layer)) throw_input(file, fmt::format("\"{}\": layer {} appears twice", field, layer));
        out[layer] = id_list(v, file, field, layer);
    }
    return out;
}

} // namespace

Plan plan_from_json(const json& j, const std::string& file) {
    if (!j.is_object()) throw_input(file, "a plan must be a JSON object");
    auto keep = j.find("keep");
    if (keep == j.end()) throw_input(file, "no \"keep\" (layer index -> kept expert ids)");
    Plan p;
    p.keep = layer_map(*keep, file, "keep");
    if (p.keep.empty()) throw_input(file, "\"keep\" is empty");
    if (auto it = j.find("criterion"); it != j.end()) {
        if (!it->is_string()) throw_input(file, "\"criterion\" must be a string");
        p.criterion = it->get<std::string>();
    }
    if (auto it = j.find("domain"); it != j.end() && it->is_string()) p.domain = it->get<std::string>();
    if (auto it = j.find("experts"); it != j.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() <= 0)
            throw_input(file, "\"experts\" must be a positive integer");
        p.experts = it->get<std::int64_t>();
    }
    if (auto it = j.find("keep_per_layer"); it != j.end()) {
        if (!it->is_number_integer()) throw_input(file, "\"keep_per_layer\" must be an integer");
        for (const auto& [layer, ids] : p.keep)
            if (static_cast<std::int64_t>(ids.size()) != it->get<std::int64_t>())
                throw_input(file, fmt::format("\"keep_per_layer\" is {} but layer {} keeps {}", it->get<std::int64_t>(),
                                              layer, ids.size()));
    }
    if (auto it = j.find("swaps"); it != j.end()) {
        if (!it->is_array()) throw_input(file, "\"swaps\" must be a list");
        for (const auto& s : *it) {
            if (!s.is_object() || !s.contains("layer") || !s.contains("out") || !s.contains("in") ||
                !s["layer"].is_number_integer() || !s["out"].is_number_integer() || !s["in"].is_number_integer())
                throw_input(file, "\"swaps\": each entry needs integer \"layer\", \"out\" and \"in\"");
            PlanSwap w{s["layer"].get<int>(), s["out"].get<int>(), s["in"].get<int>(), "", ""};
            if (s.contains("domain") && s["domain"].is_string()) w.domain = s["domain"].get<std::string>();
            if (s.contains("reason") && s["reason"].is_string()) w.reason = s["reason"].get<std::string>();
            p.swaps.push_back(std::move(w));
        }
    }
    if (auto it = j.find("protected"); it != j.end()) p.protected_experts = layer_map(*it, file, "protected");
    if (auto it = j.find("super_expert_rule"); it != j.end() && it->is_string()) p.super_expert_rule = it->get<std::string>();
    if (auto it = j.find("source"); it != j.end()) {
        if (!it->is_object()) throw_input(file, "\"source\" must be an object");
        p.source = *it;
    }
    return p;
}

Plan read_plan(const std::filesystem::path& path) { return plan_from_json(read_json_file(path), path.string()); }

namespace {

// Indented JSON, except that each layer's id list stays on one line: a plan
// for 76 layers of 168 ids is read by people.
std::string format_plan(const ordered_json& j) {
    std::string out = "{\n";
    std::size_t i = 0;
    for (const auto& [key, value] : j.items()) {
        out += "  " + json(key).dump() + ": ";
        if ((key == "keep" || key == "protected") && value.is_object() && !value.empty()) {
            out += "{\n";
            std::size_t n = 0;
            for (const auto& [layer, ids] : value.items())
                out += "    " + json(layer).dump() + ": " + ids.dump(-1, ' ', false) + (++n < value.size() ? ",\n" : "\n");
            out += "  }";
        } else {
            std::string v = value.dump(2);
            for (std::size_t p = v.find('\n'); p != std::string::npos; p = v.find('\n', p + 3)) v.replace(p, 1, "\n  ");
            out += v;
        }
        out += ++i < j.size() ? ",\n" : "\n";
    }
    return out + "}\n";
}

} // namespace

void write_plan(const std::filesystem::path& path, const Plan& plan) {
    write_file_atomic(path, format_plan(plan_to_json(plan)));
}

} // namespace moecut

// verify_checkpoint: inspect's problems plus the checks a pruned checkpoint
// needs (contiguous expert ids, a consistent expert count).
#include "moecut/verify.h"

#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/tensor_names.h"
#include "moecut/inspect.h"
#include "moecut/prune_plan.h"
#include "prune_tensors.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

namespace moecut {
namespace {

// "0, 1, 2" for the first few, then "... (N in all)".
std::string some(const std::vector<std::int64_t>& ids) {
    constexpr std::size_t kShow = 8;
    if (ids.size() <= kShow) return fmt::format("{}", fmt::join(ids, ", "));
    return fmt::format("{}, ... ({} in all)", fmt::join(ids.begin(), ids.begin() + kShow, ", "), ids.size());
}

void check_expert_ids(const Checkpoint& ck, const ArchDescriptor& arch, std::vector<std::string>& problems) {
    const std::int64_t E = arch.router.n_experts;
    std::map<int, std::set<std::int64_t>> ids;
    std::map<int, std::string> prefix;
    for (const LayerSpec& l : arch.layers)
        if (l.is_moe) {
            ids[l.index];
            prefix[l.index] = arch.mlp_prefix(l.index, detect_expert_layout(ck)) + "experts.";
        }
    for (const auto& e : ck.entries()) {
        const std::string_view name = e.info->name;
        const int layer = layer_of_tensor(name);
        auto it = prefix.find(layer);
        if (it == prefix.end() || !name.starts_with(it->second)) continue;
        const std::string_view rest = name.substr(it->second.size());
        std::size_t d = 0;
        while (d < rest.size() && d < 8 && rest[d] >= '0' && rest[d] <= '9') ++d;
        if (d == 0 || d >= rest.size() || rest[d] != '.') continue;  // fused tensors: their shape is checked
        ids[layer].insert(std::stoll(std::string(rest.substr(0, d))));
    }
    if (detect_expert_layout(ck) == ExpertLayout::Fused) return;
    for (const auto& [layer, found] : ids) {
        std::vector<std::int64_t> missing, extra;
        for (std::int64_t e = 0; e < E; ++e)
            if (!found.count(e)) missing.push_back(e);
        for (std::int64_t e : found)
            if (e >= E) extra.push_back(e);
        if (missing.empty() && extra.empty()) continue;
        std::string p = fmt::format("layer {}: routed expert ids are not 0..{} ({} experts in config.json):", layer, E - 1, E);
        if (!missing.empty()) p += " missing " + some(missing);
        if (!missing.empty() && !extra.empty()) p += ";";
        if (!extra.empty()) p += " beyond the count " + some(extra);
        problems.push_back(std::move(p));
    }
}

void check_config(const Checkpoint& ck, const ArchDescriptor& arch, std::vector<std::string>& problems) {
    const std::int64_t E = arch.router.n_experts;
    const std::string canonical = arch.expert_count_field();
    for (const char* key : {"n_routed_experts", "num_experts", "num_local_experts"}) {
        auto it = ck.config().find(key);
        if (key == canonical || it == ck.config().end() || !it->is_number_integer()) continue;
        if (it->get<std::int64_t>() != E)
            problems.push_back(fmt::format("config.json: {} = {} disagrees with {} = {}", key, it->get<std::int64_t>(),
                                           canonical, E));
    }
    if (arch.moe_layers().empty() && arch.mtp_layers().empty()) return;
    if (std::string p = keep_count_problem(E, router_limits(arch)); !p.empty())
        problems.push_back(fmt::format("config.json: {} = {}: {}", canonical, E, p));
}

void check_provenance(const Checkpoint& ck, std::int64_t E, std::vector<std::string>& problems) {
    const auto path = ck.dir() / "moecut_provenance.json";
    if (!std::filesystem::exists(path)) return;
    nlohmann::json prov;
    try {
        prov = read_json_file(path);
    } catch (const std::exception& e) {
        problems.push_back(e.what());
        return;
    }
    auto it = prov.find("experts_after");
    if (!prov.is_object() || it == prov.end() || !it->is_number_integer())
        problems.push_back("moecut_provenance.json: no integer \"experts_after\"");
    else if (it->get<std::int64_t>() != E)
        problems.push_back(fmt::format("moecut_provenance.json: experts_after = {}, but config.json says {}",
                                       it->get<std::int64_t>(), E));
}

} // namespace

VerifyReport verify_checkpoint(const std::filesystem::path& dir) {
    VerifyReport r;
    r.inspect = inspect_checkpoint(dir);
    for (const auto& p : r.inspect["problems"]) r.problems.push_back(p.get<std::string>());
    const Checkpoint ck = Checkpoint::open(dir);
    const ArchDescriptor arch = ArchDescriptor::from_config(ck.config(), ck.config_path().string());
    r.experts = arch.router.n_experts;
    check_expert_ids(ck, arch, r.problems);
    check_config(ck, arch, r.problems);
    check_provenance(ck, r.experts, r.problems);
    return r;
}

} // namespace moecut

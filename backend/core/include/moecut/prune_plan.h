// Keep-K plans: which routed experts each MoE layer (trunk and MTP) keeps.
//
// PLAN.json (only "keep" is required; a plan written by hand in that form is
// accepted):
//   {
//     "moecut_plan": 1,
//     "criterion": "reap",            // reap | frequency | ean | manual
//     "domain": "all",                // the saliency domain ranked
//     "keep_per_layer": 168,
//     "experts": 256,                 // E before pruning
//     "keep": {"3": [0, 2, 5, ...], ..., "78": [...]},   // ascending ids
//     "swaps": [{"layer": 3, "out": 17, "in": 40, "domain": "code", "reason": "..."}],
//     "protected": {"3": [12]},       // super experts (always kept)
//     "super_expert_rule": "...",
//     "source": {"saliency": "...", "model_hash": "sha256:...", "data_hash": "..."}
//   }
// New expert j of a layer is old expert keep[layer][j] ("plan order").
#pragma once

#include "moecut/arch.h"
#include "moecut/saliency_file.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace moecut {

struct PlanSwap {
    int layer = 0;
    int out = 0;  // the kept expert that was dropped
    int in = 0;   // the dropped expert that was kept instead
    std::string domain;
    std::string reason;
};

struct Plan {
    std::string criterion = "manual";
    std::string domain;
    std::int64_t experts = 0;               // E before pruning, 0 if not stated
    std::map<int, std::vector<int>> keep;   // layer -> kept old ids, in plan order
    std::vector<PlanSwap> swaps;
    std::map<int, std::vector<int>> protected_experts;
    std::string super_expert_rule;
    nlohmann::json source = nlohmann::json::object();  // saliency path, model_hash, data_hash

    // The common K (0 for an empty plan); validate() checks that it is common.
    std::size_t keep_count() const { return keep.empty() ? 0 : keep.begin()->second.size(); }
    std::string model_hash() const;  // source.model_hash or ""
};

// What a router allows: E, top-k, groups, and the layers with a router.
struct RouterLimits {
    std::int64_t experts = 0, top_k = 0, n_group = 1, topk_group = 1;
    std::vector<int> layers;  // every MoE layer, trunk then MTP
};
RouterLimits router_limits(const ArchDescriptor& arch);
RouterLimits router_limits(const SaliencyTable& table);

// Why K cannot be used with this router, or "" if it can: K below top-k or
// above E; with n_group > 1, K not a multiple of n_group, fewer than 2 kept
// per group (the group score sums the top 2), or topk_group * K / n_group < top-k.
std::string keep_count_problem(std::int64_t k, const RouterLimits& r);

// Checks a plan against a router: every layer present and no other, ids
// unique and in range, the same K everywhere, K allowed (keep_count_problem),
// and with n_group > 1, new group g (positions g*K/G .. (g+1)*K/G - 1) made
// only of old group g's experts. Throws InputError("FILE: problem").
void validate_plan(const Plan& plan, const RouterLimits& router, const std::string& file_for_messages);

struct PlanOptions {
    std::int64_t keep = 0;
    std::string criterion = "reap";  // reap | frequency | ean
    std::string domain = "all";
    std::string swap_domain;         // empty: no knowledge swaps
    std::int64_t swaps = 0;
    bool protect_super_experts = false;
    std::string saliency_path;       // recorded in "source"
};

// Ranks each row's experts by the criterion in the domain (higher is
// stronger; ties go to the lower expert id) and keeps the top K, taking
// K / n_group from each group when n_group > 1 (kept in original order).
// Protected super experts are kept first. Knowledge swaps then replace, per
// layer, the N weakest kept experts (by the first ranking; never protected
// ones) by the N experts of swap_domain that the first ranking dropped and
// that swap_domain rates highest (only those with a positive score there;
// within the same group when n_group > 1). Throws InputError for unusable
// options.
Plan make_plan(const SaliencyTable& table, const PlanOptions& options);

nlohmann::ordered_json plan_to_json(const Plan& plan);
Plan plan_from_json(const nlohmann::json& j, const std::string& file_for_messages);
Plan read_plan(const std::filesystem::path& path);
void write_plan(const std::filesystem::path& path, const Plan& plan);

} // namespace moecut

// make_plan: top-K selection from a saliency table, group-balanced, with
// super-expert protection and knowledge swaps.
#include "moecut/error.h"
#include "moecut/prune_plan.h"
#include "moecut/super_experts.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>
#include <set>

namespace moecut {
namespace {

const std::set<std::string> kCriteria = {"reap", "frequency", "ean"};

// Expert ids by score, strongest first; ties go to the lower id.
std::vector<int> ranking(const float* score, int n) {
    std::vector<int> ids(static_cast<std::size_t>(n));
    std::iota(ids.begin(), ids.end(), 0);
    std::stable_sort(ids.begin(), ids.end(), [score](int a, int b) { return score[a] > score[b]; });
    return ids;
}

void check_options(const SaliencyTable& t, const PlanOptions& o, const RouterLimits& r) {
    if (!kCriteria.count(o.criterion))
        throw_input("--criterion", fmt::format("\"{}\" is not one of reap, frequency, ean", o.criterion));
    if (!t.has_domain(o.domain))
        throw_input("--domain", fmt::format("the saliency file has no domain \"{}\" (it has: {})", o.domain,
                                            fmt::join(t.domains, ", ")));
    if (r.top_k <= 0)
        throw_input("SALIENCY", "the saliency file does not record the router's top_k; cannot check K");
    if (const std::string p = keep_count_problem(o.keep, r); !p.empty()) throw_input("--keep", p);
    if (o.swaps < 0) throw_input("--swaps", "must not be negative");
    if (o.swaps > 0 && o.swap_domain.empty()) throw_input("--swaps", "needs --swap-domain D2");
    if (!o.swap_domain.empty()) {
        if (o.swaps == 0) throw_input("--swap-domain", "needs --swaps N (N > 0)");
        if (o.swap_domain == o.domain) throw_input("--swap-domain", "must differ from --domain");
        if (!t.has_domain(o.swap_domain))
            throw_input("--swap-domain", fmt::format("the saliency file has no domain \"{}\" (it has: {})",
                                                     o.swap_domain, fmt::join(t.domains, ", ")));
        if (o.swaps >= o.keep) throw_input("--swaps", fmt::format("{} swaps would replace all {} kept experts", o.swaps, o.keep));
    }
}

struct RowContext {
    int layer;
    int E;
    std::int64_t group_size;  // E / n_group
    const float* score;       // primary criterion, primary domain
    const float* score2;      // primary criterion, swap domain (or null)
    std::vector<int> rank_pos;  // rank (0 = strongest) in the primary ranking
};

void add_swaps(const RowContext& c, const PlanOptions& o, const std::set<int>& prot, std::vector<char>& kept,
               Plan& plan) {
    std::vector<int> rank2(static_cast<std::size_t>(c.E));
    {
        const std::vector<int> order2 = ranking(c.score2, c.E);
        for (int i = 0; i < c.E; ++i) rank2[static_cast<std::size_t>(order2[static_cast<std::size_t>(i)])] = i;
    }
    const std::vector<int> candidates = ranking(c.score2, c.E);
    std::set<int> swapped_in;
    std::int64_t done = 0;
    for (int in : candidates) {
        if (done == o.swaps) break;
        if (kept[static_cast<std::size_t>(in)] || c.score2[in] <= 0.0f) continue;
        // The weakest kept expert of the candidate's group that may go: not
        // protected and not itself swapped in.
        const std::int64_t g = in / c.group_size;
        int out = -1;
        for (int e = static_cast<int>(g * c.group_size); e < static_cast<int>((g + 1) * c.group_size); ++e) {
            if (!kept[static_cast<std::size_t>(e)] || prot.count(e) || swapped_in.count(e)) continue;
            if (out < 0 || c.rank_pos[static_cast<std::size_t>(e)] > c.rank_pos[static_cast<std::size_t>(out)]) out = e;
        }
        if (out < 0) continue;
        kept[static_cast<std::size_t>(out)] = 0;
        kept[static_cast<std::size_t>(in)] = 1;
        swapped_in.insert(in);
        ++done;
        const std::string reason = fmt::format(
            "knowledge swap {} of {} for domain '{}': expert {} has {} {:.6g} there (rank {} of {}) but the '{}' ranking "
            "dropped it (rank {}, {:.6g}); it replaces expert {}, the weakest kept by '{}' (rank {}, {:.6g}; {:.6g} in "
            "'{}')",
            done, o.swaps, o.swap_domain, in, o.criterion, c.score2[in], rank2[static_cast<std::size_t>(in)] + 1, c.E,
            o.domain, c.rank_pos[static_cast<std::size_t>(in)] + 1, c.score[in], out, o.domain,
            c.rank_pos[static_cast<std::size_t>(out)] + 1, c.score[out], c.score2[out], o.swap_domain);
        plan.swaps.push_back({c.layer, out, in, o.swap_domain, reason});
    }
}

} // namespace

Plan make_plan(const SaliencyTable& t, const PlanOptions& o) {
    const RouterLimits r = router_limits(t);
    check_options(t, o, r);
    const int E = static_cast<int>(t.experts);
    const std::int64_t G = r.n_group, per = o.keep / G, group_size = E / G;

    const std::vector<float>& score = t.matrix(o.criterion, o.domain);
    const std::vector<float>* score2 = o.swap_domain.empty() ? nullptr : &t.matrix(o.criterion, o.swap_domain);
    SuperExperts supers;
    if (o.protect_super_experts) supers = find_super_experts(t, o.domain);

    Plan plan;
    plan.criterion = o.criterion;
    plan.domain = o.domain;
    plan.experts = E;
    if (o.protect_super_experts) plan.super_expert_rule = super_expert_rule();
    plan.source = {{"saliency", o.saliency_path},  {"model_type", t.model_type}, {"model_hash", t.model_hash},
                   {"data_hash", t.data_hash},     {"tokens", t.tokens}};
    if (o.protect_super_experts) plan.source["super_expert_threshold"] = supers.threshold;

    for (std::size_t row = 0; row < t.rows(); ++row) {
        RowContext c{t.layers[row], E, group_size, score.data() + row * static_cast<std::size_t>(E),
                     score2 ? score2->data() + row * static_cast<std::size_t>(E) : nullptr, {}};
        const std::vector<int> order = ranking(c.score, E);
        c.rank_pos.resize(static_cast<std::size_t>(E));
        for (int i = 0; i < E; ++i) c.rank_pos[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = i;

        std::set<int> prot;
        if (o.protect_super_experts) prot.insert(supers.by_row[row].begin(), supers.by_row[row].end());
        std::vector<char> kept(static_cast<std::size_t>(E), 0);
        std::vector<std::int64_t> taken(static_cast<std::size_t>(G), 0);
        for (int e : prot) {
            const std::int64_t g = e / group_size;
            if (++taken[static_cast<std::size_t>(g)] > per)
                throw_input("--protect-super-experts",
                            fmt::format("layer {}: {} super experts{} exceed the {} experts kept{}", c.layer,
                                        taken[static_cast<std::size_t>(g)], G > 1 ? fmt::format(" in group {}", g) : "",
                                        per, G > 1 ? " per group" : ""));
            kept[static_cast<std::size_t>(e)] = 1;
        }
        for (int e : order) {
            const std::int64_t g = e / group_size;
            if (kept[static_cast<std::size_t>(e)] || taken[static_cast<std::size_t>(g)] >= per) continue;
            kept[static_cast<std::size_t>(e)] = 1;
            ++taken[static_cast<std::size_t>(g)];
        }
        if (score2) add_swaps(c, o, prot, kept, plan);

        std::vector<int>& ids = plan.keep[c.layer];
        for (int e = 0; e < E; ++e)
            if (kept[static_cast<std::size_t>(e)]) ids.push_back(e);
        if (!prot.empty()) plan.protected_experts[c.layer] = std::vector<int>(prot.begin(), prot.end());
    }
    validate_plan(plan, r, "PLAN");
    return plan;
}

} // namespace moecut

#include "moecut/super_experts.h"

#include <algorithm>
#include <cmath>

namespace moecut {

std::size_t SuperExperts::total() const {
    std::size_t n = 0;
    for (const auto& r : by_row) n += r.size();
    return n;
}

const char* super_expert_rule() {
    return "norm_max > max(99.5th percentile of norm_max over all rows and experts, max/10), "
           "first 75% of trunk MoE layers only (REAP get_super_expert_indices)";
}

SuperExperts find_super_experts(const SaliencyTable& t, const std::string& domain) {
    const std::vector<float>& v = t.matrix("norm_max", domain);
    SuperExperts out;
    out.by_row.resize(t.rows());
    if (v.empty()) return out;
    std::vector<float> sorted(v);
    std::sort(sorted.begin(), sorted.end());
    const double pos = 0.995 * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double q = sorted[lo] + (pos - static_cast<double>(lo)) * (static_cast<double>(sorted[hi]) - sorted[lo]);
    out.threshold = std::max(q, static_cast<double>(sorted.back()) / 10.0);

    std::size_t trunk_rows = 0;
    for (int l : t.layers)
        if (std::find(t.mtp_layers.begin(), t.mtp_layers.end(), l) == t.mtp_layers.end()) ++trunk_rows;
    const auto considered = static_cast<std::size_t>(std::floor(0.75 * static_cast<double>(trunk_rows)));
    std::size_t trunk_seen = 0;
    const auto E = static_cast<std::size_t>(t.experts);
    for (std::size_t r = 0; r < t.rows(); ++r) {
        const bool mtp = std::find(t.mtp_layers.begin(), t.mtp_layers.end(), t.layers[r]) != t.mtp_layers.end();
        if (mtp) continue;
        if (trunk_seen++ >= considered) continue;
        for (std::size_t e = 0; e < E; ++e)
            if (static_cast<double>(v[r * E + e]) > out.threshold) out.by_row[r].push_back(static_cast<int>(e));
    }
    return out;
}

} // namespace moecut

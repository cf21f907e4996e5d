// "Super experts": the few experts whose outputs carry extreme activation
// outliers, which a model cannot lose however rarely they are routed
// (Su et al., "Unveiling Super Experts in Mixture-of-Experts Large Language
// Models", 2025). moecut's rule is REAP's (CerebrasResearch/reap
// src/reap/model_util.py get_super_expert_indices, used by
// --perserve_super_experts), applied to the norm_max statistic:
//
//   v = norm_max of the chosen domain over every row (trunk and MTP) and expert
//   threshold = max(99.5th percentile of v (linear interpolation, as
//               torch.quantile), max(v) / 10)
//   super expert: v > threshold, in the first floor(0.75 * trunk rows) trunk
//               rows (REAP's default leaves the last quarter of the layers and
//               so also the MTP layers out: their outputs are large anyway).
//
// REAP measures the largest single output element where moecut has the
// largest per-token L2 norm; both are dominated by the same massive
// activations.
#pragma once

#include "moecut/saliency_file.h"

#include <string>
#include <vector>

namespace moecut {

struct SuperExperts {
    double threshold = 0;
    std::vector<std::vector<int>> by_row;  // ascending expert ids, one list per table row
    std::size_t total() const;
};

SuperExperts find_super_experts(const SaliencyTable& table, const std::string& domain);

// The rule above in one line, for plans and reports.
const char* super_expert_rule();

} // namespace moecut

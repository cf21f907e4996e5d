// moecut verify: is a (pruned) checkpoint structurally what its config.json
// says? Headers only; no tensor data is read.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace moecut {

struct VerifyReport {
    std::vector<std::string> problems;  // empty: the checkpoint is consistent
    nlohmann::json inspect;             // the inspect_checkpoint report it builds on
    std::int64_t experts = 0;           // the config's expert count
};

// Everything `moecut inspect` reports as a problem (missing, unexpected or
// misshapen tensors, FP8 weights without scales), plus: in every MoE layer
// the routed expert ids are exactly 0..E-1 with E the config's count field;
// every expert-count alias in config.json agrees; top-k <= E; with n_group > 1,
// E divisible by n_group, >= 2 experts per group and topk_group * E / n_group
// >= top-k; moecut_provenance.json, if present, is JSON and its
// experts_after equals E. Throws InputError for unreadable input.
VerifyReport verify_checkpoint(const std::filesystem::path& dir);

} // namespace moecut

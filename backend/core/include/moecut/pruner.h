// Writing a pruned checkpoint from a keep-K plan, shard by shard, with
// bounded memory (the headers; data are copied file to file in the kernel,
// never mapped or held).
//
// Per MoE layer of the plan (trunk and MTP; shared/moe_arch.md section 9):
//   * router tensors ("...gate.weight", "...gate.e_score_correction_bias",
//     any other "...gate.*" with E rows): rows keep[0..K-1];
//   * per-expert tensors "...experts.{e}.*" (weights and their FP8
//     weight_scale_inv / input_scale siblings): kept ones renamed to
//     "...experts.{j}.*" where keep[j] = e, the others dropped;
//   * fused tensors "...experts.gate_up_proj" / "...experts.down_proj" (and
//     any sibling with E leading rows): slices keep[0..K-1] along dim 0.
// Everything else is copied byte for byte, in the source's order. Output
// shards are at most as large as the largest source shard. config.json
// changes only in the expert count field (n_routed_experts / num_experts /
// num_local_experts; an alias field holding the old count is updated too).
// Tokenizer, generation and chat-template files and *.py are copied;
// moecut_provenance.json records the source, its fingerprint and the plan.
// The output folder appears complete or not at all (AtomicDir).
#pragma once

#include "moecut/prune_plan.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace moecut {

struct PruneOptions {
    // Write headers only, data left as holes, reading no tensor data (for
    // structural checks of checkpoints made with make-sparse).
    bool structure_only = false;
    // Called with (bytes written, bytes to write) as data is copied.
    std::function<void(std::uint64_t, std::uint64_t)> progress;
    std::uint64_t max_shard_bytes = 0;  // 0: the largest source shard's data size
    std::string plan_path;              // recorded in the provenance
    std::string version;                // moecut version, recorded in the provenance
};

struct PruneResult {
    std::int64_t experts_before = 0, experts_after = 0;
    std::size_t tensors_in = 0, tensors_out = 0, shards = 0;
    std::uint64_t bytes_out = 0;  // tensor data written
    std::string source_fingerprint;
    std::vector<std::string> copied_files;
};

// Throws InputError for a plan that does not fit the checkpoint (validated
// against its config before anything is written) or unreadable input.
PruneResult prune_checkpoint(const std::filesystem::path& src, const Plan& plan, const std::filesystem::path& out,
                             const PruneOptions& options = {});

} // namespace moecut

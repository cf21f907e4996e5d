// moecut inspect: a checkpoint's structure from its headers alone.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace moecut {

// The JSON object `moecut inspect --json` prints. Keys (all always present):
//   model_type, architecture, layers (trunk layer count), mtp_layers,
//   moe_layers, dense_layers (index lists), routed_experts, experts_per_token,
//   shared_experts, routing ("softmax"|"sigmoid"), indexer_full_layers,
//   indexer_shared_layers (index lists, empty without an indexer),
//   params_total, params_active, bytes_on_disk, dtypes (name -> bytes),
//   expert_layout ("per-expert"|"fused"), fp8 (bool), hidden_size,
//   vocab_size, attention ("mla"|"gqa"), problems (list of strings),
//   layer_table (one object per layer, trunk then MTP: index, kind
//   ("dense"|"moe"), mtp (bool), indexer ("full"|"shared"|"none"),
//   params, bytes).
// Also: dir, tensors (count), problem_count (problems lists at most 50 plus
// "... and N more"), params_config (what config.json alone implies),
// intermediate_size, moe_intermediate_size, routing_detail, attention_detail,
// rope, indexer (object or null).
// params_total counts every tensor but the FP8 *_scale_inv siblings;
// params_active subtracts, in every MoE layer (trunk and MTP), the E - K
// routed experts a token does not use.
// Throws InputError for unreadable input (bad config, corrupt shard).
nlohmann::json inspect_checkpoint(const std::filesystem::path& dir);

// The readable summary `moecut inspect` prints by default.
std::string format_inspect(const nlohmann::json& report);

} // namespace moecut

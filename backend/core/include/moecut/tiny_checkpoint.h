// Small random checkpoints of every supported family, with realistic
// structure (dense first layers, MoE layers, shared experts, an MTP layer,
// indexer weights on full layers only, correction bias), for tests; and
// full-size checkpoints written as sparse files (headers only) for scale tests.
#pragma once

#include "moecut/arch.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>

namespace moecut {

struct TinyOptions {
    Family family = Family::GlmMoeDsa;
    ExpertLayout layout = ExpertLayout::PerExpert;
    bool fp8 = false;          // FP8 E4M3 block-quantised weights with weight_scale_inv
    std::uint64_t seed = 0;
};

// The config.json of the tiny model of a family.
nlohmann::json tiny_config(Family family);

// Writes config.json, generation_config.json and model.safetensors to dir
// (created; the folder appears complete or not at all). Deterministic for a seed.
void make_tiny_checkpoint(const TinyOptions& options, const std::filesystem::path& dir);

// GLM-5.2's real config.json (78 layers + 1 MTP layer, 256 experts, top-8,
// hidden 6144) and its full tensor set as sharded sparse safetensors files:
// headers only, the data left as holes.
nlohmann::json glm52_config();
void make_sparse_checkpoint(const nlohmann::json& config, const std::filesystem::path& dir);

} // namespace moecut

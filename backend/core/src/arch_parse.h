// Pieces of ArchDescriptor::from_config shared between arch_*.cpp files.
#pragma once

#include "arch_fields.h"
#include "moecut/arch.h"

#include <cstdint>
#include <vector>

namespace moecut::detail {

// RoPE parameters: rope_scaling (legacy) or rope_parameters (transformers v5,
// theta nested inside), falling back to the top-level rope_theta and
// partial_rotary_factor. rotary_dim = head_dim * partial_rotary_factor when
// use_partial, else head_dim.
RopeSpec parse_rope(const ConfigFields& f, double default_theta, std::int64_t head_dim, bool use_partial,
                    double default_partial, RopeStyle style, std::int64_t max_position);

// YaRN attention magnitude: 1 for s <= 1, else 0.1 * a * ln(s) + 1.
double yarn_mscale(double scale, double a);

// Which trunk layers are MoE, one entry per layer.
std::vector<bool> parse_moe_schedule(const ConfigFields& f, Family family, std::int64_t n_layers,
                                     std::int64_t n_experts);

// DSA indexer mode of each trunk layer: indexer_types, else index_topk_pattern,
// else the index_topk_freq / index_skip_topk_offset rule.
std::vector<IndexerKind> parse_indexer_schedule(const ConfigFields& f, std::int64_t n_layers,
                                                std::int64_t n_mtp);

} // namespace moecut::detail

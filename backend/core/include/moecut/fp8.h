// Dequantisation of FP8 block-quantised weights (DeepSeek / GLM "fp8" checkpoints).
//
// W (F8_E4M3 or F8_E5M2, [rows, cols]) has a sibling "<name>_scale_inv" tensor
// (F32, BF16 or E8M0 stored as F8_E8M0 / U8) of shape
// [ceil(rows/block_r), ceil(cols/block_c)]; the real weight is
// W[r,c] * scale_inv[r/block_r, c/block_c]. The name says "inv" but the scale is
// multiplied. Edge blocks are partial.
#pragma once

#include "moecut/checkpoint.h"
#include "moecut/dtype.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moecut {

struct Fp8Block {
    std::int64_t rows = 128;
    std::int64_t cols = 128;
};

// out must hold rows*cols floats. Throws InputError if shapes disagree.
void dequantize_fp8_blocks(const std::byte* weight, DType weight_dtype, std::int64_t rows, std::int64_t cols,
                           const std::byte* scale, DType scale_dtype, std::int64_t scale_rows,
                           std::int64_t scale_cols, Fp8Block block, float* out);

// "x.weight" -> "x.weight_scale_inv".
std::string scale_inv_name(std::string_view weight_name);

// Block shape from config.json's quantization_config.weight_block_size, if it
// is an fp8 checkpoint.
std::optional<Fp8Block> fp8_block_from_config(const nlohmann::json& config);

// Any tensor of the checkpoint as float32 (row-major), dequantising FP8
// weights that have a scale_inv sibling. Throws InputError on bad data.
std::vector<float> load_as_float(const Checkpoint& ckpt, std::string_view name);

} // namespace moecut

// Converting float rows to ggml tensor types, byte-identical to ggml's
// reference code (ggml-impl.h ggml_compute_fp32_to_fp16 / _bf16,
// ggml-quants.c quantize_row_q8_0_ref / _q4_0_ref / _q{2..6}_K_ref), so a GGUF
// moecut writes matches "convert to F32, then llama-quantize" bit for bit.
#pragma once

#include "moecut/gguf.h"

#include <cstddef>
#include <cstdint>

namespace moecut {

std::uint16_t ggml_fp32_to_fp16(float f);   // round to nearest even; NaN -> 0x7e00 with the sign
std::uint16_t ggml_fp32_to_bf16(float f);   // round to nearest even; NaN forced quiet
float ggml_fp16_to_fp32(std::uint16_t h);

// Types quantize_row() can produce: F32, F16, BF16, Q8_0, Q4_0, and Q2_K..Q6_K
// (quantize_row_q{2..6}_K_ref: no importance matrix). dequantize_row() knows the first five.
bool ggml_can_quantize(GgmlType type);
// Converts n floats (a multiple of the type's block size) to n/block blocks
// at out (ggml_nbytes(type, {n}) bytes). std::invalid_argument otherwise.
void quantize_row(GgmlType type, const float* x, std::int64_t n, std::byte* out);
// ggml_quantize_chunk(type, x, out, 0, nrows, n_per_row, quant_weights), i.e.
// what llama-quantize calls: quant_weights (n_per_row importance values, one
// expert's slice of an imatrix) or null. With weights, Q4_0 and Q2_K..Q6_K run
// ggml's quantize_row_*_impl per row (quantize_q4_0 / quantize_q*_K); without,
// the same bytes as quantize_row(). Q8_0, F16, BF16, F32 ignore the weights (as
// quantize_q8_0 does). std::invalid_argument for a type quantize_row() refuses.
void quantize_rows(GgmlType type, const float* x, std::int64_t nrows, std::int64_t n_per_row,
                   const float* quant_weights, std::byte* out);
// The inverse for the same types (tests, round-trip checks).
void dequantize_row(GgmlType type, const std::byte* in, std::int64_t n, float* out);

} // namespace moecut

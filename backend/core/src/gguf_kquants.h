// ggml's K-quant quantizers (private to moecut_core; used by quantize_row / quantize_rows).
#pragma once

#include <cstddef>
#include <cstdint>

namespace moecut::kquants {

// Each converts k floats (a multiple of 256) to k/256 blocks at y, as
// ggml-quants.c quantize_row_q{2..6}_K_ref does, bit for bit.
void q2_k(const float* x, std::byte* y, std::int64_t k);
void q3_k(const float* x, std::byte* y, std::int64_t k);
void q4_k(const float* x, std::byte* y, std::int64_t k);
void q5_k(const float* x, std::byte* y, std::int64_t k);
void q6_k(const float* x, std::byte* y, std::int64_t k);

// One row of n_per_row floats (a multiple of 256; 32 for Q4_0) with importance
// weights quant_weights[n_per_row] (not null), as ggml-quants.c
// quantize_row_q{2..6}_K_impl / quantize_row_q4_0_impl do, bit for bit.
void q2_k_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights);
void q3_k_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights);
void q4_k_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights);
void q5_k_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights);
void q6_k_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights);
void q4_0_w(const float* x, std::byte* y, std::int64_t n_per_row, const float* quant_weights);

} // namespace moecut::kquants

// ggml's K-quant reference quantizers (private to moecut_core; used by quantize_row).
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

} // namespace moecut::kquants

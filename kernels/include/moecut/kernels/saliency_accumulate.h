// Accumulating REAP-style routing statistics from one MoE layer's routing
// taps, segmented by (group, expert): a CUDA kernel and its CPU reference
// twin. Plain C++ interface (no LibTorch): callers pass raw pointers.
//
// For every token n with group[n] >= 0 and every slot k < K, with
// e = idx[n, k], g = weight[n, k], f = norm[n, k] and s = group[n] * E + e:
//   count[s]    += 1
//   gate_sum[s] += g
//   reap_sum[s] += g * f        (the product taken in double: exact)
//   norm_sum[s] += f
//   norm_max[s]  = max(norm_max[s], f)
// Sums are kept in double. A slot's additions happen in a fixed order on
// either side, so each side is deterministic run to run: the CPU twin adds
// in token order; the CUDA kernel sorts the entries by slot (stable radix
// sort) and reduces each slot's run with a fixed tree. The two agree to
// double rounding (relative ~1e-15), not bit for bit; count and norm_max
// agree exactly.
//
// `group` is the accumulation slot of a token (its calibration domain);
// negative means "skip" (padding). Entries whose expert id is outside
// [0, E), or whose token's group is >= groups, are skipped and counted in
// the return value (callers treat any as a bug).
#pragma once

#include <cstdint>

namespace moecut::kernels {

struct RoutingTapsView {
    const std::int64_t* idx = nullptr;   // [N, K] expert ids
    const float* weight = nullptr;       // [N, K] gate weights
    const float* norm = nullptr;         // [N, K] ||expert output||_2
    const std::int32_t* group = nullptr; // [N] group of each token, < 0 = skip
    std::int64_t tokens = 0;             // N
    std::int64_t top_k = 0;              // K
};

// Five arrays of groups * experts doubles each, slot = group * experts + expert.
struct SaliencyAccumView {
    double* count = nullptr;
    double* gate_sum = nullptr;
    double* reap_sum = nullptr;
    double* norm_sum = nullptr;
    double* norm_max = nullptr;
    std::int64_t groups = 0;
    std::int64_t experts = 0;
};

// CPU reference. Returns the number of skipped entries (expert id out of range).
std::int64_t accumulate_saliency_cpu(const RoutingTapsView& taps, const SaliencyAccumView& acc);

// True when this build has the CUDA kernel (nvcc was found at build time).
bool saliency_cuda_built();
// True when the CUDA kernel is built and a CUDA device is usable.
bool saliency_cuda_available();

// CUDA version: every pointer (taps and accumulators) is device memory. Runs
// on `stream` (a cudaStream_t; null = the legacy default stream) and waits
// for it before returning. Throws std::runtime_error on a CUDA error or when
// the kernel is not built.
std::int64_t accumulate_saliency_cuda(const RoutingTapsView& taps, const SaliencyAccumView& acc,
                                      void* stream = nullptr);

} // namespace moecut::kernels

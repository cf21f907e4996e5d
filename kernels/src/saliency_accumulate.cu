// The CUDA kernel accumulating routing statistics, segmented by (group,
// expert) slot. Deterministic: the entries are sorted by slot with a stable
// radix sort (so each slot's run lists its entries in token order), each
// slot's run is reduced by one block with a fixed tree, and each slot has one
// writer. See saliency_accumulate.h for the statistics.
#include "moecut/kernels/saliency_accumulate.h"

#include <cub/device/device_radix_sort.cuh>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace moecut::kernels {
namespace {

constexpr int kThreads = 256;

void check(cudaError_t e, const char* what) {
    if (e != cudaSuccess) throw std::runtime_error(std::string("accumulate_saliency_cuda: ") + what + ": " +
                                                   cudaGetErrorString(e));
}

// Slot of each (token, k) entry; skipped entries get the sentinel slot S = G * E.
__global__ void make_keys(RoutingTapsView t, std::int64_t groups, std::int64_t experts, std::int32_t* keys,
                          std::int32_t* values, unsigned long long* skipped) {
    const std::int64_t M = t.tokens * t.top_k;
    const std::int64_t sentinel = groups * experts;
    for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < M;
         i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
        const std::int32_t g = t.group[i / t.top_k];
        const std::int64_t e = t.idx[i];
        std::int64_t key = sentinel;
        if (g >= 0 && g < groups) {
            if (e >= 0 && e < experts) key = g * experts + e;
            else atomicAdd(skipped, 1ULL);
        }
        keys[i] = static_cast<std::int32_t>(key);
        values[i] = static_cast<std::int32_t>(i);
    }
}

// start[s] = first position of slot s in the sorted keys (lower bound), s in [0, S].
__global__ void segment_starts(const std::int32_t* sorted, std::int64_t M, std::int64_t slots, std::int64_t* start) {
    for (std::int64_t s = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; s <= slots;
         s += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
        std::int64_t lo = 0, hi = M;
        while (lo < hi) {
            const std::int64_t mid = (lo + hi) / 2;
            if (sorted[mid] < s) lo = mid + 1;
            else hi = mid;
        }
        start[s] = lo;
    }
}

// One block per slot: strided partial sums per thread, then a fixed tree.
__global__ void reduce_slots(RoutingTapsView t, SaliencyAccumView a, const std::int32_t* order,
                             const std::int64_t* start) {
    __shared__ double s_gate[kThreads], s_reap[kThreads], s_norm[kThreads], s_max[kThreads];
    const std::int64_t slots = a.groups * a.experts;
    for (std::int64_t s = blockIdx.x; s < slots; s += gridDim.x) {
        const std::int64_t b = start[s], e = start[s + 1];
        double gate = 0, reap = 0, norm = 0, mx = 0;
        for (std::int64_t p = b + threadIdx.x; p < e; p += blockDim.x) {
            const std::int32_t i = order[p];
            const double w = t.weight[i], f = t.norm[i];
            gate += w;
            reap += w * f;
            norm += f;
            mx = fmax(mx, f);
        }
        s_gate[threadIdx.x] = gate;
        s_reap[threadIdx.x] = reap;
        s_norm[threadIdx.x] = norm;
        s_max[threadIdx.x] = mx;
        __syncthreads();
        for (int w = kThreads / 2; w > 0; w /= 2) {
            if (threadIdx.x < w) {
                s_gate[threadIdx.x] += s_gate[threadIdx.x + w];
                s_reap[threadIdx.x] += s_reap[threadIdx.x + w];
                s_norm[threadIdx.x] += s_norm[threadIdx.x + w];
                s_max[threadIdx.x] = fmax(s_max[threadIdx.x], s_max[threadIdx.x + w]);
            }
            __syncthreads();
        }
        if (threadIdx.x == 0 && e > b) {
            a.count[s] += static_cast<double>(e - b);
            a.gate_sum[s] += s_gate[0];
            a.reap_sum[s] += s_reap[0];
            a.norm_sum[s] += s_norm[0];
            a.norm_max[s] = fmax(a.norm_max[s], s_max[0]);
        }
        __syncthreads();
    }
}

int bits_for(std::int64_t v) {
    int b = 1;
    while ((std::int64_t{1} << b) <= v) ++b;
    return b;
}

} // namespace

bool saliency_cuda_built() { return true; }

bool saliency_cuda_available() {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError();  // clear the sticky "no device" error
        return false;
    }
    return n > 0;
}

std::int64_t accumulate_saliency_cuda(const RoutingTapsView& t, const SaliencyAccumView& a, void* stream_ptr) {
    if (t.tokens < 0 || t.top_k < 0 || a.groups < 0 || a.experts < 0)
        throw std::invalid_argument("accumulate_saliency_cuda: negative size");
    const std::int64_t M = t.tokens * t.top_k, slots = a.groups * a.experts;
    if (M == 0 || slots == 0) return 0;
    if (M > 0x7fffffff || slots >= 0x7fffffff)
        throw std::invalid_argument("accumulate_saliency_cuda: more than 2^31 entries; split the call");
    auto stream = static_cast<cudaStream_t>(stream_ptr);

    // One allocation for the scratch arrays; cub's temp storage after them.
    const std::size_t keys_bytes = static_cast<std::size_t>(M) * sizeof(std::int32_t);
    const std::size_t start_bytes = static_cast<std::size_t>(slots + 1) * sizeof(std::int64_t);
    std::size_t cub_bytes = 0;
    const int end_bit = bits_for(slots);
    check(cub::DeviceRadixSort::SortPairs(nullptr, cub_bytes, static_cast<const std::int32_t*>(nullptr),
                                          static_cast<std::int32_t*>(nullptr), static_cast<const std::int32_t*>(nullptr),
                                          static_cast<std::int32_t*>(nullptr), static_cast<int>(M), 0, end_bit, stream),
          "sort size");
    auto align = [](std::size_t n) { return (n + 255) / 256 * 256; };
    const std::size_t total = 4 * align(keys_bytes) + align(start_bytes) + align(sizeof(unsigned long long)) + cub_bytes;
    char* base = nullptr;
    check(cudaMallocAsync(reinterpret_cast<void**>(&base), total, stream), "scratch allocation");
    char* p = base;
    auto take = [&](std::size_t n) {
        char* q = p;
        p += align(n);
        return q;
    };
    auto* keys = reinterpret_cast<std::int32_t*>(take(keys_bytes));
    auto* vals = reinterpret_cast<std::int32_t*>(take(keys_bytes));
    auto* keys_sorted = reinterpret_cast<std::int32_t*>(take(keys_bytes));
    auto* vals_sorted = reinterpret_cast<std::int32_t*>(take(keys_bytes));
    auto* start = reinterpret_cast<std::int64_t*>(take(start_bytes));
    auto* skipped = reinterpret_cast<unsigned long long*>(take(sizeof(unsigned long long)));
    void* cub_tmp = p;

    std::int64_t skipped_host = 0;
    try {
        check(cudaMemsetAsync(skipped, 0, sizeof(unsigned long long), stream), "memset");
        const int grid = static_cast<int>(std::min<std::int64_t>((M + kThreads - 1) / kThreads, 4096));
        make_keys<<<grid, kThreads, 0, stream>>>(t, a.groups, a.experts, keys, vals, skipped);
        check(cudaGetLastError(), "make_keys");
        check(cub::DeviceRadixSort::SortPairs(cub_tmp, cub_bytes, keys, keys_sorted, vals, vals_sorted,
                                              static_cast<int>(M), 0, end_bit, stream),
              "sort");
        const int sgrid = static_cast<int>(std::min<std::int64_t>((slots + 1 + kThreads - 1) / kThreads, 4096));
        segment_starts<<<sgrid, kThreads, 0, stream>>>(keys_sorted, M, slots, start);
        check(cudaGetLastError(), "segment_starts");
        const int rgrid = static_cast<int>(std::min<std::int64_t>(slots, 65535));
        reduce_slots<<<rgrid, kThreads, 0, stream>>>(t, a, vals_sorted, start);
        check(cudaGetLastError(), "reduce_slots");
        unsigned long long sk = 0;
        check(cudaMemcpyAsync(&sk, skipped, sizeof(sk), cudaMemcpyDeviceToHost, stream), "copy back");
        check(cudaStreamSynchronize(stream), "synchronize");
        skipped_host = static_cast<std::int64_t>(sk);
    } catch (...) {
        cudaFreeAsync(base, stream);
        throw;
    }
    check(cudaFreeAsync(base, stream), "free");
    return skipped_host;
}

} // namespace moecut::kernels

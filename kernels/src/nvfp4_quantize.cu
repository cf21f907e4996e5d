// The CUDA NVFP4 quantisation kernel: one thread per 16-element block, the
// same scalar code as the CPU twin (moecut/nvfp4_codec.h). This file is
// built with -fmad=false, and the codec uses __fmul_rn/__fdiv_rn/__fadd_rn,
// so every float operation rounds as on the CPU: equal bytes.
#include "moecut/kernels/nvfp4_quantize.h"

#include "moecut/nvfp4_codec.h"

#include <cuda_runtime.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace moecut::kernels {
namespace {

constexpr int kThreads = 256;

void check(cudaError_t e, const char* what) {
    if (e != cudaSuccess) throw std::runtime_error(std::string("nvfp4 cuda: ") + what + ": " + cudaGetErrorString(e));
}

__global__ void quantize_blocks(const float* __restrict__ w, std::int64_t blocks, float global_scale,
                                std::uint8_t* __restrict__ packed, std::uint8_t* __restrict__ scales) {
    for (std::int64_t b = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; b < blocks;
         b += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
        float v[nvfp4::kBlock];
        const float4* src = reinterpret_cast<const float4*>(w + b * nvfp4::kBlock);
        for (int q = 0; q < 4; ++q) {
            const float4 f = src[q];
            v[4 * q] = f.x;
            v[4 * q + 1] = f.y;
            v[4 * q + 2] = f.z;
            v[4 * q + 3] = f.w;
        }
        std::uint8_t out[8];
        scales[b] = nvfp4::quantize_block(v, global_scale, out);
        uint2 word;
        word.x = static_cast<unsigned>(out[0]) | (static_cast<unsigned>(out[1]) << 8) |
                 (static_cast<unsigned>(out[2]) << 16) | (static_cast<unsigned>(out[3]) << 24);
        word.y = static_cast<unsigned>(out[4]) | (static_cast<unsigned>(out[5]) << 8) |
                 (static_cast<unsigned>(out[6]) << 16) | (static_cast<unsigned>(out[7]) << 24);
        reinterpret_cast<uint2*>(packed)[b] = word;
    }
}

// |w| of non-negative floats orders like their bit patterns: an atomicMax on
// the bits is an exact max. NaN bits (> 0x7f800000) win, as on the CPU.
__global__ void amax_bits(const float* __restrict__ w, std::int64_t n, unsigned* __restrict__ out) {
    unsigned m = 0;
    for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
        m = max(m, __float_as_uint(w[i]) & 0x7fffffffu);
    for (int off = 16; off > 0; off /= 2) m = max(m, __shfl_down_sync(0xffffffffu, m, off));
    if ((threadIdx.x & 31) == 0) atomicMax(out, m);
}

int grid_for(std::int64_t n) {
    int dev = 0, sms = 0;
    check(cudaGetDevice(&dev), "device");
    check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev), "SM count");
    const std::int64_t want = (n + kThreads - 1) / kThreads;
    const std::int64_t cap = static_cast<std::int64_t>(sms) * 8;
    return static_cast<int>(want < cap ? (want > 0 ? want : 1) : cap);
}

} // namespace

bool nvfp4_cuda_built() { return true; }

bool nvfp4_cuda_available() {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError();  // clear the sticky "no device" error
        return false;
    }
    return n > 0;
}

void nvfp4_quantize_cuda(const float* w, std::int64_t blocks, float global_scale, std::uint8_t* packed,
                         std::uint8_t* scales, void* stream_ptr) {
    if (blocks < 0) throw std::invalid_argument("nvfp4_quantize_cuda: negative size");
    if (blocks == 0) return;
    if (reinterpret_cast<std::uintptr_t>(w) % 16 != 0 || reinterpret_cast<std::uintptr_t>(packed) % 8 != 0)
        throw std::invalid_argument("nvfp4_quantize_cuda: w must be 16-byte and packed 8-byte aligned");
    auto stream = static_cast<cudaStream_t>(stream_ptr);
    quantize_blocks<<<grid_for(blocks), kThreads, 0, stream>>>(w, blocks, global_scale, packed, scales);
    check(cudaGetLastError(), "launch");
    check(cudaStreamSynchronize(stream), "quantize");
}

float nvfp4_amax_cuda(const float* w, std::int64_t n, void* stream_ptr) {
    if (n <= 0) return 0.0f;
    auto stream = static_cast<cudaStream_t>(stream_ptr);
    unsigned* d = nullptr;
    check(cudaMallocAsync(reinterpret_cast<void**>(&d), sizeof(unsigned), stream), "allocation");
    unsigned h = 0;
    try {
        check(cudaMemsetAsync(d, 0, sizeof(unsigned), stream), "memset");
        amax_bits<<<grid_for(n), kThreads, 0, stream>>>(w, n, d);
        check(cudaGetLastError(), "launch");
        check(cudaMemcpyAsync(&h, d, sizeof(unsigned), cudaMemcpyDeviceToHost, stream), "copy");
        check(cudaStreamSynchronize(stream), "amax");
    } catch (...) {
        cudaFreeAsync(d, stream);
        throw;
    }
    check(cudaFreeAsync(d, stream), "free");
    check(cudaStreamSynchronize(stream), "free");
    float f;
    std::memcpy(&f, &h, sizeof f);
    return f;
}

} // namespace moecut::kernels

// The GGUF quantisation kernel: one thread per ggml block, running the same
// per-block code as the CPU twin (gguf_quantize_ref.h). A CUDA block of 32
// threads first stages its 32 consecutive ggml blocks in shared memory with
// coalesced loads (rows padded by one float against bank conflicts). Built
// with -fmad=false (kernels/CMakeLists.txt) so every float operation rounds
// as on the CPU and the bytes match.
#include "moecut/kernels/gguf_quantize.h"

#include "gguf_quantize_ref.h"

#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace moecut::kernels {
namespace {

constexpr int kThreads = 32;

void check(cudaError_t e, const char* what) {
    if (e != cudaSuccess) throw std::runtime_error(std::string("gguf_quantize_cuda: ") + what + ": " + cudaGetErrorString(e));
}

template <int Type, int BS, int Bytes>
__global__ void quantize_blocks(const float* __restrict__ x, std::int64_t blocks, std::uint8_t* __restrict__ out) {
    __shared__ float s[kThreads * (BS + 1)];
    for (std::int64_t first = static_cast<std::int64_t>(blockIdx.x) * kThreads; first < blocks;
         first += static_cast<std::int64_t>(gridDim.x) * kThreads) {
        const std::int64_t here = blocks - first < kThreads ? blocks - first : kThreads;
        const float* src = x + first * BS;
        for (std::int64_t i = threadIdx.x; i < here * BS; i += kThreads) s[(i / BS) * (BS + 1) + i % BS] = src[i];
        __syncthreads();
        if (threadIdx.x < here)
            gguf_ref::quantize_block(Type, s + threadIdx.x * (BS + 1),
                                     out + static_cast<std::size_t>(first + threadIdx.x) * Bytes);
        __syncthreads();
    }
}

template <int Type, int BS, int Bytes>
void launch(const float* x, std::int64_t blocks, std::uint8_t* out, cudaStream_t stream) {
    const std::int64_t groups = (blocks + kThreads - 1) / kThreads;
    const int grid = static_cast<int>(std::min<std::int64_t>(groups, 1 << 20));
    quantize_blocks<Type, BS, Bytes><<<grid, kThreads, 0, stream>>>(x, blocks, out);
}

struct DeviceBuffers {
    float* x = nullptr;
    std::uint8_t* out = nullptr;
    std::size_t x_cap = 0, out_cap = 0;
    ~DeviceBuffers() {
        if (x) cudaFree(x);
        if (out) cudaFree(out);
    }
};

} // namespace

bool gguf_quantize_cuda_built() { return true; }

bool gguf_quantize_cuda_available() {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError();  // clear the sticky "no device" error
        return false;
    }
    return n > 0;
}

void gguf_quantize_cuda(GgufQuantType type, const float* x, std::int64_t n, std::uint8_t* out, void* stream_ptr) {
    const std::size_t nbytes = gguf_quant_nbytes(type, n);
    if (nbytes == 0) return;
    const std::int64_t blocks = n / gguf_quant_block_size(type);
    auto stream = static_cast<cudaStream_t>(stream_ptr);
    switch (type) {
    case GgufQuantType::Q8_0: launch<8, 32, 34>(x, blocks, out, stream); break;
    case GgufQuantType::Q4_0: launch<2, 32, 18>(x, blocks, out, stream); break;
    case GgufQuantType::Q2_K: launch<10, 256, 84>(x, blocks, out, stream); break;
    case GgufQuantType::Q3_K: launch<11, 256, 110>(x, blocks, out, stream); break;
    case GgufQuantType::Q4_K: launch<12, 256, 144>(x, blocks, out, stream); break;
    case GgufQuantType::Q5_K: launch<13, 256, 176>(x, blocks, out, stream); break;
    case GgufQuantType::Q6_K: launch<14, 256, 210>(x, blocks, out, stream); break;
    }
    check(cudaGetLastError(), "launch");
    check(cudaStreamSynchronize(stream), "synchronize");
}

void gguf_quantize_cuda_host(GgufQuantType type, const float* x, std::int64_t n, std::uint8_t* out, GgufCudaTimings* timings) {
    const std::size_t nbytes = gguf_quant_nbytes(type, n);
    if (nbytes == 0) return;
    thread_local DeviceBuffers buf;
    const std::size_t xbytes = static_cast<std::size_t>(n) * sizeof(float);
    if (buf.x_cap < xbytes) {
        if (buf.x) check(cudaFree(buf.x), "free");
        buf.x = nullptr;
        buf.x_cap = 0;
        check(cudaMalloc(reinterpret_cast<void**>(&buf.x), xbytes), "allocate input");
        buf.x_cap = xbytes;
    }
    if (buf.out_cap < nbytes) {
        if (buf.out) check(cudaFree(buf.out), "free");
        buf.out = nullptr;
        buf.out_cap = 0;
        check(cudaMalloc(reinterpret_cast<void**>(&buf.out), nbytes), "allocate output");
        buf.out_cap = nbytes;
    }
    cudaEvent_t ev[4];
    for (auto& e : ev) check(cudaEventCreate(&e), "event");
    try {
        check(cudaEventRecord(ev[0], nullptr), "event");
        check(cudaMemcpy(buf.x, x, xbytes, cudaMemcpyHostToDevice), "upload");
        check(cudaEventRecord(ev[1], nullptr), "event");
        gguf_quantize_cuda(type, buf.x, n, buf.out, nullptr);
        check(cudaEventRecord(ev[2], nullptr), "event");
        check(cudaMemcpy(out, buf.out, nbytes, cudaMemcpyDeviceToHost), "download");
        check(cudaEventRecord(ev[3], nullptr), "event");
        check(cudaEventSynchronize(ev[3]), "synchronize");
        if (timings) {
            float ms = 0;
            check(cudaEventElapsedTime(&ms, ev[0], ev[1]), "timing");
            timings->upload_ms = ms;
            check(cudaEventElapsedTime(&ms, ev[1], ev[2]), "timing");
            timings->kernel_ms = ms;
            check(cudaEventElapsedTime(&ms, ev[2], ev[3]), "timing");
            timings->download_ms = ms;
        }
    } catch (...) {
        for (auto& e : ev) cudaEventDestroy(e);
        throw;
    }
    for (auto& e : ev) cudaEventDestroy(e);
}

} // namespace moecut::kernels

// Quantising float32 values to ggml block types for GGUF export: a CUDA
// kernel and its CPU reference twin. Both run the same per-block code
// (kernels/src/gguf_quantize_ref.h, host and device) and give the same bytes
// as moecut_core's quantize_row, i.e. as ggml's quantize_row_*_ref (no
// importance matrix). Plain C++ interface (no LibTorch): raw pointers.
//
// Blocks are independent, so a tensor may be cut anywhere on a block
// boundary (n values -> n / block_size blocks, written back to back).
#pragma once

#include <cstddef>
#include <cstdint>

namespace moecut::kernels {

// Values are ggml's type ids (moecut::GgmlType), so callers static_cast.
enum class GgufQuantType : int { Q4_0 = 2, Q8_0 = 8, Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14 };

// True for the ids above (e.g. gguf_quant_supported(static_cast<int>(GgmlType::Q4_K))).
bool gguf_quant_supported(int ggml_type);
std::int64_t gguf_quant_block_size(GgufQuantType type);   // 32 or 256 values
std::size_t gguf_quant_block_bytes(GgufQuantType type);   // bytes per block
// Bytes for n values; std::invalid_argument when n is not a multiple of the block size.
std::size_t gguf_quant_nbytes(GgufQuantType type, std::int64_t n);

// CPU reference: n values at x to gguf_quant_nbytes(type, n) bytes at out.
void gguf_quantize_cpu(GgufQuantType type, const float* x, std::int64_t n, std::uint8_t* out);

// True when this build has the CUDA kernels (nvcc was found at build time).
bool gguf_quantize_cuda_built();
// True when the kernels are built and a CUDA device is usable.
bool gguf_quantize_cuda_available();

// CUDA version on device memory: x (n floats) and out (gguf_quant_nbytes
// bytes). Runs on `stream` (a cudaStream_t; null = the legacy default stream)
// and waits for it. std::runtime_error on a CUDA error or when not built.
void gguf_quantize_cuda(GgufQuantType type, const float* x_device, std::int64_t n, std::uint8_t* out_device,
                        void* stream = nullptr);

// Milliseconds of the phases of gguf_quantize_cuda_host (cudaEvent timings).
struct GgufCudaTimings {
    double upload_ms = 0, kernel_ms = 0, download_ms = 0;
};

// Host memory in and out: copies x to the device, quantizes, copies the
// bytes back (device buffers are kept between calls on the calling thread
// and grow as needed). timings, if given, receives the phases.
void gguf_quantize_cuda_host(GgufQuantType type, const float* x, std::int64_t n, std::uint8_t* out,
                             GgufCudaTimings* timings = nullptr);

} // namespace moecut::kernels

// NVFP4 quantisation (ModelOpt layout, see moecut/nvfp4_codec.h): a CUDA
// kernel and its CPU reference twin. Plain C++ interface (no LibTorch).
//
// The input is `blocks` consecutive blocks of 16 float32 weights (a matrix
// [rows, cols] with cols % 16 == 0 is rows*cols/16 blocks in row-major
// order). Outputs: packed [blocks * 8] bytes (element 2k in the low nibble
// of byte k, 2k+1 in the high nibble) and scales [blocks] float8_e4m3fn
// bytes. Both sides do the same IEEE float32 operations in the same order
// (the .cu file is built with -fmad=false and uses __fdiv_rn/__fmul_rn), so
// the CUDA bytes equal the CPU bytes exactly.
#pragma once

#include <cstdint>

namespace moecut::kernels {

// CPU reference.
void nvfp4_quantize_cpu(const float* w, std::int64_t blocks, float global_scale, std::uint8_t* packed,
                        std::uint8_t* scales);
void nvfp4_dequantize_cpu(const std::uint8_t* packed, const std::uint8_t* scales, std::int64_t blocks,
                          float global_scale, float* out);
// max |w| over n floats (exact; NaN if any is NaN).
float nvfp4_amax_cpu(const float* w, std::int64_t n);

// True when this build has the CUDA kernel (nvcc was found at build time).
bool nvfp4_cuda_built();
// True when the CUDA kernel is built and a CUDA device is usable.
bool nvfp4_cuda_available();

// CUDA versions: every pointer is device memory. They run on `stream` (a
// cudaStream_t; null = the legacy default stream) and wait for it before
// returning. Throw std::runtime_error on a CUDA error or when not built.
void nvfp4_quantize_cuda(const float* w, std::int64_t blocks, float global_scale, std::uint8_t* packed,
                         std::uint8_t* scales, void* stream = nullptr);
float nvfp4_amax_cuda(const float* w, std::int64_t n, void* stream = nullptr);

} // namespace moecut::kernels

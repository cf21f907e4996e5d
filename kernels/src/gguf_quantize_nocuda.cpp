// Stand-ins for the GGUF quantisation CUDA entry points in builds without nvcc.
#include "moecut/kernels/gguf_quantize.h"

#include <stdexcept>

namespace moecut::kernels {

bool gguf_quantize_cuda_built() { return false; }
bool gguf_quantize_cuda_available() { return false; }

void gguf_quantize_cuda(GgufQuantType, const float*, std::int64_t, std::uint8_t*, void*) {
    throw std::runtime_error("gguf_quantize_cuda: this build has no CUDA kernels (nvcc was not found)");
}

void gguf_quantize_cuda_host(GgufQuantType, const float*, std::int64_t, std::uint8_t*, GgufCudaTimings*) {
    throw std::runtime_error("gguf_quantize_cuda_host: this build has no CUDA kernels (nvcc was not found)");
}

} // namespace moecut::kernels

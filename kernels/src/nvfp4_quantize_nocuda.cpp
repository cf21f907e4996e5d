// Stand-ins for the NVFP4 CUDA entry points in builds without nvcc.
#include "moecut/kernels/nvfp4_quantize.h"

#include <stdexcept>

namespace moecut::kernels {

bool nvfp4_cuda_built() { return false; }
bool nvfp4_cuda_available() { return false; }

void nvfp4_quantize_cuda(const float*, std::int64_t, float, std::uint8_t*, std::uint8_t*, void*) {
    throw std::runtime_error("nvfp4_quantize_cuda: this build has no CUDA kernels (nvcc was not found)");
}

float nvfp4_amax_cuda(const float*, std::int64_t, void*) {
    throw std::runtime_error("nvfp4_amax_cuda: this build has no CUDA kernels (nvcc was not found)");
}

} // namespace moecut::kernels

// Stand-ins for the CUDA entry points in builds without nvcc.
#include "moecut/kernels/saliency_accumulate.h"

#include <stdexcept>

namespace moecut::kernels {

bool saliency_cuda_built() { return false; }
bool saliency_cuda_available() { return false; }

std::int64_t accumulate_saliency_cuda(const RoutingTapsView&, const SaliencyAccumView&, void*) {
    throw std::runtime_error("accumulate_saliency_cuda: this build has no CUDA kernels (nvcc was not found)");
}

} // namespace moecut::kernels

// Checkpoint tensors as torch tensors.
#pragma once

#include "moecut/checkpoint.h"

#include <torch/types.h>

#include <optional>
#include <string_view>

namespace moecut::engine {

// The torch dtype of a safetensors dtype, if torch has one (FP8 types are
// dequantised instead: LibTorch 1.13 has no float8).
std::optional<torch::Dtype> torch_dtype(DType t);

// A view of the tensor's bytes in the checkpoint's mmap (no copy). The tensor
// is only valid while the checkpoint lives, and must not be written.
// InputError for FP8 and dtypes torch lacks.
torch::Tensor view_tensor(const Checkpoint& ckpt, std::string_view name);

// The tensor as `dtype` on `device`, dequantising FP8 block-quantised weights
// with their weight_scale_inv sibling. Always an owning copy.
torch::Tensor load_tensor(const Checkpoint& ckpt, std::string_view name, torch::Dtype dtype = torch::kFloat32,
                          torch::Device device = torch::kCPU);

} // namespace moecut::engine

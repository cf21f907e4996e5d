#include "moecut/engine/torch_bridge.h"

#include "moecut/error.h"
#include "moecut/fp8.h"

#include <torch/torch.h>

namespace moecut::engine {

std::optional<torch::Dtype> torch_dtype(DType t) {
    switch (t) {
    case DType::F64: return torch::kFloat64;
    case DType::F32: return torch::kFloat32;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::I64: return torch::kInt64;
    case DType::I32: return torch::kInt32;
    case DType::I16: return torch::kInt16;
    case DType::I8: return torch::kInt8;
    case DType::U8: return torch::kUInt8;
    case DType::BOOL: return torch::kBool;
    default: return std::nullopt;
    }
}

namespace {

const Checkpoint::Entry& require(const Checkpoint& ckpt, std::string_view name) {
    const auto* e = ckpt.find(name);
    if (!e) throw_input(ckpt.dir().string(), name, "tensor not found");
    return *e;
}

} // namespace

torch::Tensor view_tensor(const Checkpoint& ckpt, std::string_view name) {
    const auto& e = require(ckpt, name);
    auto dt = torch_dtype(e.info->dtype);
    if (!dt) throw_input(e.file->path().string(), name, "dtype " + std::string(dtype_name(e.info->dtype)) +
                                                         " has no torch equivalent; load it instead");
    auto bytes = ckpt.bytes(e);
    // from_blob needs a non-const pointer; the tensor is documented read-only.
    void* data = const_cast<std::byte*>(bytes.data());
    return torch::from_blob(data, e.info->shape, torch::TensorOptions().dtype(*dt));
}

torch::Tensor load_tensor(const Checkpoint& ckpt, std::string_view name, torch::Dtype dtype, torch::Device device) {
    const auto& e = require(ckpt, name);
    torch::Tensor t;
    if (torch_dtype(e.info->dtype)) {
        t = view_tensor(ckpt, name).to(dtype, /*non_blocking=*/false, /*copy=*/true);
    } else {
        std::vector<float> values = load_as_float(ckpt, name);
        t = torch::from_blob(values.data(), e.info->shape, torch::kFloat32).to(dtype, false, true);
    }
    return device.is_cpu() ? t : t.to(device);
}

} // namespace moecut::engine

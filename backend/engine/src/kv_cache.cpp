#include "moecut/engine/kv_cache.h"

#include <fmt/format.h>

#include <stdexcept>

namespace moecut::engine {

const torch::Tensor& LayerCache::append(torch::Tensor& slot, const torch::Tensor& x) {
    slot = slot.defined() ? torch::cat({slot, x}, 1) : x.contiguous();
    return slot;
}

KvCache::KvCache(const ArchDescriptor& arch, std::int64_t batch, torch::Device device)
    : batch_(batch), device_(device) {
    if (batch <= 0) throw std::invalid_argument("KvCache: batch must be positive");
    layers_.resize(arch.layers.size());
    clear();
}

void KvCache::clear() {
    auto opts = torch::TensorOptions().device(device_);
    key_mask_ = torch::zeros({batch_, 0}, opts.dtype(torch::kBool));
    next_pos_ = torch::zeros({batch_}, opts.dtype(torch::kLong));
    for (auto& l : layers_) l = LayerCache();
}

torch::Tensor KvCache::begin_step(const torch::Tensor& mask, std::int64_t T) {
    if (T <= 0) throw std::invalid_argument("KvCache: a step needs at least one token");
    torch::Tensor m = mask.defined() ? mask.to(device_).ne(0)
                                     : torch::ones({batch_, T}, torch::TensorOptions().dtype(torch::kBool).device(device_));
    if (m.dim() != 2 || m.size(0) != batch_ || m.size(1) != T)
        throw std::invalid_argument(fmt::format("KvCache: step mask must be [{}, {}]", batch_, T));
    auto counts = m.to(torch::kLong).cumsum(1);                      // real tokens up to t, this step
    auto pos = (next_pos_.unsqueeze(1) + counts - 1).masked_fill(m.logical_not(), 0);
    next_pos_ = next_pos_ + counts.select(1, T - 1);
    key_mask_ = torch::cat({key_mask_, m}, 1);
    return pos;
}

torch::Tensor KvCache::allowed(std::int64_t T, std::int64_t sliding_window) const {
    const std::int64_t S = length(), past = S - T;
    auto lopts = torch::TensorOptions().dtype(torch::kLong).device(device_);
    auto q = torch::arange(past, S, lopts);
    auto k = torch::arange(S, lopts);
    auto diff = q.unsqueeze(1) - k.unsqueeze(0);  // query slot - key slot
    auto a = diff.ge(0);
    if (sliding_window > 0) a = a.logical_and(diff.lt(sliding_window));
    return a.unsqueeze(0).logical_and(key_mask_.unsqueeze(1)).contiguous();  // [B, T, S]
}

LayerCache& KvCache::layer(int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= layers_.size())
        throw std::out_of_range(fmt::format("KvCache: no layer {}", index));
    return layers_[static_cast<std::size_t>(index)];
}

std::int64_t KvCache::bytes() const {
    std::int64_t n = 0;
    for (const auto& l : layers_)
        for (const auto* t : {&l.k, &l.v, &l.latent, &l.k_rot, &l.index_k})
            if (t->defined()) n += t->numel() * static_cast<std::int64_t>(t->element_size());
    return n;
}

} // namespace moecut::engine

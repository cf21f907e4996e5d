// The key/value cache of incremental decoding.
//
// A KvCache holds, for each decoder layer, what that layer's attention needs
// to let new tokens attend to earlier ones, in the form the reference caches:
//   GQA:  the roped keys and the values, [B, S, kv_heads, head_dim]
//   MLA:  the compressed latent, not the expanded keys and values: the
//         kv_a_layernorm output c [B, S, kv_lora_rank] and the roped shared
//         key k_rot [B, S, qk_rope_head_dim]
//   DSA full indexer layers: also the indexer keys [B, S, index_head_dim]
// plus, for the whole batch, which slots hold real tokens (left padding) and
// each sequence's next position. Slots are shared by the batch: a sequence's
// padding occupies slots too and is masked out of every attention.
//
//   KvCache cache(model.arch(), B, device);
//   model.forward(prompt_ids, {.attention_mask = mask, .cache = &cache});   // prefill
//   model.forward(next_ids, {.cache = &cache});                            // one step
#pragma once

#include "moecut/arch.h"

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace moecut::engine {

struct LayerCache {
    torch::Tensor k, v;       // GQA, [B, S, Hkv, D]
    torch::Tensor latent;     // MLA, [B, S, kv_lora_rank]
    torch::Tensor k_rot;      // MLA, [B, S, qk_rope_head_dim]
    torch::Tensor index_k;    // DSA full layers, [B, S, index_head_dim]

    // Appends x (the step's entries, [B, T, ...]) to slot along the sequence
    // axis and returns the whole cached sequence [B, S + T, ...].
    static const torch::Tensor& append(torch::Tensor& slot, const torch::Tensor& x);
};

class KvCache {
public:
    KvCache(const ArchDescriptor& arch, std::int64_t batch, torch::Device device = torch::kCPU);

    std::int64_t batch() const { return batch_; }
    // Slots filled so far (the same for every sequence, padding included).
    std::int64_t length() const { return key_mask_.size(1); }
    torch::Device device() const { return device_; }

    // [B, S] bool: the slots that hold a real token.
    const torch::Tensor& key_mask() const { return key_mask_; }
    // [B] int64: the position the next real token of each sequence takes.
    const torch::Tensor& next_position() const { return next_pos_; }

    // Starts a step of T new tokens, mask [B, T] (nonzero = real token;
    // undefined = all real). Returns their position ids [B, T]: each
    // sequence's real tokens continue its count (cumsum(mask) - 1 over the
    // whole sequence, as transformers' generate computes them), padding slots
    // take 0. Extends key_mask and next_position.
    torch::Tensor begin_step(const torch::Tensor& mask, std::int64_t T);

    // Which cached or new keys each new query may attend to: [B, T, S] bool
    // (S = length() after begin_step): causal, real keys only, within the
    // sliding window (0 = none) counted in slots.
    torch::Tensor allowed(std::int64_t T, std::int64_t sliding_window) const;

    LayerCache& layer(int index);

    // Bytes held by the cached tensors.
    std::int64_t bytes() const;
    void clear();

private:
    std::int64_t batch_;
    torch::Device device_;
    torch::Tensor key_mask_;  // [B, S] bool
    torch::Tensor next_pos_;  // [B] int64
    std::vector<LayerCache> layers_;
};

} // namespace moecut::engine

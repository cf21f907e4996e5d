// The weights of a checkpoint, one decoder layer at a time.
//
// A WeightStore pulls a layer's tensors from the memory-mapped safetensors
// files onto a device, in the compute dtype, dequantising FP8 block-quantised
// weights on that device. In streaming mode a layer is dropped as soon as the
// next one is asked for, so at most one decoder layer's weights are resident:
// peak memory is about the largest layer, whatever the depth. In resident mode
// every layer stays loaded after its first use.
//
// Tensors are kept under canonical keys, the same for every family and both
// expert layouts (see LayerWeights). Precision follows transformers: sigmoid
// routers, their correction bias and the DSA indexer's weights_proj stay
// float32; everything else is in the compute dtype.
#pragma once

#include "moecut/arch.h"
#include "moecut/checkpoint.h"

#include <torch/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moecut::engine {

// One routed expert: SwiGLU down(silu(gate x) * up x). Views into the fused
// tensors when the checkpoint uses the fused layout.
struct ExpertWeights {
    torch::Tensor gate;  // [I, H]
    torch::Tensor up;    // [I, H]
    torch::Tensor down;  // [H, I]
};

// The tensors of one decoder layer (or MTP layer) under canonical keys:
//   "input_layernorm", "post_attention_layernorm"
//   attention: "self_attn.<name>" as in the checkpoint without ".weight"
//     ("self_attn.q_proj", "self_attn.q_proj.bias", "self_attn.kv_b_proj",
//      "self_attn.indexer.wq_b", "self_attn.indexer.k_norm.bias", ...)
//   dense MLP: "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"
//   MoE: "router", "router.bias" (correction bias), "shared.gate_proj",
//     "shared.up_proj", "shared.down_proj", "shared_gate" (Qwen2), experts[e]
//   MTP: "enorm", "hnorm", "eh_proj", "shared_head.norm", "shared_head.head",
//     "embed_tokens" (the last two only when the checkpoint has them)
struct LayerWeights {
    int layer = -1;
    torch::Device device = torch::kCPU;  // where its tensors are
    std::map<std::string, torch::Tensor, std::less<>> tensors;
    std::vector<ExpertWeights> experts;  // empty for dense layers

    const torch::Tensor* find(std::string_view key) const;
    // The tensor (std::logic_error if absent: the store loads what layers use).
    const torch::Tensor& get(std::string_view key) const;
    std::int64_t bytes() const;
};

struct WeightOptions {
    torch::Device device = torch::kCPU;
    torch::Dtype dtype = torch::kFloat32;
    bool streaming = false;
    // Per decoder layer (trunk then MTP, as arch.layers): the device that holds
    // it, for models bigger than one device. Empty: every layer on `device`.
    // The embedding stays on `device`; the final norm and head go with the
    // last trunk layer.
    std::vector<torch::Device> layer_devices;
};

// Contiguous, balanced placement of n_layers layers on the given devices
// (layer i on devices[i * devices.size() / n_layers]); empty when fewer than
// two devices are given.
std::vector<torch::Device> place_layers(std::int64_t n_layers, const std::vector<torch::Device>& devices);

class WeightStore {
public:
    // Checks that every tensor the architecture requires is present with its
    // expected shape (InputError naming the first one that is not), and loads
    // the global tensors (embedding, final norm, output head).
    WeightStore(const Checkpoint& ckpt, const ArchDescriptor& arch, WeightOptions options);
    ~WeightStore();
    WeightStore(const WeightStore&) = delete;
    WeightStore& operator=(const WeightStore&) = delete;

    const ArchDescriptor& arch() const { return arch_; }
    const WeightOptions& options() const { return options_; }
    ExpertLayout layout() const { return layout_; }
    // The device of decoder layer `index` (options().device unless placed).
    torch::Device device_of(int index) const;
    // Where the final norm and the head live (the last trunk layer's device).
    torch::Device output_device() const;

    // Global tensors, always resident.
    const torch::Tensor& embed_tokens() const { return embed_; }  // [V, H]
    const torch::Tensor& final_norm() const { return norm_; }     // [H]
    const torch::Tensor& lm_head() const { return head_; }        // [V, H] (the embedding when tied)

    // The weights of decoder layer `index` (trunk or MTP), loading them if
    // needed. Streaming mode first drops whichever other layer is loaded.
    const LayerWeights& layer(int index);
    // Drops a layer's weights (no-op in resident mode unless force).
    void release(int index, bool force = false);
    void release_all();

    // Bookkeeping, for tests and memory reports.
    int resident_layers() const;
    int peak_resident_layers() const { return peak_layers_; }
    std::int64_t resident_bytes() const;
    std::int64_t peak_bytes() const { return peak_bytes_; }
    std::int64_t loads() const { return loads_; }

    // One checkpoint tensor on the store's device (or `device`): `dtype`, FP8 dequantised.
    torch::Tensor load(std::string_view name, torch::Dtype dtype) const;
    torch::Tensor load(std::string_view name, torch::Dtype dtype, torch::Device device) const;

private:
    LayerWeights load_layer(int index) const;
    void add(LayerWeights& lw, const std::string& key, const std::string& name, torch::Dtype dtype,
             bool optional) const;

    const Checkpoint& ckpt_;
    ArchDescriptor arch_;
    WeightOptions options_;
    ExpertLayout layout_ = ExpertLayout::PerExpert;
    torch::Tensor embed_, norm_, head_;
    std::map<int, std::unique_ptr<LayerWeights>> layers_;
    int peak_layers_ = 0;
    std::int64_t peak_bytes_ = 0;
    std::int64_t loads_ = 0;
};

// Dequantises an FP8 block-quantised weight on `device`: the FP8 bytes go to
// the device as-is and are decoded there with a 256-entry table, then scaled
// blockwise by the weight_scale_inv sibling. Falls back to torch_bridge's host
// path for layouts it does not recognise.
torch::Tensor load_fp8_on_device(const Checkpoint& ckpt, std::string_view name, torch::Dtype dtype,
                                 torch::Device device);

} // namespace moecut::engine

// The MoE runtime: a checkpoint's forward pass, with routing taps.
//
//   auto model = Model::open(dir, {.device = torch::kCUDA, .dtype = torch::kBFloat16, .streaming = true});
//   RoutingTaps taps;
//   auto out = model.forward(input_ids, {.taps = &taps});
//
// The forward runs the whole batch layer by layer (hidden states [B, T, H]
// kept between layers); in streaming mode one decoder layer's weights are
// resident at a time. With a KvCache (kv_cache.h) the forward is incremental:
// the ids are the tokens after those already cached. Generation: generate.h.
#pragma once

#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/engine/kv_cache.h"
#include "moecut/engine/weights.h"

#include <torch/types.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace moecut::engine {

// What one MoE layer did with the batch's tokens (N = B*T rows, token n =
// b*T + t, padding included: see RoutingTaps::token_valid).
struct MoeLayerTaps {
    int layer = -1;       // decoder layer index (MTP layers: >= num_hidden_layers)
    bool mtp = false;
    torch::Tensor router_logits;    // [N, E] float32 (undefined unless keep_router_logits)
    torch::Tensor topk_idx;         // [N, K] int64, best first
    torch::Tensor topk_weight;      // [N, K] float32, the weights the outputs are combined with
    torch::Tensor expert_out_norm;  // [N, K] float32, ||Expert(x)||_2 of each selected expert,
                                    //   before weighting (undefined unless expert_norms)
};

struct RoutingTaps {
    // What to record.
    bool keep_router_logits = true;
    bool expert_norms = true;
    bool store = true;                   // append each layer's taps to `layers`
    torch::Device device = torch::kCPU;  // where stored taps are kept
    // Called as each MoE layer finishes, with tensors on the compute device.
    std::function<void(const MoeLayerTaps&)> on_layer;

    // Filled by the forward.
    torch::Tensor token_valid;           // [N] bool: false at padding
    std::vector<MoeLayerTaps> layers;    // in execution order (trunk, then MTP)

    const MoeLayerTaps* find(int layer) const;
    void clear() { layers.clear(); token_valid = torch::Tensor(); }
};

struct ModelOptions {
    torch::Device device = torch::kCPU;
    torch::Dtype dtype = torch::kFloat32;   // kFloat32 or kBFloat16 (kFloat16 also runs)
    bool streaming = false;                 // at most one decoder layer resident
    bool indexer_dense_shortcut = true;     // skip the DSA indexer when T <= index_topk
    // Per decoder layer (trunk then MTP): its device, for a model bigger than
    // one GPU (place_layers() makes a balanced split). Empty: all on `device`,
    // which then holds the embedding. Forward without a KV cache only.
    std::vector<torch::Device> layer_devices;
    // Shorthand: split the layers over these devices (place_layers); the first
    // becomes `device`. Overrides layer_devices when it names two or more.
    std::vector<torch::Device> place_on;
};

struct ForwardOptions {
    torch::Tensor attention_mask;  // optional [B, T]: nonzero = real token (right padding keeps positions)
    RoutingTaps* taps = nullptr;
    bool return_hidden = false;
    // Also run the first MTP layer: position t predicts token t+2 from the
    // trunk's final hidden state at t and token t+1 (vLLM deepseek_mtp).
    bool run_mtp = false;
    // Token t+1 for each position t, [B, T]. Default: input_ids shifted left,
    // the last position taking the trunk's greedy prediction.
    torch::Tensor mtp_next_ids;
    // Incremental forward: input_ids [B, T] follow the tokens already in the
    // cache, which grows by T slots. attention_mask then marks the real tokens
    // of this step (left padding: zeros before a sequence's first token), and
    // each sequence's positions continue from its own count of real tokens.
    // Not with run_mtp. After an exception the cache is unusable.
    KvCache* cache = nullptr;
};

struct ForwardResult {
    torch::Tensor logits;      // [B, T, V], compute dtype
    torch::Tensor hidden;      // [B, T, H] final-normed hidden states (if return_hidden or run_mtp)
    torch::Tensor mtp_logits;  // [B, T, V] (if run_mtp)
};

class Model {
public:
    // Opens a checkpoint folder (config.json + safetensors). InputError on an
    // unsupported or inconsistent checkpoint.
    static Model open(const std::filesystem::path& dir, ModelOptions options = {});

    Model(Model&&) noexcept;
    Model& operator=(Model&&) noexcept;
    ~Model();

    const ArchDescriptor& arch() const;
    const Checkpoint& checkpoint() const;
    const ModelOptions& options() const;
    WeightStore& weights();

    // An empty cache for `batch` sequences on the model's device.
    KvCache new_cache(std::int64_t batch) const;

    // input_ids: [B, T] int64 (any device).
    ForwardResult forward(const torch::Tensor& input_ids, const ForwardOptions& options = {});

    // MTP layer `mtp_index` (0 = the first): hidden [B, T, H] are the trunk's
    // final-normed hidden states, next_ids [B, T] the token after each position.
    // Returns the MTP head's logits [B, T, V].
    torch::Tensor mtp_forward(int mtp_index, const torch::Tensor& hidden, const torch::Tensor& next_ids,
                              const torch::Tensor& attention_mask = {}, RoutingTaps* taps = nullptr);

private:
    struct Impl;
    explicit Model(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace moecut::engine

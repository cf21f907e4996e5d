// The trainable tiny MoE of train-tiny (internal to the engine): parameters
// by checkpoint name, a training forward through the runtime's layer math
// (layers.h) under autograd, and saving as model.safetensors.
#pragma once

#include "moecut/arch.h"
#include "moecut/engine/layers.h"

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace moecut::engine::detail {

struct TinyLoss {
    torch::Tensor total, main, mtp, aux;  // scalars
    std::vector<torch::Tensor> loads;     // per MoE layer (trunk then MTP): [E] int64 token counts
};

class TinyNet {
public:
    // Parameters of every tensor config.json implies (per-expert layout),
    // initialised from the global torch generator (seed it first).
    explicit TinyNet(const nlohmann::json& config);

    const ArchDescriptor& arch() const { return arch_; }
    std::int64_t parameter_count() const;
    // Trainable parameters split into (with weight decay, without).
    std::pair<std::vector<torch::Tensor>, std::vector<torch::Tensor>> param_groups() const;

    // tokens: [B, T + 2] int64. Main loss on tokens 1..T, MTP loss on 2..T+1.
    TinyLoss forward(const torch::Tensor& tokens, double mtp_weight, double aux_weight);
    // DeepSeek-V3's update: bias += gamma * sign(mean(load) - load), per MoE layer.
    void update_biases(const std::vector<torch::Tensor>& loads, double gamma);

    // model.safetensors (float32, config order), atomically.
    void save(const std::filesystem::path& file) const;

private:
    LayerWeights layer(int index) const;
    torch::Tensor decoder_layer(int index, const torch::Tensor& h, AttentionState& st, TinyLoss& loss,
                                double aux_weight) const;

    ArchDescriptor arch_;
    std::vector<std::string> order_;                // checkpoint order
    std::vector<ExpectedTensor> specs_;             // the same order
    std::map<std::string, torch::Tensor> params_;   // name -> leaf tensor
    std::map<std::string, bool> decay_;             // weight decay applies
    std::vector<int> moe_layers_;                   // trunk MoE layers, then MTP
};

} // namespace moecut::engine::detail

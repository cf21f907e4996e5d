// Facts read from a checkpoint's tensor names alone: which decoder layer a
// tensor belongs to, and which expert layout the checkpoint uses.
#pragma once

#include "moecut/arch.h"

#include <string_view>

namespace moecut {

class Checkpoint;

// The layer index of "model.layers.<i>.…", or -1 for any other name.
int layer_of_tensor(std::string_view name);

// Fused transformers-v5 expert tensors (experts.gate_up_proj, experts.down_proj)
// anywhere in the checkpoint mean the fused layout; otherwise per-expert.
ExpertLayout detect_expert_layout(const Checkpoint& ckpt);

} // namespace moecut

#include "moecut/tensor_names.h"

#include "moecut/checkpoint.h"

namespace moecut {

int layer_of_tensor(std::string_view name) {
    constexpr std::string_view kPrefix = "model.layers.";
    if (!name.starts_with(kPrefix)) return -1;
    name.remove_prefix(kPrefix.size());
    int v = 0;
    std::size_t i = 0;
    for (; i < name.size() && i < 7 && name[i] >= '0' && name[i] <= '9'; ++i) v = v * 10 + (name[i] - '0');
    if (i == 0 || i >= name.size() || name[i] != '.') return -1;
    return v;
}

ExpertLayout detect_expert_layout(const Checkpoint& ckpt) {
    for (const auto& e : ckpt.entries()) {
        std::string_view n = e.info->name;
        if (n.ends_with(".experts.gate_up_proj") || n.ends_with(".experts.down_proj")) return ExpertLayout::Fused;
    }
    return ExpertLayout::PerExpert;
}

} // namespace moecut

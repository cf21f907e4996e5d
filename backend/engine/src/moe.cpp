// Routers and MoE blocks as transformers 5.24 computes them. Routed experts
// run on their routed tokens only: tokens are sorted by expert, each expert
// sees one gathered batch, and results are scattered back weighted.
#include "moecut/engine/layers.h"

#include <limits>

namespace moecut::engine {

torch::Tensor swiglu(const torch::Tensor& x, const torch::Tensor& gate, const torch::Tensor& up,
                     const torch::Tensor& down) {
    return torch::linear(torch::silu(torch::linear(x, gate)) * torch::linear(x, up), down);
}

torch::Tensor expert_forward(const ExpertWeights& e, const torch::Tensor& x) {
    return swiglu(x, e.gate, e.up, e.down);
}

torch::Tensor dense_mlp_forward(const LayerWeights& w, const torch::Tensor& x) {
    return swiglu(x, w.get("mlp.gate_proj"), w.get("mlp.up_proj"), w.get("mlp.down_proj"));
}

RouterOutput route(const LayerWeights& w, const ArchDescriptor& arch, const torch::Tensor& x) {
    const auto& r = arch.router;
    const std::int64_t K = r.top_k, E = r.n_experts;
    RouterOutput out;
    if (r.scoring == Scoring::Sigmoid) {
        // DeepSeek-V3 noaux_tc: fp32 logits, sigmoid scores; the correction
        // bias only steers the choice; group-limited top-k; weights from the
        // scores, renormalised, times routed_scaling_factor.
        const auto& W = w.get("router");
        out.logits = torch::linear(x.to(torch::kFloat32), W.to(torch::kFloat32));
        auto scores = out.logits.sigmoid();
        auto choice = scores;
        if (const auto* bias = w.find("router.bias")) choice = scores + *bias;
        if (r.n_group > 1) {
            const std::int64_t N = x.size(0), G = r.n_group;
            auto grouped = choice.view({N, G, E / G});
            auto group_scores = std::get<0>(grouped.topk(2, -1)).sum(-1);  // [N, G]
            auto group_idx = std::get<1>(group_scores.topk(r.topk_group, -1));
            auto group_mask = torch::zeros_like(group_scores).scatter(1, group_idx, 1.0);
            auto expert_mask = group_mask.unsqueeze(-1).expand({N, G, E / G}).reshape({N, E}).to(torch::kBool);
            choice = choice.masked_fill(expert_mask.logical_not(), -std::numeric_limits<double>::infinity());
        }
        out.idx = std::get<1>(choice.topk(K, -1));
        out.weight = scores.gather(1, out.idx);
        if (r.norm_topk_prob) out.weight = out.weight / (out.weight.sum(-1, true) + 1e-20);
        out.weight = out.weight * r.routed_scaling_factor;
    } else {
        // Qwen / Mixtral: logits in the compute dtype, softmax in fp32 over
        // every expert, top-k, optional renormalisation.
        auto logits = torch::linear(x, w.get("router"));
        auto probs = torch::softmax(logits, -1, torch::kFloat32);
        auto [top, idx] = probs.topk(K, -1);
        if (r.norm_topk_prob) top = top / top.sum(-1, true);
        if (r.routed_scaling_factor != 1.0) top = top * r.routed_scaling_factor;
        // Qwen casts the weights back to the logits' dtype; Mixtral does not.
        if (arch.family != Family::Mixtral) top = top.to(logits.scalar_type()).to(torch::kFloat32);
        out.logits = logits.to(torch::kFloat32);
        out.idx = idx;
        out.weight = top;
    }
    return out;
}

torch::Tensor shared_expert_forward(const LayerWeights& w, const ArchDescriptor& arch, const torch::Tensor& x) {
    const auto* g = w.find("shared.gate_proj");
    if (!g) return {};
    auto y = swiglu(x, *g, w.get("shared.up_proj"), w.get("shared.down_proj"));
    if (arch.shared_expert_gate) y = torch::sigmoid(torch::linear(x, w.get("shared_gate"))) * y;
    return y;
}

MoeOutput moe_forward(const LayerWeights& w, const ArchDescriptor& arch, const torch::Tensor& x, bool want_norms) {
    MoeOutput out;
    out.routing = route(w, arch, x);
    const std::int64_t N = x.size(0), K = out.routing.idx.size(1);
    const std::int64_t E = static_cast<std::int64_t>(w.experts.size());

    // Sort the N*K (token, slot) pairs by expert; each expert then takes one
    // contiguous run. Experts are visited in increasing order, as transformers does.
    auto flat = out.routing.idx.reshape({-1});
    auto order = std::get<1>(flat.sort(/*stable=*/true, 0, false));
    auto token_of = order.div(K, "floor");
    auto counts = torch::bincount(flat, {}, E).to(torch::kCPU);
    auto weight_flat = out.routing.weight.reshape({-1});

    auto y = torch::zeros_like(x);
    torch::Tensor norms;
    if (want_norms) norms = torch::zeros({N * K}, x.options().dtype(torch::kFloat32));
    const auto* cnt = counts.data_ptr<std::int64_t>();
    std::int64_t offset = 0;
    for (std::int64_t e = 0; e < E; ++e) {
        const std::int64_t c = cnt[e];
        if (c == 0) continue;
        auto rows = order.narrow(0, offset, c);
        auto tokens = token_of.narrow(0, offset, c);
        offset += c;
        auto ye = expert_forward(w.experts[static_cast<std::size_t>(e)], x.index_select(0, tokens));
        auto yf = ye.to(torch::kFloat32);
        if (want_norms) norms.index_copy_(0, rows, yf.norm(2, {-1}));
        auto weighted = (yf * weight_flat.index_select(0, rows).unsqueeze(1)).to(x.scalar_type());
        y.index_add_(0, tokens, weighted);
    }
    if (auto s = shared_expert_forward(w, arch, x); s.defined()) y = y + s;
    out.y = y;
    if (want_norms) out.expert_norm = norms.view({N, K});
    return out;
}

} // namespace moecut::engine

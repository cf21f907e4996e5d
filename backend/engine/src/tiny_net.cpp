// The trainable tiny MoE (tiny_net.h). Parameters live under their checkpoint
// names; each forward maps them onto the canonical LayerWeights keys the
// runtime's layer functions read (as WeightStore::load_layer does), so the
// training forward is the inference forward with gradients.
#include "tiny_net.h"

#include "moecut/dtype.h"
#include "moecut/safetensors_writer.h"

#include <cmath>
#include <span>

namespace moecut::engine::detail {

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The canonical LayerWeights key of a layer tensor (per-expert layout), or ""
// for a routed expert's projection (those go to LayerWeights::experts).
std::string canonical_key(const ExpectedTensor& t, const std::string& prefix) {
    if (t.role == TensorRole::Router) return "router";
    if (t.role == TensorRole::RouterBias) return "router.bias";
    if (t.role == TensorRole::RoutedExpert) return "";
    std::string k = t.name.substr(prefix.size());
    if (ends_with(k, ".weight")) k.resize(k.size() - 7);
    if (k.rfind("mlp.shared_experts.", 0) == 0) k = "shared." + k.substr(19);
    return k;
}

} // namespace

TinyNet::TinyNet(const nlohmann::json& config) : arch_(ArchDescriptor::from_config(config, "config.json")) {
    torch::NoGradGuard no_grad;
    const double out_std = 0.02 / std::sqrt(2.0 * static_cast<double>(arch_.num_hidden_layers + 1));
    for (const ExpectedTensor& t : arch_.expected_tensors(ExpertLayout::PerExpert)) {
        if (!t.required && !arch_.mtp_has_embed) continue;
        torch::Tensor p;
        const bool one_d = t.shape.size() == 1;
        if (t.role == TensorRole::RouterBias || (one_d && ends_with(t.name, ".bias"))) p = torch::zeros(t.shape);
        else if (one_d) p = torch::ones(t.shape);  // norms
        else {
            const bool out = ends_with(t.name, "o_proj.weight") || ends_with(t.name, "down_proj.weight");
            p = torch::randn(t.shape) * (out ? out_std : 0.02);
        }
        // The indexer is skipped at training lengths (T <= index_topk): no gradient.
        const bool trainable = t.role != TensorRole::RouterBias && t.role != TensorRole::Indexer;
        p.set_requires_grad(trainable);
        decay_[t.name] = trainable && !one_d && t.role != TensorRole::Router;
        order_.push_back(t.name);
        specs_.push_back(t);
        params_[t.name] = p;
    }
    moe_layers_ = arch_.moe_layers();
    for (int l : arch_.mtp_layers())
        if (arch_.layers[static_cast<std::size_t>(l)].is_moe) moe_layers_.push_back(l);
}

std::int64_t TinyNet::parameter_count() const {
    std::int64_t n = 0;
    for (const auto& [k, p] : params_) n += p.numel();
    return n;
}

std::pair<std::vector<torch::Tensor>, std::vector<torch::Tensor>> TinyNet::param_groups() const {
    std::vector<torch::Tensor> decay, no_decay;
    for (const auto& name : order_) {
        const auto& p = params_.at(name);
        if (!p.requires_grad()) continue;
        (decay_.at(name) ? decay : no_decay).push_back(p);
    }
    return {decay, no_decay};
}

LayerWeights TinyNet::layer(int index) const {
    LayerWeights lw;
    lw.layer = index;
    const std::string prefix = arch_.layer_prefix(index);
    if (arch_.layers[static_cast<std::size_t>(index)].is_moe)
        lw.experts.resize(static_cast<std::size_t>(arch_.router.n_experts));
    for (const ExpectedTensor& t : specs_) {
        if (t.layer != index) continue;
        const auto& p = params_.at(t.name);
        const std::string key = canonical_key(t, prefix);
        if (!key.empty()) {
            lw.tensors[key] = p;
        } else {
            auto& e = lw.experts[static_cast<std::size_t>(t.expert)];
            if (ends_with(t.name, "gate_proj.weight")) e.gate = p;
            else if (ends_with(t.name, "up_proj.weight")) e.up = p;
            else e.down = p;
        }
    }
    return lw;
}

torch::Tensor TinyNet::decoder_layer(int index, const torch::Tensor& h, AttentionState& st, TinyLoss& loss,
                                     double aux_weight) const {
    const LayerSpec& spec = arch_.layers.at(static_cast<std::size_t>(index));
    const LayerWeights w = layer(index);
    const double eps = arch_.rms_norm_eps;
    auto x = h + attention_forward(w, arch_, spec, rms_norm(h, w.get("input_layernorm"), eps), st);
    auto n = rms_norm(x, w.get("post_attention_layernorm"), eps);
    if (!spec.is_moe) return x + dense_mlp_forward(w, n);

    const std::int64_t B = n.size(0), T = n.size(1), E = arch_.router.n_experts, K = arch_.router.top_k;
    auto mo = moe_forward(w, arch_, n.reshape({-1, n.size(-1)}), false);
    const auto idx = mo.routing.idx;  // [N, K]
    loss.loads.push_back(torch::bincount(idx.reshape({-1}), {}, E));
    if (aux_weight > 0) {
        // DeepSeek-V3 sequence-wise balance loss: sum_e f_e * P_e per sequence,
        // f_e = E / (K T) * (tokens choosing e), P_e = mean_t of normalised scores.
        auto s = mo.routing.logits.sigmoid().view({B, T, E});
        auto p = (s / s.sum(-1, true)).mean(1);  // [B, E]
        auto chosen = torch::zeros({B * T, E}, s.options()).scatter_(1, idx, 1.0).view({B, T, E});
        auto f = chosen.sum(1) * (static_cast<double>(E) / static_cast<double>(K * T));
        loss.aux = loss.aux + aux_weight * (f * p).sum(-1).mean();
    }
    return x + mo.y.view(x.sizes());
}

TinyLoss TinyNet::forward(const torch::Tensor& tokens, double mtp_weight, double aux_weight) {
    const std::int64_t B = tokens.size(0), T = tokens.size(1) - 2;
    auto ids = tokens.narrow(1, 0, T), next = tokens.narrow(1, 1, T), next2 = tokens.narrow(1, 2, T);
    const double eps = arch_.rms_norm_eps;
    const auto V = arch_.vocab_size;
    TinyLoss loss;
    loss.aux = torch::zeros({});

    auto make_state = [&] {
        AttentionState st;
        st.allowed = attention_allowed(B, T, {}, arch_.attention.sliding_window, torch::kCPU);
        st.rope = rope_table(arch_.attention.rope, arch_.attention.qk_rope_head_dim, T, torch::kCPU, torch::kFloat32);
        return st;
    };
    const auto& embed = params_.at("model.embed_tokens.weight");
    const auto& head = params_.at("lm_head.weight");
    AttentionState st = make_state();
    auto h = torch::embedding(embed, ids);
    for (std::int64_t i = 0; i < arch_.num_hidden_layers; ++i)
        h = decoder_layer(static_cast<int>(i), h, st, loss, aux_weight);
    auto hidden = rms_norm(h, params_.at("model.norm.weight"), eps);
    loss.main = torch::cross_entropy_loss(torch::linear(hidden, head).view({-1, V}), next.reshape({-1}));
    loss.total = loss.main;

    loss.mtp = torch::zeros({});
    const auto mtp = arch_.mtp_layers();
    if (!mtp.empty() && mtp_weight > 0) {
        // As Model::mtp_forward (vLLM deepseek_mtp): position t combines the
        // trunk's final-normed hidden state at t with the embedding of token
        // t+1 (zero at position 0) and predicts token t+2.
        const int L = mtp.front();
        const std::string p = arch_.layer_prefix(L);
        auto keep = torch::ones({1, T, 1});
        keep.select(1, 0).zero_();
        auto e = torch::embedding(embed, next) * keep;
        auto x = torch::linear(torch::cat({rms_norm(e, params_.at(p + "enorm.weight"), eps),
                                           rms_norm(hidden, params_.at(p + "hnorm.weight"), eps)},
                                          -1),
                               params_.at(p + "eh_proj.weight"));
        AttentionState st2 = make_state();
        x = decoder_layer(L, x, st2, loss, aux_weight);
        auto logits = torch::linear(rms_norm(x, params_.at(p + "shared_head.norm.weight"), eps), head);
        loss.mtp = torch::cross_entropy_loss(logits.view({-1, V}), next2.reshape({-1}));
        loss.total = loss.total + mtp_weight * loss.mtp;
    }
    loss.total = loss.total + loss.aux;
    return loss;
}

void TinyNet::update_biases(const std::vector<torch::Tensor>& loads, double gamma) {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < loads.size() && i < moe_layers_.size(); ++i) {
        auto load = loads[i].to(torch::kFloat32);
        auto& bias = params_.at(arch_.router_bias(moe_layers_[i]));
        bias.add_(torch::sign(load.mean() - load) * gamma);
    }
}

void TinyNet::save(const std::filesystem::path& file) const {
    std::vector<TensorToWrite> tensors;
    for (const auto& name : order_) {
        auto t = params_.at(name).detach().contiguous();
        std::vector<std::int64_t> shape(t.sizes().begin(), t.sizes().end());
        tensors.push_back({name, DType::F32, shape, [t](ByteSink& sink) {
                               sink.write(std::span<const std::byte>(static_cast<const std::byte*>(t.data_ptr()),
                                                                     static_cast<std::size_t>(t.numel()) * 4));
                           }});
    }
    write_safetensors_file(file, tensors, {{"format", "pt"}});
}

} // namespace moecut::engine::detail

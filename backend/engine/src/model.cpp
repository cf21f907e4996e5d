// The forward pass: embedding, decoder layers (streamed or resident), final
// norm and head; the MTP layer (vLLM deepseek_mtp semantics); routing taps.
#include "moecut/engine/model.h"

#include "moecut/engine/layers.h"
#include "moecut/error.h"

#include <ATen/core/grad_mode.h>
#include <fmt/format.h>

namespace moecut::engine {

const MoeLayerTaps* RoutingTaps::find(int layer) const {
    for (const auto& l : layers)
        if (l.layer == layer) return &l;
    return nullptr;
}

struct Model::Impl {
    ModelOptions options;
    Checkpoint ckpt;
    ArchDescriptor arch;
    std::unique_ptr<WeightStore> weights;

    Impl(const std::filesystem::path& dir, ModelOptions o)
        : options(o), ckpt(Checkpoint::open(dir)), arch(ArchDescriptor::from_config(ckpt.config(),
                                                                                   ckpt.config_path().string())) {
        if (o.place_on.size() >= 2) {
            options.layer_devices = place_layers(static_cast<std::int64_t>(arch.layers.size()), o.place_on);
            options.device = o.place_on.front();
        }
        const auto& po = options;
        weights = std::make_unique<WeightStore>(ckpt, arch,
                                                WeightOptions{po.device, po.dtype, po.streaming, po.layer_devices});
    }

    std::int64_t rotary_dim() const {
        const auto& a = arch.attention;
        if (a.kind == AttentionKind::Mla) return a.qk_rope_head_dim;
        return a.rope.rotary_dim > 0 ? a.rope.rotary_dim : a.head_dim;
    }

    AttentionState make_state(std::int64_t B, std::int64_t T, const torch::Tensor& mask, torch::Device device) const {
        AttentionState st;
        const torch::Tensor m = mask.defined() ? mask.to(device) : mask;
        st.allowed = attention_allowed(B, T, m, arch.attention.sliding_window, device);
        st.rope = rope_table(arch.attention.rope, rotary_dim(), T, device, options.dtype);
        st.indexer_dense_shortcut = options.indexer_dense_shortcut;
        return st;
    }

    void record(RoutingTaps* taps, int layer, bool mtp, MoeOutput& mo) const {
        if (!taps) return;
        MoeLayerTaps t;
        t.layer = layer;
        t.mtp = mtp;
        if (taps->keep_router_logits) t.router_logits = mo.routing.logits;
        t.topk_idx = mo.routing.idx;
        t.topk_weight = mo.routing.weight;
        t.expert_out_norm = mo.expert_norm;
        if (taps->on_layer) taps->on_layer(t);
        if (!taps->store) return;
        auto move = [&](torch::Tensor& x) {
            if (x.defined()) x = x.to(taps->device);
        };
        move(t.router_logits);
        move(t.topk_idx);
        move(t.topk_weight);
        move(t.expert_out_norm);
        taps->layers.push_back(std::move(t));
    }

    // One decoder layer over the whole batch: h [B, T, H].
    torch::Tensor decoder_layer(int index, const torch::Tensor& h, AttentionState& st, RoutingTaps* taps) {
        const LayerSpec& spec = arch.layers.at(static_cast<std::size_t>(index));
        const LayerWeights& w = weights->layer(index);
        const double eps = arch.rms_norm_eps;
        auto x = h + attention_forward(w, arch, spec, rms_norm(h, w.get("input_layernorm"), eps), st);
        auto n = rms_norm(x, w.get("post_attention_layernorm"), eps);
        torch::Tensor f;
        if (spec.is_moe) {
            const auto shape = n.sizes().vec();
            auto mo = moe_forward(w, arch, n.reshape({-1, n.size(-1)}), taps && taps->expert_norms);
            f = mo.y.view(shape);
            record(taps, index, spec.is_mtp, mo);
        } else {
            f = dense_mlp_forward(w, n);
        }
        auto out = x + f;
        weights->release(index);
        return out;
    }

    torch::Tensor head_logits(const torch::Tensor& hidden) const { return torch::linear(hidden, weights->lm_head()); }
};

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

Model Model::open(const std::filesystem::path& dir, ModelOptions options) {
    return Model(std::make_unique<Impl>(dir, options));
}

const ArchDescriptor& Model::arch() const { return impl_->arch; }
KvCache Model::new_cache(std::int64_t batch) const { return KvCache(impl_->arch, batch, impl_->options.device); }
const Checkpoint& Model::checkpoint() const { return impl_->ckpt; }
const ModelOptions& Model::options() const { return impl_->options; }
WeightStore& Model::weights() { return *impl_->weights; }

namespace {

void check_ids(const torch::Tensor& ids, const ArchDescriptor& arch, const char* what) {
    if (!ids.defined() || ids.dim() != 2)
        throw std::invalid_argument(fmt::format("Model: {} must be [B, T]", what));
    if (ids.numel() == 0) return;
    const auto lo = ids.min().item<std::int64_t>(), hi = ids.max().item<std::int64_t>();
    if (lo < 0 || hi >= arch.vocab_size)
        throw InputError(fmt::format("{}: token id {} outside the vocabulary [0, {})", what, lo < 0 ? lo : hi,
                                     arch.vocab_size));
}

} // namespace

ForwardResult Model::forward(const torch::Tensor& input_ids, const ForwardOptions& fo) {
    at::NoGradGuard no_grad;
    auto& m = *impl_;
    check_ids(input_ids, m.arch, "input_ids");
    const auto dev = m.options.device;
    auto ids = input_ids.to(dev, torch::kLong);
    const std::int64_t B = ids.size(0), T = ids.size(1);
    torch::Tensor mask = fo.attention_mask.defined() ? fo.attention_mask.to(dev) : torch::Tensor();
    if (mask.defined() && (mask.dim() != 2 || mask.size(0) != B || mask.size(1) != T))
        throw std::invalid_argument("Model: attention_mask must be [B, T] like input_ids");
    if (fo.taps) {
        fo.taps->layers.clear();
        fo.taps->token_valid = mask.defined() ? mask.ne(0).reshape({-1}).to(fo.taps->device)
                                              : torch::ones({B * T}, torch::kBool).to(fo.taps->device);
    }

    AttentionState st;
    if (fo.cache) {
        if (fo.run_mtp) throw std::invalid_argument("Model: run_mtp is not available with a KV cache");
        if (!m.options.layer_devices.empty())
            throw std::invalid_argument("Model: a KV cache needs every layer on one device (layer_devices is set)");
        if (fo.cache->batch() != B || fo.cache->device() != dev)
            throw std::invalid_argument(fmt::format("Model: the KV cache holds {} sequences on {}, the input {} on {}",
                                                    fo.cache->batch(), fo.cache->device().str(), B, dev.str()));
        auto pos = fo.cache->begin_step(mask, T);
        st.allowed = fo.cache->allowed(T, m.arch.attention.sliding_window);
        st.rope = rope_table_at(m.arch.attention.rope, m.rotary_dim(), pos, dev, m.options.dtype);
        st.indexer_dense_shortcut = m.options.indexer_dense_shortcut;
        st.cache = fo.cache;
    } else {
        st = m.make_state(B, T, mask, dev);
    }
    auto h = torch::embedding(m.weights->embed_tokens(), ids);
    torch::Device here = dev;
    for (std::int64_t i = 0; i < m.arch.num_hidden_layers; ++i) {
        const auto there = m.weights->device_of(static_cast<int>(i));
        if (there != here) {  // layers placed on several devices: the hidden state follows them
            h = h.to(there);
            st = m.make_state(B, T, mask, there);
            here = there;
        }
        h = m.decoder_layer(static_cast<int>(i), h, st, fo.taps);
    }
    st = AttentionState();

    ForwardResult r;
    r.hidden = rms_norm(h.to(m.weights->output_device()), m.weights->final_norm(), m.arch.rms_norm_eps);
    r.logits = m.head_logits(r.hidden);
    if (fo.run_mtp) {
        if (m.arch.num_mtp_layers == 0) throw InputError(m.ckpt.config_path().string() + ": the model has no MTP layer");
        torch::Tensor next = fo.mtp_next_ids;
        if (!next.defined()) {
            auto last = std::get<1>(r.logits.select(1, T - 1).max(-1)).unsqueeze(1);  // greedy token T
            next = torch::cat({ids.narrow(1, 1, T - 1), last}, 1);
        }
        r.mtp_logits = mtp_forward(0, r.hidden, next, mask, fo.taps);
    }
    if (!fo.return_hidden && !fo.run_mtp) r.hidden = torch::Tensor();
    return r;
}

torch::Tensor Model::mtp_forward(int mtp_index, const torch::Tensor& hidden, const torch::Tensor& next_ids,
                                 const torch::Tensor& attention_mask, RoutingTaps* taps) {
    at::NoGradGuard no_grad;
    auto& m = *impl_;
    const auto mtp = m.arch.mtp_layers();
    if (mtp_index < 0 || static_cast<std::size_t>(mtp_index) >= mtp.size())
        throw InputError(fmt::format("{}: no MTP layer {} (the model has {})", m.ckpt.config_path().string(),
                                     mtp_index, mtp.size()));
    check_ids(next_ids, m.arch, "next_ids");
    const int L = mtp[static_cast<std::size_t>(mtp_index)];
    const auto dev = m.weights->device_of(L);
    auto ids = next_ids.to(dev, torch::kLong);
    const std::int64_t B = ids.size(0), T = ids.size(1);
    auto h = hidden.to(dev, m.options.dtype);
    torch::Tensor mask = attention_mask.defined() ? attention_mask.to(dev) : torch::Tensor();

    const LayerWeights& w = m.weights->layer(L);
    const auto* own_embed = w.find("embed_tokens");
    auto e = own_embed ? torch::embedding(*own_embed, ids)
                       : torch::embedding(m.weights->embed_tokens(), ids.to(m.options.device)).to(dev);
    e.select(1, 0).zero_();  // vLLM masks the input at position 0
    const double eps = m.arch.rms_norm_eps;
    auto x = torch::linear(torch::cat({rms_norm(e, w.get("enorm"), eps), rms_norm(h, w.get("hnorm"), eps)}, -1),
                           w.get("eh_proj"));
    const auto* own_head = w.find("shared_head.head");
    torch::Tensor head = own_head ? *own_head : m.weights->lm_head();
    torch::Tensor head_norm = w.get("shared_head.norm");

    AttentionState st = m.make_state(B, T, mask, dev);
    x = m.decoder_layer(L, x, st, taps);  // releases the layer when streaming
    return torch::linear(rms_norm(x, head_norm, eps).to(head.device()), head);
}

} // namespace moecut::engine

// moecut kd: the student's forward with trainable gates, the KL loss and the
// held-out evaluation.
#include "router_kd_internal.h"

#include "moecut/engine/layers.h"

#include <algorithm>

namespace moecut::engine::kd {

LayerWeights with_gate(const LayerWeights& w, const GateMap& gates) {
    LayerWeights out = w;
    if (auto it = gates.find(w.layer); it != gates.end()) out.tensors["router"] = it->second;
    return out;
}

Seq make_seq(const TeacherCacheSequence& s, int K, torch::Device dev) {
    const auto n = static_cast<std::int64_t>(s.length());
    auto* sp = const_cast<TeacherCacheSequence*>(&s);  // from_blob takes void*; the data are only read
    Seq q;
    q.tokens = n;
    q.ids = torch::from_blob(sp->tokens.data(), {1, n}, torch::kInt).to(dev, torch::kLong);
    q.tk_ids = torch::from_blob(sp->topk_ids.data(), {1, n, K}, torch::kInt).to(dev, torch::kLong);
    q.tk_logp = torch::from_blob(sp->topk_logprob_f16.data(), {1, n, K}, torch::kHalf).to(dev, torch::kFloat32);
    return q;
}

// The decoder stack of model.cpp with autograd on: Model::forward runs under
// NoGradGuard, and its layers read the store's router, not the masters.
torch::Tensor student_logits(Model& model, const GateMap& gates, const Seq& s, double* entropy_sum) {
    const auto& arch = model.arch();
    WeightStore& ws = model.weights();
    const auto dev = model.options().device;
    const std::int64_t T = s.ids.size(1);
    const auto& at = arch.attention;
    const std::int64_t rot = at.kind == AttentionKind::Mla ? at.qk_rope_head_dim
                                                           : (at.rope.rotary_dim > 0 ? at.rope.rotary_dim : at.head_dim);
    AttentionState st;
    st.allowed = attention_allowed(1, T, torch::Tensor(), at.sliding_window, dev);
    st.rope = rope_table(at.rope, rot, T, dev, model.options().dtype);
    st.indexer_dense_shortcut = model.options().indexer_dense_shortcut;
    auto h = torch::embedding(ws.embed_tokens(), s.ids);
    double ent_sum = 0;
    int ent_n = 0;
    torch::Device here = dev;
    for (std::int64_t i = 0; i < arch.num_hidden_layers; ++i) {
        const auto& spec = arch.layers.at(static_cast<std::size_t>(i));
        if (const auto there = ws.device_of(static_cast<int>(i)); there != here) {  // layers split over devices
            h = h.to(there);
            st.allowed = attention_allowed(1, T, torch::Tensor(), at.sliding_window, there);
            st.rope = rope_table(at.rope, rot, T, there, model.options().dtype);
            here = there;
        }
        const LayerWeights w = with_gate(ws.layer(static_cast<int>(i)), gates);
        auto x = h + attention_forward(w, arch, spec, rms_norm(h, w.get("input_layernorm"), arch.rms_norm_eps), st);
        auto n = rms_norm(x, w.get("post_attention_layernorm"), arch.rms_norm_eps);
        torch::Tensor f;
        if (spec.is_moe) {
            auto mo = moe_forward(w, arch, n.reshape({-1, n.size(-1)}), false);
            f = mo.y.view(n.sizes());
            if (entropy_sum) {
                torch::NoGradGuard ng;
                auto lg = mo.routing.logits.detach();
                torch::Tensor p;
                if (arch.router.scoring == Scoring::Sigmoid) {
                    auto sg = lg.sigmoid();
                    p = sg / sg.sum(-1, true);
                } else {
                    p = torch::softmax(lg, -1);
                }
                ent_sum += (-(p * p.clamp_min(1e-30).log()).sum(-1)).sum().item<double>();
                ++ent_n;
            }
        } else {
            f = dense_mlp_forward(w, n);
        }
        h = x + f;
        ws.release(static_cast<int>(i));
    }
    if (entropy_sum) *entropy_sum = ent_n ? ent_sum / ent_n : 0.0;
    return torch::linear(rms_norm(h.to(ws.output_device()), ws.final_norm(), arch.rms_norm_eps), ws.lm_head())
        .to(s.ids.device(), torch::kFloat32);
}

// p = teacher top-k renormalised, q = student restricted to the same ids,
// renormalised. Mass outside the k ids is ignored on both sides.
SeqLoss kd_loss(const torch::Tensor& logits, const Seq& s) {
    auto p_log = torch::log_softmax(s.tk_logp, -1);
    auto q_log = torch::log_softmax(logits.gather(-1, s.tk_ids), -1);
    SeqLoss l;
    l.kl_sum = (p_log.exp() * (p_log - q_log)).sum();
    torch::NoGradGuard ng;
    l.top1 = std::get<1>(logits.max(-1)).eq(s.tk_ids.select(-1, 0)).sum().item<double>();
    return l;
}

HeldOut heldout_eval(Model& model, const GateMap& gates, const std::vector<TeacherCacheSequence>& seqs,
                     const std::vector<std::size_t>& idx, int K, Communicator& comm) {
    torch::NoGradGuard ng;
    double v[3] = {0, 0, 0};  // KL sum, top-1 count, tokens
    for (std::size_t i = static_cast<std::size_t>(comm.rank()); i < idx.size(); i += static_cast<std::size_t>(comm.world())) {
        const auto s = make_seq(seqs[idx[i]], K, model.options().device);
        const auto l = kd_loss(student_logits(model, gates, s, nullptr), s);
        v[0] += l.kl_sum.item<double>();
        v[1] += l.top1;
        v[2] += static_cast<double>(s.tokens);
    }
    comm.allreduce_sum(v);
    HeldOut h;
    if (v[2] > 0) {
        h.kl = v[0] / v[2];
        h.top1 = v[1] / v[2];
    }
    return h;
}

} // namespace moecut::engine::kd

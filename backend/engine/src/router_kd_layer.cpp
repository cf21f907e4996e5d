// moecut kd --objective layer: each MoE layer's gate trained on its own, so
// that the pruned layer's output matches the teacher's on the teacher's own
// hidden states. The teacher is streamed: one layer's weights at a time, and
// the calibration set's activations at one layer at a time.
//
// Attention and norms are not pruned, so for layer l both models see the same
// MoE input n = post_attention_layernorm(h + attn(h)) where h is the teacher's
// hidden state entering layer l. Loss over a batch (normalised MSE):
//
//     sum_tokens ||y_student(n) - y_teacher(n)||^2 / sum_tokens ||y_teacher(n)||^2
//
// y being the whole MoE block's output (routed and shared experts). After
// layer l's steps, h moves on through the teacher's layer l.
#include "router_kd_internal.h"

#include "moecut/engine/layers.h"
#include "moecut/error.h"
#include "moecut/job_events.h"
#include "moecut/progress.h"

#include <fmt/core.h>

#include <cstdio>
#include <optional>

namespace moecut::engine::kd {
namespace {

struct SeqAct {
    torch::Tensor h;        // [1, T, H] teacher hidden state entering the current layer
    AttentionState st;      // per sequence: mask, RoPE, the DSA selection carried between layers
    torch::Tensor x, n, y;  // at a MoE layer: residual after attention, MoE input [T, H], teacher MoE output [T, H]
    double y_sq = 0;        // sum ||y||^2
};

double layer_loss(const LayerWeights& sw, const ArchDescriptor& sarch, const std::vector<SeqAct>& acts,
                  const std::vector<std::size_t>& idx) {
    torch::NoGradGuard ng;
    double num = 0, den = 0;
    for (auto i : idx) {
        const auto& a = acts[i];
        num += (moe_forward(sw, sarch, a.n, false).y - a.y).pow(2).sum().item<double>();
        den += a.y_sq;
    }
    return den > 0 ? num / den : 0.0;
}

} // namespace

void run_layer_objective(const LayerRun& r, KdResult& res) {
    const KdCommand& a = *r.args;
    Communicator& comm = *r.comm;
    const bool lead = comm.rank() == 0;
    Model& student = *r.student;
    const auto dev = student.options().device;
    ModelOptions mo;
    mo.device = dev;
    mo.dtype = torch::kFloat32;
    mo.streaming = true;  // one teacher layer resident
    Model teacher = Model::open(a.teacher, mo);
    const auto& tarch = teacher.arch();
    const auto& sarch = student.arch();
    if (tarch.num_hidden_layers != sarch.num_hidden_layers || tarch.hidden_size != sarch.hidden_size ||
        tarch.vocab_size != sarch.vocab_size)
        throw_input(a.teacher, "not the student's teacher (layers, hidden size or vocabulary differ)");

    const auto& seqs = *r.seqs;
    std::vector<SeqAct> acts(seqs.size());
    {
        torch::NoGradGuard ng;
        const auto& at = tarch.attention;
        const std::int64_t rot = at.kind == AttentionKind::Mla ? at.qk_rope_head_dim
                                                               : (at.rope.rotary_dim > 0 ? at.rope.rotary_dim : at.head_dim);
        for (std::size_t i = 0; i < seqs.size(); ++i) {
            const auto s = make_seq(seqs[i], r.K, dev);
            const std::int64_t T = s.ids.size(1);
            acts[i].st.allowed = attention_allowed(1, T, torch::Tensor(), at.sliding_window, dev);
            acts[i].st.rope = rope_table(at.rope, rot, T, dev, torch::kFloat32);
            acts[i].st.indexer_dense_shortcut = teacher.options().indexer_dense_shortcut;
            acts[i].h = torch::embedding(teacher.weights().embed_tokens(), s.ids);
        }
    }
    std::vector<std::size_t> all(seqs.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;

    std::optional<ProgressReporter> progress;
    const auto moe_layers = static_cast<std::uint64_t>(r.gates->size());
    if (lead) {
        progress.emplace("kd", moe_layers * static_cast<std::uint64_t>(a.steps));
        progress->set_unit("steps");
    }
    TrainState ts;
    ts.rng.seed(a.seed);
    StopSignals signals;
    const auto world = static_cast<std::size_t>(comm.world()), rank = static_cast<std::size_t>(comm.rank());
    const double eps = tarch.rms_norm_eps;
    std::uint64_t done = 0;
    for (std::int64_t li = 0; li < tarch.num_hidden_layers; ++li) {
        const int L = static_cast<int>(li);
        const auto& spec = tarch.layers.at(static_cast<std::size_t>(li));
        const LayerWeights& tw = teacher.weights().layer(L);
        const bool train_here = spec.is_moe && r.gates->count(L);
        {
            torch::NoGradGuard ng;
            for (auto& s : acts) {
                s.x = s.h + attention_forward(tw, tarch, spec, rms_norm(s.h, tw.get("input_layernorm"), eps), s.st);
                auto n = rms_norm(s.x, tw.get("post_attention_layernorm"), eps);
                if (spec.is_moe) {
                    s.n = n.reshape({-1, n.size(-1)});
                    s.y = moe_forward(tw, tarch, s.n, false).y;
                    s.y_sq = s.y.pow(2).sum().item<double>();
                } else {
                    s.y = dense_mlp_forward(tw, n).reshape({-1, n.size(-1)});
                }
            }
        }
        if (train_here) {
            const LayerWeights sw = with_gate(student.weights().layer(L), *r.gates);
            auto& gate = r.gates->at(L);
            const auto& eval_idx = r.held.empty() ? r.train : r.held;
            const double before = layer_loss(sw, sarch, acts, eval_idx);
            torch::optim::AdamW opt(std::vector<torch::Tensor>{gate},
                                    torch::optim::AdamWOptions(a.lr).weight_decay(a.weight_decay));
            GradReducer reducer({gate}, comm);
            for (int step = 1; step <= a.steps; ++step) {
                const auto part = ts.next_batch(r.train, a.batch);
                double den = 0;
                for (auto i : part) den += acts[i].y_sq;
                if (!(den > 0)) den = 1;
                double m[2] = {0, signals.requested() ? 1.0 : 0.0};  // squared error sum, stop requested
                opt.zero_grad();
                for (std::size_t j = rank; j < part.size(); j += world) {
                    const auto& s = acts[part[j]];
                    auto err = (moe_forward(sw, sarch, s.n, false).y - s.y).pow(2).sum();
                    err.backward();
                    reducer.add_sequence();
                    m[0] += err.item<double>();
                }
                reducer.reduce(part.size(), den);
                opt.step();
                comm.allreduce_sum(m);
                if (lead) {
                    emit_metric("kd_layer_loss", m[0] / den, {{"step", step}, {"layer", L}});
                    progress->update(++done);
                }
                if (m[1] > 0) {
                    res.stopped = res.terminated = true;
                    if (lead) {
                        fmt::print("stopped at layer {} step {} (signal); --objective layer keeps no resume point\n", L, step);
                        std::fflush(stdout);
                    }
                    return;
                }
            }
            const double after = layer_loss(sw, sarch, acts, eval_idx);
            res.layers.push_back(L);
            res.layer_loss_before.push_back(before);
            res.layer_loss_after.push_back(after);
            if (lead) {
                emit_metric("kd_layer_heldout_loss", after, {{"layer", L}, {"before", before}});
                fmt::print("layer {}: held-out normalised MSE {:.6f} -> {:.6f}\n", L, before, after);
                std::fflush(stdout);
            }
            student.weights().release(L);
        }
        {
            torch::NoGradGuard ng;
            for (auto& s : acts) {
                s.h = s.x + s.y.view(s.x.sizes());
                s.x = s.n = s.y = torch::Tensor();
            }
        }
        teacher.weights().release(L);
    }
    if (progress) progress->finish();
}

} // namespace moecut::engine::kd

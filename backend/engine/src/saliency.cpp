// The saliency pass (see saliency.h): layer by layer over the whole shard,
// routed experts only, statistics accumulated by moecut_kernels, resumable.
#include "moecut/engine/saliency.h"

#include "moecut/atomic_file.h"
#include "moecut/checkpoint_hash.h"
#include "moecut/engine/layers.h"
#include "moecut/error.h"
#include "moecut/kernels/saliency_accumulate.h"
#include "moecut/saliency_state.h"
#include "moecut/sha256.h"

#include <ATen/core/grad_mode.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdlib>

namespace moecut::engine {
namespace {

constexpr int kStats = 5;  // count, gate_sum, reap_sum, norm_sum, norm_max

struct Batch {
    std::vector<std::size_t> seqs;
    std::int64_t T = 0;
};

// A step is one decoder layer, or the MTP layer (mtp = true).
struct Step {
    int layer = 0;
    bool mtp = false;
    int row = -1;  // saliency row, -1 for dense layers
};

// Kill points for the resume tests: MOECUT_TEST_KILL_AT=n SIGKILLs the
// process at the n-th point (after each batch's output, after each commit).
void kill_point() {
    static const long target = [] {
        const char* v = std::getenv("MOECUT_TEST_KILL_AT");
        return v ? std::atol(v) : 0L;
    }();
    static long count = 0;
    if (target > 0 && ++count == target) std::raise(SIGKILL);
}

std::int64_t rotary_dim(const ArchDescriptor& arch) {
    const auto& a = arch.attention;
    if (a.kind == AttentionKind::Mla) return a.qk_rope_head_dim;
    return a.rope.rotary_dim > 0 ? a.rope.rotary_dim : a.head_dim;
}

torch::Tensor read_tensor(const std::filesystem::path& file, std::uint64_t offset, std::vector<std::int64_t> shape,
                          torch::Dtype dtype, torch::Device device) {
    auto t = torch::empty(shape, torch::TensorOptions().dtype(dtype));
    read_chunk(file, offset, {static_cast<std::byte*>(t.data_ptr()), static_cast<std::size_t>(t.nbytes())});
    return t.to(device);
}

void write_tensor(AtomicFile& f, const torch::Tensor& t) {
    auto c = t.contiguous().to(torch::kCPU);
    f.write({static_cast<const std::byte*>(c.data_ptr()), static_cast<std::size_t>(c.nbytes())});
}

struct Runner {
    Model& model;
    const ArchDescriptor& arch;
    const CalibrationSet& data;
    const SaliencyRunOptions& opt;
    torch::Device device;
    torch::Dtype dtype;
    std::int64_t E = 0, D = 0, H = 0;
    std::vector<Batch> batches;  // this rank's
    std::vector<Step> steps;
    std::vector<int> rows;       // layer of each row
    std::vector<double> sums;    // [row][stat][domain][expert]

    Runner(Model& m, const CalibrationSet& d, const SaliencyRunOptions& o)
        : model(m), arch(m.arch()), data(d), opt(o), device(m.options().device), dtype(m.options().dtype) {
        E = arch.router.n_experts;
        D = static_cast<std::int64_t>(d.domains.size());
        H = arch.hidden_size;
    }

    std::size_t row_size() const { return static_cast<std::size_t>(kStats * D * E); }

    void plan(int rank, int world) {
        if (arch.num_mtp_layers > 1)
            throw InputError(fmt::format("{}: saliency runs one MTP layer; this model has {}",
                                         model.checkpoint().config_path().string(), arch.num_mtp_layers));
        const auto moe = arch.moe_layers();
        if (moe.empty()) throw InputError(model.checkpoint().config_path().string() + ": the model has no MoE layer");
        const bool has_mtp = arch.num_mtp_layers == 1;
        const int last = has_mtp ? static_cast<int>(arch.num_hidden_layers) - 1 : moe.back();
        for (int i = 0; i <= last; ++i) {
            const bool is_moe = arch.layers.at(static_cast<std::size_t>(i)).is_moe;
            steps.push_back({i, false, is_moe ? static_cast<int>(rows.size()) : -1});
            if (is_moe) rows.push_back(i);
        }
        if (has_mtp) {
            const int L = arch.mtp_layers().at(0);
            const bool is_moe = arch.layers.at(static_cast<std::size_t>(L)).is_moe;
            steps.push_back({L, true, is_moe ? static_cast<int>(rows.size()) : -1});
            if (is_moe) rows.push_back(L);
        }
        sums.assign(rows.size() * row_size(), 0.0);
        const std::size_t B = static_cast<std::size_t>(std::max(1, opt.batch));
        for (std::size_t s = 0, j = 0; s < data.sequences.size(); s += B, ++j) {
            if (static_cast<int>(j % static_cast<std::size_t>(world)) != rank) continue;
            Batch b;
            for (std::size_t k = s; k < std::min(s + B, data.sequences.size()); ++k) {
                b.seqs.push_back(k);
                b.T = std::max<std::int64_t>(b.T, static_cast<std::int64_t>(data.sequences[k].tokens.size()));
            }
            batches.push_back(std::move(b));
        }
    }

    std::uint64_t hidden_offset(std::size_t b) const {
        std::uint64_t off = 0;
        const auto elem = static_cast<std::uint64_t>(torch::elementSize(dtype));
        for (std::size_t i = 0; i < b; ++i)
            off += static_cast<std::uint64_t>(batches[i].seqs.size()) * batches[i].T * H * elem;
        return off;
    }

    // ids and mask [B, T] (right padding with id 0), group [B*T] int32 (-1 at padding).
    void batch_inputs(const Batch& b, torch::Tensor& ids, torch::Tensor& mask, torch::Tensor& group,
                      std::vector<std::int64_t>& len) const {
        const auto B = static_cast<std::int64_t>(b.seqs.size());
        ids = torch::zeros({B, b.T}, torch::kLong);
        mask = torch::zeros({B, b.T}, torch::kLong);
        group = torch::full({B * b.T}, -1, torch::kInt);
        len.clear();
        auto pi = ids.accessor<std::int64_t, 2>();
        auto pm = mask.accessor<std::int64_t, 2>();
        auto pg = group.accessor<std::int32_t, 1>();
        for (std::int64_t i = 0; i < B; ++i) {
            const auto& s = data.sequences[b.seqs[static_cast<std::size_t>(i)]];
            for (std::size_t t = 0; t < s.tokens.size(); ++t) {
                pi[i][static_cast<std::int64_t>(t)] = s.tokens[t];
                pm[i][static_cast<std::int64_t>(t)] = 1;
                pg[i * b.T + static_cast<std::int64_t>(t)] = s.domain;
            }
            len.push_back(static_cast<std::int64_t>(s.tokens.size()));
        }
        ids = ids.to(device);
        mask = mask.to(device);
        group = group.to(device);
    }

    AttentionState make_state(std::int64_t B, std::int64_t T, const torch::Tensor& mask) const {
        AttentionState st;
        st.allowed = attention_allowed(B, T, mask, arch.attention.sliding_window, device);
        st.rope = rope_table(arch.attention.rope, rotary_dim(arch), T, device, dtype);
        st.indexer_dense_shortcut = model.options().indexer_dense_shortcut;
        return st;
    }

    torch::Tensor gate_weights(const MoeOutput& mo) const {
        if (opt.gate == GateMode::Applied) return mo.routing.weight;
        auto g = torch::softmax(mo.routing.logits.to(torch::kFloat32), -1).gather(1, mo.routing.idx);
        if (arch.router.norm_topk_prob) g = g / g.sum(-1, true).clamp_min(1e-20);
        return g;
    }

    // The REAP observer's cost: every expert on every token; the routed rows' norms.
    torch::Tensor observer_norms(const LayerWeights& w, const torch::Tensor& x, const torch::Tensor& idx) const {
        std::vector<torch::Tensor> all;
        for (const auto& e : w.experts) all.push_back(expert_forward(e, x).to(torch::kFloat32).norm(2, {-1}));
        return torch::stack(all, 1).gather(1, idx);  // [N, E] -> [N, K]
    }

    void accumulate(const MoeOutput& mo, const torch::Tensor& norms, const torch::Tensor& group, torch::Tensor& acc) const {
        auto idx = mo.routing.idx.to(torch::kLong).contiguous();
        auto weight = gate_weights(mo).to(torch::kFloat32).contiguous();
        auto norm = norms.to(torch::kFloat32).contiguous();
        kernels::RoutingTapsView t{idx.data_ptr<std::int64_t>(), weight.data_ptr<float>(), norm.data_ptr<float>(),
                                   group.data_ptr<std::int32_t>(), idx.size(0), idx.size(1)};
        kernels::SaliencyAccumView a{acc[0].data_ptr<double>(), acc[1].data_ptr<double>(), acc[2].data_ptr<double>(),
                                     acc[3].data_ptr<double>(), acc[4].data_ptr<double>(), D, E};
        const std::int64_t skipped = device.is_cuda() ? kernels::accumulate_saliency_cuda(t, a)
                                                      : kernels::accumulate_saliency_cpu(t, a);
        if (skipped != 0) throw std::logic_error(fmt::format("saliency: {} routing entries out of range", skipped));
    }

    // One decoder layer (as Model's), accumulating its MoE statistics.
    torch::Tensor layer_forward(const Step& s, const LayerWeights& w, const torch::Tensor& h, AttentionState& st,
                                const torch::Tensor& group, torch::Tensor& acc) {
        const LayerSpec& spec = arch.layers.at(static_cast<std::size_t>(s.layer));
        const double eps = arch.rms_norm_eps;
        auto x = h + attention_forward(w, arch, spec, rms_norm(h, w.get("input_layernorm"), eps), st);
        auto n = rms_norm(x, w.get("post_attention_layernorm"), eps);
        if (!spec.is_moe) return x + dense_mlp_forward(w, n);
        auto flat = n.reshape({-1, n.size(-1)});
        auto mo = moe_forward(w, arch, flat, !opt.all_experts_observer);
        auto norms = opt.all_experts_observer ? observer_norms(w, flat, mo.routing.idx) : mo.expert_norm;
        accumulate(mo, norms, group, acc);
        return x + mo.y.view(n.sizes());
    }

    // The MTP layer's input from the trunk's last hidden states (as Model::mtp_forward).
    torch::Tensor mtp_input(const LayerWeights& w, const torch::Tensor& h_trunk, const torch::Tensor& ids,
                            const std::vector<std::int64_t>& len) {
        auto& ws = model.weights();
        const double eps = arch.rms_norm_eps;
        auto hf = rms_norm(h_trunk, ws.final_norm(), eps);
        const std::int64_t B = ids.size(0), T = ids.size(1);
        auto next = torch::zeros_like(ids);
        if (T > 1) next.narrow(1, 0, T - 1).copy_(ids.narrow(1, 1, T - 1));
        auto last = torch::tensor(len, torch::kLong).to(device) - 1;  // [B]
        auto rows = hf.gather(1, last.view({B, 1, 1}).expand({B, 1, hf.size(-1)})).squeeze(1);  // [B, H]
        auto greedy = std::get<1>(torch::linear(rows, ws.lm_head()).max(-1));
        next.scatter_(1, last.view({B, 1}), greedy.view({B, 1}));
        const auto* own_embed = w.find("embed_tokens");
        auto e = torch::embedding(own_embed ? *own_embed : ws.embed_tokens(), next);
        e.select(1, 0).zero_();
        return torch::linear(torch::cat({rms_norm(e, w.get("enorm"), eps), rms_norm(hf, w.get("hnorm"), eps)}, -1),
                             w.get("eh_proj"));
    }

    std::string fingerprint(int rank, int world) const {
        nlohmann::json j = {{"model", checkpoint_fingerprint(model.checkpoint())},
                            {"data", data.hash},
                            {"batch", opt.batch},
                            {"gate", opt.gate == GateMode::Applied ? "applied" : "softmax-all"},
                            {"observer", opt.all_experts_observer},
                            {"device", device.str()},
                            {"dtype", std::string(c10::toString(dtype))},
                            {"rank", rank},
                            {"world", world}};
        return "sha256:" + sha256_hex(j.dump());
    }

    SaliencyTable run(SaliencyRunInfo* info) {
        at::NoGradGuard no_grad;
        Communicator* comm = opt.comm;
        std::unique_ptr<Communicator> single;
        if (!comm) comm = (single = single_process_communicator()).get();
        plan(comm->rank(), comm->world());

        const bool checkpoints = !opt.state_dir.empty();
        SaliencyState st;
        st.fingerprint = fingerprint(comm->rank(), comm->world());
        if (checkpoints) {
            std::filesystem::create_directories(opt.state_dir);
            if (auto prev = read_saliency_state(opt.state_dir); prev && prev->fingerprint == st.fingerprint &&
                                                                 prev->done <= static_cast<int>(steps.size())) {
                st = *prev;
                sums = read_doubles(opt.state_dir / st.sums, sums.size());
                if (info) info->resumed_from_layer = st.last_layer;
            }
        }
        if (info)
            for (const auto& b : batches)
                for (auto q : b.seqs) info->local_tokens += data.sequences[q].tokens.size();

        ProgressReporter progress("saliency", steps.size() * batches.size(),
                                  comm->rank() == 0 ? opt.progress : ProgressReporter::Mode::Silent);
        progress.set_unit("batches");  // one per (layer, batch): the events say which layer
        progress.update(static_cast<std::uint64_t>(st.done) * batches.size());
        auto& ws = model.weights();
        // Without a state folder the next layer's inputs stay in memory.
        std::vector<torch::Tensor> mem_hidden(batches.size()), mem_index(batches.size());
        for (int p = st.done; p < static_cast<int>(steps.size()); ++p) {
            const Step& s = steps[static_cast<std::size_t>(p)];
            const LayerSpec& spec = arch.layers.at(static_cast<std::size_t>(s.layer));
            const bool last = p + 1 == static_cast<int>(steps.size());
            const LayerWeights& w = ws.layer(s.layer);
            progress.set_current(fmt::format("layer {}{}", s.layer, s.mtp ? " (MTP)" : ""));
            auto acc = torch::zeros({kStats, D, E}, torch::TensorOptions().dtype(torch::kDouble).device(device));
            const std::string hidden_out = fmt::format("hidden-{}.bin", p + 1);
            const bool new_index = !s.mtp && arch.indexer && spec.indexer == IndexerKind::Full;
            const std::string index_out = new_index ? fmt::format("index-{}.bin", p + 1) : st.index;
            std::unique_ptr<AtomicFile> hfile, ifile;
            if (checkpoints && !last) hfile = std::make_unique<AtomicFile>(opt.state_dir / hidden_out);
            if (checkpoints && new_index && !last) ifile = std::make_unique<AtomicFile>(opt.state_dir / index_out);
            std::vector<std::uint64_t> index_bytes;
            std::uint64_t index_offset = 0;
            for (std::size_t bi = 0; bi < batches.size(); ++bi) {
                const Batch& b = batches[bi];
                torch::Tensor ids, mask, group;
                std::vector<std::int64_t> len;
                batch_inputs(b, ids, mask, group, len);
                const auto B = static_cast<std::int64_t>(b.seqs.size());
                torch::Tensor h;
                if (p == 0) h = torch::embedding(ws.embed_tokens(), ids);
                else if (checkpoints) h = read_tensor(opt.state_dir / st.hidden, hidden_offset(bi), {B, b.T, H}, dtype, device);
                else h = mem_hidden[bi];
                AttentionState as = make_state(B, b.T, mask);
                if (s.mtp) {
                    h = mtp_input(w, h, ids, len);
                } else if (!checkpoints) {
                    as.index_selected = mem_index[bi];
                } else if (!st.index.empty() && st.index_bytes.at(bi) > 0) {
                    as.index_selected = read_tensor(opt.state_dir / st.index, index_offset, {B, b.T, b.T}, torch::kBool, device);
                }
                if (checkpoints && !st.index.empty()) index_offset += st.index_bytes.at(bi);
                auto out = layer_forward(s, w, h, as, group, acc);
                if (hfile) write_tensor(*hfile, out);
                if (ifile) {
                    if (as.index_selected.defined()) write_tensor(*ifile, as.index_selected.to(torch::kBool));
                    index_bytes.push_back(as.index_selected.defined() ? static_cast<std::uint64_t>(B * b.T * b.T) : 0);
                }
                if (!checkpoints && !last) {
                    mem_hidden[bi] = out;
                    if (!s.mtp) mem_index[bi] = as.index_selected;
                }
                progress.advance(1);
                kill_point();
            }
            ws.release(s.layer);
            if (s.row >= 0) {
                auto host = acc.to(torch::kCPU).contiguous();
                std::copy_n(host.data_ptr<double>(), row_size(), sums.begin() + static_cast<std::ptrdiff_t>(s.row * row_size()));
            }
            if (!checkpoints || last) continue;
            // Commit: the new files, then state.json naming them, then drop the old ones.
            hfile->commit();
            if (ifile) ifile->commit();
            const std::string sums_out = fmt::format("sums-{}.bin", p + 1);
            write_doubles(opt.state_dir / sums_out, sums);
            st.done = p + 1;
            st.last_layer = s.layer;
            st.hidden = hidden_out;
            if (new_index) {
                st.index = index_out;
                st.index_bytes = index_bytes;
            }
            st.sums = sums_out;
            write_saliency_state(opt.state_dir, st);
            prune_saliency_state(opt.state_dir, st);
            kill_point();
            if (opt.after_commit) opt.after_commit(s.layer);
        }
        progress.finish();
        return combine(*comm);
    }

    SaliencyTable combine(Communicator& comm) {
        // Sums added over ranks, maxima taken.
        std::vector<double> add, mx;
        const std::size_t de = static_cast<std::size_t>(D * E);
        for (std::size_t r = 0; r < rows.size(); ++r)
            for (int k = 0; k < kStats; ++k) {
                auto* src = sums.data() + r * row_size() + static_cast<std::size_t>(k) * de;
                (k == 4 ? mx : add).insert((k == 4 ? mx : add).end(), src, src + de);
            }
        comm.allreduce_sum(add);
        comm.allreduce_max(mx);
        SaliencyTable t;
        t.layers = rows;
        for (const Step& s : steps)
            if (s.mtp && s.row >= 0) t.mtp_layers.push_back(s.layer);
        t.experts = E;
        t.model_type = arch.model_type;
        t.model_hash = checkpoint_fingerprint(model.checkpoint());
        t.data_hash = data.hash;
        t.top_k = arch.router.top_k;
        t.n_group = arch.router.n_group;
        t.topk_group = arch.router.topk_group;
        t.extra["gate"] = opt.gate == GateMode::Applied ? "applied" : "softmax-all";
        const std::size_t R = rows.size(), ue = static_cast<std::size_t>(E);
        SaliencySums all;
        all.resize(R, ue);
        for (std::int64_t d = 0; d < D; ++d) {
            SaliencySums s;
            s.resize(R, ue);
            for (std::size_t r = 0; r < R; ++r)
                for (std::size_t e = 0; e < ue; ++e) {
                    const std::size_t at = r * ue + e, src = static_cast<std::size_t>(d) * ue + e;
                    const std::size_t base = r * 4 * de;
                    s.count[at] = add[base + 0 * de + src];
                    s.gate_sum[at] = add[base + 1 * de + src];
                    s.reap_sum[at] = add[base + 2 * de + src];
                    s.norm_sum[at] = add[base + 3 * de + src];
                    s.norm_max[at] = mx[r * de + src];
                    all.count[at] += s.count[at];
                    all.gate_sum[at] += s.gate_sum[at];
                    all.reap_sum[at] += s.reap_sum[at];
                    all.norm_sum[at] += s.norm_sum[at];
                    all.norm_max[at] = std::max(all.norm_max[at], s.norm_max[at]);
                }
            const auto& name = data.domains[static_cast<std::size_t>(d)];
            t.set_domain(name, s, data.tokens.at(name));
        }
        t.set_domain("all", all, data.total_tokens);
        return t;
    }
};

} // namespace

SaliencyTable compute_saliency(Model& model, const CalibrationSet& data, const SaliencyRunOptions& options,
                               SaliencyRunInfo* info) {
    if (data.sequences.empty()) throw InputError("no calibration tokens were selected");
    Runner r(model, data, options);
    return r.run(info);
}

} // namespace moecut::engine

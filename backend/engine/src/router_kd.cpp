// moecut kd: Router-KD on the router gates only, against a teacher cache.
#include "moecut/engine/router_kd.h"

#include "moecut/atomic_file.h"
#include "moecut/dtype.h"
#include "moecut/engine/layers.h"
#include "moecut/engine/model.h"
#include "moecut/error.h"
#include "moecut/job_events.h"
#include "moecut/progress.h"
#include "moecut/teacher_cache_file.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>
#include <regex>
#include <sstream>

namespace moecut::engine {
namespace {

torch::Device kd_device(const std::string& s) {
    if (s == "cpu") return torch::kCPU;
    if ((s == "cuda" || s.rfind("cuda:", 0) == 0) && torch::cuda::is_available()) {
        try {
            return s == "cuda" ? torch::Device(torch::kCUDA, 0) : torch::Device(s);
        } catch (const std::exception&) {
        }
    }
    throw InputError(fmt::format("--device must be cpu, cuda or cuda:N with a CUDA device, not \"{}\"", s));
}

struct Batch {
    torch::Tensor ids, mask;   // [B, T] int64
    torch::Tensor tk_ids;      // [B, T, K] int64
    torch::Tensor tk_logp;     // [B, T, K] float32
};

Batch make_batch(const std::vector<const TeacherCacheSequence*>& seqs, int K, torch::Device dev) {
    std::int64_t T = 0;
    for (const auto* s : seqs) T = std::max<std::int64_t>(T, static_cast<std::int64_t>(s->length()));
    const auto B = static_cast<std::int64_t>(seqs.size());
    Batch b;
    b.ids = torch::zeros({B, T}, torch::kLong);
    b.mask = torch::zeros({B, T}, torch::kLong);
    b.tk_ids = torch::zeros({B, T, K}, torch::kLong);
    b.tk_logp = torch::zeros({B, T, K}, torch::kFloat32);
    for (std::int64_t i = 0; i < B; ++i) {
        const auto& s = *seqs[static_cast<std::size_t>(i)];
        const auto n = static_cast<std::int64_t>(s.length());
        auto* sp = const_cast<TeacherCacheSequence*>(&s);
        b.ids[i].narrow(0, 0, n).copy_(torch::from_blob(sp->tokens.data(), {n}, torch::kInt).to(torch::kLong));
        b.mask[i].narrow(0, 0, n).fill_(1);
        b.tk_ids[i].narrow(0, 0, n).copy_(torch::from_blob(sp->topk_ids.data(), {n, K}, torch::kInt).to(torch::kLong));
        b.tk_logp[i].narrow(0, 0, n).copy_(
            torch::from_blob(sp->topk_logprob_f16.data(), {n, K}, torch::kHalf).to(torch::kFloat32));
    }
    b.ids = b.ids.to(dev);
    b.mask = b.mask.to(dev);
    b.tk_ids = b.tk_ids.to(dev);
    b.tk_logp = b.tk_logp.to(dev);
    return b;
}

// The student's forward with autograd (Model::forward runs without it):
// logits [B, T, V] float32; the mean router entropy over MoE layers and real
// tokens into *entropy.
torch::Tensor student_logits(Model& model, const Batch& b, double* entropy) {
    const auto& arch = model.arch();
    WeightStore& ws = model.weights();
    const auto dev = model.options().device;
    const std::int64_t B = b.ids.size(0), T = b.ids.size(1);
    const auto& at = arch.attention;
    const std::int64_t rot = at.kind == AttentionKind::Mla ? at.qk_rope_head_dim
                                                           : (at.rope.rotary_dim > 0 ? at.rope.rotary_dim : at.head_dim);
    AttentionState st;
    st.allowed = attention_allowed(B, T, b.mask, at.sliding_window, dev);
    st.rope = rope_table(at.rope, rot, T, dev, model.options().dtype);
    st.indexer_dense_shortcut = model.options().indexer_dense_shortcut;
    auto valid = b.mask.reshape({-1}).to(torch::kBool);
    auto h = torch::embedding(ws.embed_tokens(), b.ids);
    double ent_sum = 0;
    int ent_n = 0;
    for (std::int64_t i = 0; i < arch.num_hidden_layers; ++i) {
        const auto& spec = arch.layers.at(static_cast<std::size_t>(i));
        const LayerWeights& w = ws.layer(static_cast<int>(i));
        auto x = h + attention_forward(w, arch, spec, rms_norm(h, w.get("input_layernorm"), arch.rms_norm_eps), st);
        auto n = rms_norm(x, w.get("post_attention_layernorm"), arch.rms_norm_eps);
        torch::Tensor f;
        if (spec.is_moe) {
            auto mo = moe_forward(w, arch, n.reshape({-1, n.size(-1)}), false);
            f = mo.y.view(n.sizes());
            torch::NoGradGuard ng;
            auto lg = mo.routing.logits.detach().index({valid});
            torch::Tensor p;
            if (arch.router.scoring == Scoring::Sigmoid) {
                auto s = lg.sigmoid();
                p = s / s.sum(-1, true);
            } else {
                p = torch::softmax(lg, -1);
            }
            ent_sum += (-(p * p.clamp_min(1e-30).log()).sum(-1)).mean().item<double>();
            ++ent_n;
        } else {
            f = dense_mlp_forward(w, n);
        }
        h = x + f;
    }
    if (entropy) *entropy = ent_n ? ent_sum / ent_n : 0.0;
    return torch::linear(rms_norm(h, ws.final_norm(), arch.rms_norm_eps), ws.lm_head()).to(torch::kFloat32);
}

struct Loss {
    torch::Tensor kl;    // scalar, mean over real positions
    double top1 = 0;     // share of real positions whose student argmax is the teacher's top-1
};

// KL(p || q): p = teacher top-k renormalised, q = student restricted to the
// same ids, renormalised. Mass outside the k ids is ignored on both sides.
Loss kd_loss(const torch::Tensor& logits, const Batch& b) {
    auto valid = b.mask.to(torch::kBool);
    auto p_log = torch::log_softmax(b.tk_logp, -1);
    auto q_log = torch::log_softmax(logits.gather(-1, b.tk_ids), -1);
    auto kl_pos = (p_log.exp() * (p_log - q_log)).sum(-1);  // [B, T]
    Loss l;
    l.kl = kl_pos.index({valid}).mean();
    torch::NoGradGuard ng;
    auto agree = std::get<1>(logits.max(-1)).eq(b.tk_ids.select(-1, 0)).index({valid});
    l.top1 = agree.to(torch::kFloat64).mean().item<double>();
    return l;
}

double heldout_kl(Model& model, const std::vector<TeacherCacheSequence>& seqs, const std::vector<std::size_t>& idx,
                  int K, int batch) {
    torch::NoGradGuard ng;
    double sum = 0;
    std::int64_t n = 0;
    for (std::size_t i = 0; i < idx.size(); i += static_cast<std::size_t>(batch)) {
        std::vector<const TeacherCacheSequence*> part;
        for (std::size_t j = i; j < std::min(idx.size(), i + static_cast<std::size_t>(batch)); ++j) part.push_back(&seqs[idx[j]]);
        auto b = make_batch(part, K, model.options().device);
        auto l = kd_loss(student_logits(model, b, nullptr), b);
        const auto cnt = b.mask.sum().item<std::int64_t>();
        sum += l.kl.item<double>() * static_cast<double>(cnt);
        n += cnt;
    }
    return n ? sum / static_cast<double>(n) : 0.0;
}

std::vector<std::byte> encode(const torch::Tensor& master, DType dt, const std::string& name) {
    auto c = master.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const auto* f = c.data_ptr<float>();
    const auto n = static_cast<std::size_t>(c.numel());
    std::vector<std::byte> out;
    if (dt == DType::F32) {
        out.resize(n * 4);
        std::memcpy(out.data(), f, n * 4);
    } else if (dt == DType::BF16 || dt == DType::F16) {
        out.resize(n * 2);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint16_t v = dt == DType::BF16 ? float_to_bf16(f[i]) : float_to_f16(f[i]);
            std::memcpy(out.data() + 2 * i, &v, 2);
        }
    } else {
        throw InputError(fmt::format("{}: gate dtype {} is not float32, bfloat16 or float16", name, dtype_name(dt)));
    }
    return out;
}

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void kd_on_signal(int sig) { g_stop_signal = sig; }

// SIGTERM/SIGINT set a flag while training runs; the previous handlers come back after.
class StopSignals {
public:
    StopSignals() {
        g_stop_signal = 0;
        struct sigaction sa {};
        sa.sa_handler = kd_on_signal;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGTERM, &sa, &old_term_);
        ::sigaction(SIGINT, &sa, &old_int_);
    }
    ~StopSignals() {
        ::sigaction(SIGTERM, &old_term_, nullptr);
        ::sigaction(SIGINT, &old_int_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    bool requested() const { return g_stop_signal != 0; }

private:
    struct sigaction old_term_ {}, old_int_ {};
};

// Resume points: <out>.state/step-NNNNNNNN/ {gates.pt, optimizer.pt, state.json}.
struct TrainState {
    std::mt19937_64 rng;
    std::vector<std::size_t> order;
    std::size_t cursor = 0;
};

nlohmann::json run_settings(const KdCommand& a, const std::string& data_hash) {
    return {{"lr", a.lr}, {"weight_decay", a.weight_decay}, {"batch", a.batch}, {"seed", a.seed},
            {"holdout", a.holdout}, {"cache_data_hash", data_hash}};
}

void save_state(const std::filesystem::path& root, int step, const std::vector<torch::Tensor>& params,
                torch::optim::AdamW& opt, const TrainState& ts, const nlohmann::json& settings) {
    std::filesystem::create_directories(root);
    const auto name = fmt::format("step-{:08}", step);
    {
        AtomicDir d(root / name, /*replace=*/true);
        std::vector<torch::Tensor> g;
        for (const auto& p : params) g.push_back(p.detach().clone());
        torch::save(g, (d.staging() / "gates.pt").string());
        torch::save(opt, (d.staging() / "optimizer.pt").string());
        std::ostringstream rs;
        rs << ts.rng;
        nlohmann::json j{{"step", step}, {"rng", rs.str()}, {"order", ts.order}, {"cursor", ts.cursor},
                         {"settings", settings}};
        write_file_atomic(d.staging() / "state.json", j.dump());
        d.commit();
    }
    const std::regex pat(R"(step-\d{8})");
    for (const auto& e : std::filesystem::directory_iterator(root)) {
        const auto n = e.path().filename().string();
        if (e.is_directory() && n != name && std::regex_match(n, pat)) std::filesystem::remove_all(e.path());
    }
}

// Loads the latest resume point; returns its step (0 when there is none).
int load_state(const std::filesystem::path& root, std::vector<torch::Tensor>& params, torch::optim::AdamW& opt,
               TrainState& ts, const nlohmann::json& settings) {
    if (!std::filesystem::is_directory(root)) return 0;
    const std::regex pat(R"(step-\d{8})");
    std::filesystem::path best;
    for (const auto& e : std::filesystem::directory_iterator(root)) {
        const auto n = e.path().filename().string();
        if (e.is_directory() && std::regex_match(n, pat) && (best.empty() || n > best.filename().string())) best = e.path();
    }
    if (best.empty()) return 0;
    const auto sp = best / "state.json";
    nlohmann::json j;
    try {
        std::ifstream in(sp);
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw_input(sp.string(), fmt::format("unreadable resume point ({}); pass --restart", e.what()));
    }
    if (j.at("settings") != settings)
        throw_input(sp.string(), fmt::format("saved with other settings ({}, now {}); pass --restart",
                                             j.at("settings").dump(), settings.dump()));
    std::vector<torch::Tensor> g;
    torch::load(g, (best / "gates.pt").string());
    if (g.size() != params.size()) throw_input(best.string(), "gate count differs; pass --restart");
    {
        torch::NoGradGuard ng;
        for (std::size_t i = 0; i < g.size(); ++i) params[i].copy_(g[i]);
    }
    torch::load(opt, (best / "optimizer.pt").string());
    std::istringstream rs(j.at("rng").get<std::string>());
    rs >> ts.rng;
    ts.order = j.at("order").get<std::vector<std::size_t>>();
    ts.cursor = j.at("cursor").get<std::size_t>();
    return j.at("step").get<int>();
}

} // namespace

KdResult run_kd_command(const KdCommand& a) {
    if (a.steps < 0) throw InputError("--steps must not be negative");
    if (a.batch < 1) throw InputError("--batch must be at least 1");
    if (!(a.lr > 0)) throw InputError("--lr must be positive");
    if (std::filesystem::exists(a.out)) throw InputError(fmt::format("{}: already exists", a.out));
    const torch::Device dev = kd_device(a.device);
    torch::manual_seed(a.seed);

    TeacherCacheManifest man;
    const auto seqs = read_teacher_cache(a.cache, &man);
    if (!man.complete) throw_input(teacher_cache_manifest_path(a.cache).string(), "incomplete cache (rerun moecut teacher-cache)");
    if (seqs.empty()) throw_input(teacher_cache_manifest_path(a.cache).string(), "the cache holds no sequences");

    Model model = Model::open(a.student, {dev, torch::kFloat32, /*streaming=*/false});
    const auto& arch = model.arch();
    if (arch.vocab_size != man.vocab_size)
        throw_input(a.cache, fmt::format("teacher vocabulary {} differs from the student's {}", man.vocab_size, arch.vocab_size));

    KdResult res;
    std::vector<torch::Tensor> params;
    std::vector<std::string> names;
    const auto layout = model.weights().layout();
    for (std::int64_t i = 0; i < arch.num_hidden_layers; ++i) {
        if (!arch.layers.at(static_cast<std::size_t>(i)).is_moe) continue;
        // The store owns its layers as non-const objects; the gate becomes an
        // fp32 master copy that the forward reads and AdamW updates.
        auto& w = const_cast<LayerWeights&>(model.weights().layer(static_cast<int>(i)));
        auto master = w.get("router").detach().to(torch::kFloat32).clone().set_requires_grad(true);
        w.tensors["router"] = master;
        params.push_back(master);
        names.push_back(arch.router_weight(static_cast<int>(i), layout));
        if (arch.router.correction_bias) res.frozen_biases.push_back(arch.router_bias(static_cast<int>(i)));
    }
    if (params.empty()) throw_input(a.student, "no MoE router to train");
    res.gates = names;
    for (const auto& n : names) emit_log("info", fmt::format("kd: training {}", n));
    for (const auto& n : res.frozen_biases) emit_log("info", fmt::format("kd: frozen {}", n));
    fmt::print("training {} gate matrices ({} frozen correction biases):\n", names.size(), res.frozen_biases.size());
    for (const auto& n : names) fmt::print("  {}\n", n);
    std::fflush(stdout);

    // Held-out split: the last share of the sequences (at least one when there are two or more).
    const std::size_t total = seqs.size();
    std::size_t hold = total >= 2 ? std::max<std::size_t>(1, static_cast<std::size_t>(a.holdout * static_cast<double>(total))) : 0;
    hold = std::min(hold, total - 1);
    std::vector<std::size_t> train(total - hold), held(hold);
    std::iota(train.begin(), train.end(), 0);
    std::iota(held.begin(), held.end(), total - hold);
    res.train_sequences = train.size();
    res.heldout_sequences = held.size();
    const int K = man.topk;

    if (!held.empty()) {
        res.heldout_kl_before = heldout_kl(model, seqs, held, K, a.batch);
        emit_metric("kd_heldout_kl", res.heldout_kl_before, {{"step", 0}});
    }

    torch::optim::AdamW opt(params, torch::optim::AdamWOptions(a.lr).weight_decay(a.weight_decay));
    TrainState ts;
    ts.rng.seed(a.seed);
    auto& rng = ts.rng;
    auto& order = ts.order;
    auto& cursor = ts.cursor;
    const std::filesystem::path state_root = a.out + ".state";
    const auto settings = run_settings(a, man.data_hash);
    if (a.restart) std::filesystem::remove_all(state_root);
    res.resumed_from_step = load_state(state_root, params, opt, ts, settings);
    if (res.resumed_from_step > 0) {
        emit_log("info", fmt::format("kd: resumed after step {}", res.resumed_from_step));
        fmt::print("resumed after step {}\n", res.resumed_from_step);
        std::fflush(stdout);
    }
    ProgressReporter progress("kd", static_cast<std::uint64_t>(a.steps));
    progress.set_unit("steps");
    progress.update(static_cast<std::uint64_t>(std::min(res.resumed_from_step, a.steps)));
    StopSignals signals;
    for (int step = res.resumed_from_step + 1; step <= a.steps; ++step) {
        std::vector<const TeacherCacheSequence*> part;
        while (part.size() < static_cast<std::size_t>(a.batch) && part.size() < train.size()) {
            if (cursor == order.size()) {
                order = train;
                std::shuffle(order.begin(), order.end(), rng);
                cursor = 0;
            }
            part.push_back(&seqs[order[cursor++]]);
        }
        auto b = make_batch(part, K, dev);
        double ent = 0;
        auto l = kd_loss(student_logits(model, b, &ent), b);
        opt.zero_grad();
        l.kl.backward();
        opt.step();
        const double kl = l.kl.item<double>();
        emit_metric("kd_loss", kl, {{"step", step}});
        emit_metric("kd_kl", kl, {{"step", step}});
        emit_metric("kd_top1_agreement", l.top1, {{"step", step}});
        emit_metric("kd_router_entropy", ent, {{"step", step}});
        progress.update(static_cast<std::uint64_t>(step));
        if (step == a.stop_after || (signals.requested() && step < a.steps)) {
            save_state(state_root, step, params, opt, ts, settings);
            res.terminated = signals.requested();
            fmt::print("stopped after step {}{}; rerun to continue\n", step, res.terminated ? " (signal)" : "");
            std::fflush(stdout);
            res.stopped = true;
            return res;
        }
        if (a.checkpoint_every > 0 && step % a.checkpoint_every == 0 && step < a.steps)
            save_state(state_root, step, params, opt, ts, settings);
    }
    progress.finish();
    if (!held.empty()) {
        res.heldout_kl_after = heldout_kl(model, seqs, held, K, a.batch);
        emit_metric("kd_heldout_kl", res.heldout_kl_after, {{"step", a.steps}});
    }

    // The output: the student's files copied byte for byte, then the gate
    // tensors' bytes overwritten in place (same dtype, shape and offsets).
    const auto& ckpt = model.checkpoint();
    AtomicDir out(a.out);
    for (const auto& e : std::filesystem::directory_iterator(a.student))
        if (e.is_regular_file()) std::filesystem::copy_file(e.path(), out.staging() / e.path().filename());
    for (std::size_t g = 0; g < names.size(); ++g) {
        const auto* entry = ckpt.find(names[g]);
        if (!entry) throw_input(a.student, names[g], "not in the checkpoint");
        const auto bytes = encode(params[g], entry->info->dtype, names[g]);
        if (bytes.size() != entry->info->nbytes()) throw_input(a.student, names[g], "unexpected size");
        const auto path = out.staging() / entry->file->path().filename();
        const int fd = ::open(path.c_str(), O_WRONLY);
        if (fd < 0) throw std::runtime_error(fmt::format("{}: cannot open for writing", path.string()));
        const auto off = static_cast<off_t>(entry->file->data_offset() + entry->info->begin);
        const auto wrote = ::pwrite(fd, bytes.data(), bytes.size(), off);
        ::close(fd);
        if (wrote != static_cast<ssize_t>(bytes.size())) throw std::runtime_error(fmt::format("{}: short write", path.string()));
    }
    out.commit();
    std::filesystem::remove_all(state_root);
    fmt::print("wrote {}: {} steps, held-out KL {:.6f} -> {:.6f} ({} train / {} held-out sequences)\n", a.out, a.steps,
               res.heldout_kl_before, res.heldout_kl_after, res.train_sequences, res.heldout_sequences);
    std::fflush(stdout);
    return res;
}

} // namespace moecut::engine

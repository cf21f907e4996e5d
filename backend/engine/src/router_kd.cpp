// moecut kd: Router-KD on the router gates only, against a teacher cache.
// The setup and the logits objective; the layer objective is in
// router_kd_layer.cpp, the rest in the other router_kd_*.cpp files.
#include "moecut/engine/router_kd.h"

#include "router_kd_internal.h"

#include "moecut/engine/communicator.h"
#include "moecut/error.h"
#include "moecut/job_events.h"
#include "moecut/progress.h"

#include <fmt/core.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <optional>

namespace moecut::engine {
namespace {

using namespace kd;

torch::Device kd_device(const std::string& s, const DistEnv& env);

// "--device cuda:0,cuda:1": one student whose layers are split over the
// devices (a model bigger than one GPU); one process only.
std::vector<torch::Device> kd_devices(const std::string& list, const DistEnv& env) {
    std::vector<torch::Device> out;
    for (std::size_t b = 0; b <= list.size();) {
        const auto e = std::min(list.find(',', b), list.size());
        out.push_back(kd_device(list.substr(b, e - b), env));
        b = e + 1;
    }
    if (out.size() > 1 && env.world > 1)
        throw InputError("--device with several devices splits one student over them: run one process, not " +
                         std::to_string(env.world));
    return out;
}

torch::Device kd_device(const std::string& s, const DistEnv& env) {
    if (s == "cpu") return torch::kCPU;
    if ((s == "cuda" || s.rfind("cuda:", 0) == 0) && torch::cuda::is_available()) {
        try {
            // One GPU per rank: plain "cuda" is cuda:LOCAL_RANK.
            return s == "cuda" ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(env.local_rank))
                               : torch::Device(s);
        } catch (const std::exception&) {
        }
    }
    throw InputError(fmt::format("--device must be cpu, cuda or cuda:N with a CUDA device, not \"{}\"", s));
}

// The logits objective: KL against the cache's top-k, all gates at once.
void run_logits_objective(const KdCommand& a, Model& model, GateMap& gates, std::vector<torch::Tensor>& params,
                          const std::vector<TeacherCacheSequence>& seqs, const std::vector<std::size_t>& train,
                          const std::vector<std::size_t>& held, int K, const std::string& data_hash,
                          Communicator& comm, KdResult& res) {
    const bool lead = comm.rank() == 0;
    const auto dev = model.options().device;
    torch::optim::AdamW opt(params, torch::optim::AdamWOptions(a.lr).weight_decay(a.weight_decay));
    TrainState ts;
    ts.rng.seed(a.seed);
    const std::filesystem::path state_root = a.out + ".state";
    const auto settings = run_settings(a, data_hash);
    if (a.restart && lead) std::filesystem::remove_all(state_root);
    comm.barrier();
    res.resumed_from_step = load_state(state_root, params, opt, ts, settings);
    if (res.resumed_from_step > 0 && lead) {
        emit_log("info", fmt::format("kd: resumed after step {}", res.resumed_from_step));
        fmt::print("resumed after step {}\n", res.resumed_from_step);
        std::fflush(stdout);
    }
    std::optional<ProgressReporter> progress;
    if (lead) {
        progress.emplace("kd", static_cast<std::uint64_t>(a.steps));
        progress->set_unit("steps");
        progress->update(static_cast<std::uint64_t>(std::min(res.resumed_from_step, a.steps)));
    }
    GradReducer reducer(params, comm);
    StopSignals signals;
    const auto world = static_cast<std::size_t>(comm.world()), rank = static_cast<std::size_t>(comm.rank());
    for (int step = res.resumed_from_step + 1; step <= a.steps; ++step) {
        // Every rank draws the same global batch and takes every world-th sequence.
        const auto part = ts.next_batch(train, a.batch);
        double tokens = 0;
        for (auto i : part) tokens += static_cast<double>(seqs[i].length());
        double m[4] = {0, 0, 0, 0};  // KL sum, top-1 count, entropy sum, stop requested
        opt.zero_grad();
        for (std::size_t j = rank; j < part.size(); j += world) {
            const auto s = make_seq(seqs[part[j]], K, dev);
            double ent = 0;
            auto l = kd_loss(student_logits(model, gates, s, &ent), s);
            l.kl_sum.backward();
            reducer.add_sequence();
            m[0] += l.kl_sum.item<double>();
            m[1] += l.top1;
            m[2] += ent;
        }
        m[3] = signals.requested() ? 1 : 0;
        reducer.reduce(part.size(), tokens);
        opt.step();
        comm.allreduce_sum(m);
        const double kl = m[0] / tokens;
        if (lead) {
            emit_metric("kd_loss", kl, {{"step", step}});
            emit_metric("kd_kl", kl, {{"step", step}});
            emit_metric("kd_top1_agreement", m[1] / tokens, {{"step", step}});
            emit_metric("kd_router_entropy", m[2] / tokens, {{"step", step}});
            progress->update(static_cast<std::uint64_t>(step));
        }
        const bool stop_signal = m[3] > 0;
        if (step == a.stop_after || (stop_signal && step < a.steps)) {
            if (lead) save_state(state_root, step, params, opt, ts, settings);
            comm.barrier();
            res.terminated = stop_signal;
            if (lead) {
                fmt::print("stopped after step {}{}; rerun to continue\n", step, res.terminated ? " (signal)" : "");
                std::fflush(stdout);
            }
            res.stopped = true;
            return;
        }
        if (a.eval_every > 0 && step % a.eval_every == 0 && step < a.steps && !held.empty()) {
            const auto h = heldout_eval(model, gates, seqs, held, K, comm);  // every rank: it all-reduces
            if (lead) {
                emit_metric("kd_heldout_kl", h.kl, {{"step", step}});
                emit_metric("kd_heldout_top1_agreement", h.top1, {{"step", step}});
            }
        }
        if (a.checkpoint_every > 0 && step % a.checkpoint_every == 0 && step < a.steps && lead)
            save_state(state_root, step, params, opt, ts, settings);
    }
    if (progress) progress->finish();
}

} // namespace

KdResult run_kd_command(const KdCommand& a) {
    if (a.steps < 0) throw InputError("--steps must not be negative");
    if (a.batch < 1) throw InputError("--batch must be at least 1");
    if (a.eval_every < 0) throw InputError("--eval-every must not be negative");
    if (!(a.lr > 0)) throw InputError("--lr must be positive");
    if (a.objective != "logits" && a.objective != "layer")
        throw InputError(fmt::format("--objective must be logits or layer, not \"{}\"", a.objective));
    if (a.objective == "layer" && a.teacher.empty()) throw InputError("--objective layer needs --teacher");
    if (a.objective == "layer" && (a.checkpoint_every > 0 || a.stop_after > 0))
        throw InputError("--objective layer has no resume points (--checkpoint-every, --stop-after)");
    if (std::filesystem::exists(a.out)) throw InputError(fmt::format("{}: already exists", a.out));
    const DistEnv env = dist_env_from_environment();
    const auto devices = kd_devices(a.device, env);
    const torch::Device dev = devices.front();
    if (devices.size() > 1 && a.objective == "layer")
        throw InputError("--objective layer streams one layer at a time: give it one device");
    torch::manual_seed(a.seed);

    TeacherCacheManifest man;
    const auto seqs = read_teacher_cache(a.cache, &man);
    if (!man.complete) throw_input(teacher_cache_manifest_path(a.cache).string(), "incomplete cache (rerun moecut teacher-cache)");
    if (seqs.empty()) throw_input(teacher_cache_manifest_path(a.cache).string(), "the cache holds no sequences");

    // The layer objective streams the student with the teacher; the logits
    // objective runs every step through all layers, so keeps them resident.
    ModelOptions mo;
    mo.device = dev;
    mo.dtype = torch::kFloat32;
    mo.streaming = a.objective == "layer";
    if (devices.size() > 1) mo.place_on = devices;
    Model model = Model::open(a.student, mo);
    const auto& arch = model.arch();
    if (arch.vocab_size != man.vocab_size)
        throw_input(a.cache, fmt::format("teacher vocabulary {} differs from the student's {}", man.vocab_size, arch.vocab_size));

    auto comm = make_communicator(env, dev);
    const bool lead = comm->rank() == 0;
    KdResult res;
    res.world = comm->world();
    GateMap gates;
    std::vector<torch::Tensor> params;
    std::vector<std::string> names;
    const auto layout = model.weights().layout();
    for (std::int64_t i = 0; i < arch.num_hidden_layers; ++i) {
        if (!arch.layers.at(static_cast<std::size_t>(i)).is_moe) continue;
        // fp32 master copy of the gate, read by the forward (with_gate) and updated by AdamW.
        const int li = static_cast<int>(i);
        auto master = model.weights()
                          .load(arch.router_weight(li, layout), torch::kFloat32, model.weights().device_of(li))
                          .clone()
                          .set_requires_grad(true);  // on its layer's device
        gates[li] = master;
        params.push_back(master);
        names.push_back(arch.router_weight(li, layout));
        if (arch.router.correction_bias) res.frozen_biases.push_back(arch.router_bias(li));
    }
    if (params.empty()) throw_input(a.student, "no MoE router to train");
    res.gates = names;
    if (lead) {
        for (const auto& n : names) emit_log("info", fmt::format("kd: training {}", n));
        for (const auto& n : res.frozen_biases) emit_log("info", fmt::format("kd: frozen {}", n));
        fmt::print("training {} gate matrices ({} frozen correction biases), objective {}, {} process{}:\n", names.size(),
                   res.frozen_biases.size(), a.objective, comm->world(), comm->world() > 1 ? "es" : "");
        for (const auto& n : names) fmt::print("  {}\n", n);
        std::fflush(stdout);
    }

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
        const auto h = heldout_eval(model, gates, seqs, held, K, *comm);
        res.heldout_kl_before = h.kl;
        res.heldout_top1_before = h.top1;
        if (lead) {
            emit_metric("kd_heldout_kl", h.kl, {{"step", 0}});
            emit_metric("kd_heldout_top1_agreement", h.top1, {{"step", 0}});
        }
    }

    if (a.objective == "layer") {
        LayerRun lr;
        lr.args = &a;
        lr.student = &model;
        lr.gates = &gates;
        lr.seqs = &seqs;
        lr.train = train;
        lr.held = held;
        lr.K = K;
        lr.comm = comm.get();
        run_layer_objective(lr, res);
    } else {
        run_logits_objective(a, model, gates, params, seqs, train, held, K, man.data_hash, *comm, res);
    }
    if (res.stopped) return res;

    if (!held.empty()) {
        const auto h = heldout_eval(model, gates, seqs, held, K, *comm);
        res.heldout_kl_after = h.kl;
        res.heldout_top1_after = h.top1;
        if (lead) {
            emit_metric("kd_heldout_kl", h.kl, {{"step", a.steps}});
            emit_metric("kd_heldout_top1_agreement", h.top1, {{"step", a.steps}});
        }
    }
    if (lead) {
        write_student(model, a.student, a.out, names, params);
        std::filesystem::remove_all(a.out + ".state");
        fmt::print("wrote {}: {} steps{}, held-out KL {:.6f} -> {:.6f}, top-1 agreement {:.4f} -> {:.4f} "
                   "({} train / {} held-out sequences)\n",
                   a.out, a.steps, a.objective == "layer" ? " per layer" : "", res.heldout_kl_before,
                   res.heldout_kl_after, res.heldout_top1_before, res.heldout_top1_after, res.train_sequences,
                   res.heldout_sequences);
        std::fflush(stdout);
    }
    comm->barrier();
    return res;
}

} // namespace moecut::engine

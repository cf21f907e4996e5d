// The parts of `moecut kd` (router_kd.cpp) shared by its files: the student's
// forward with trainable gates, the losses, the deterministic gradient
// reduction across ranks, resume points and the output writer. Private to the
// engine.
#pragma once

#include "moecut/distributed.h"
#include "moecut/engine/model.h"
#include "moecut/engine/router_kd.h"
#include "moecut/teacher_cache_file.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace moecut::engine::kd {

// ---- router_kd_forward.cpp ------------------------------------------------

// The trainable gates: decoder layer -> fp32 master [E, H] (requires grad).
using GateMap = std::map<int, torch::Tensor>;

// A layer's weights with the router replaced by its master copy, when it has
// one: a shallow copy (tensor handles), the store itself is left untouched.
LayerWeights with_gate(const LayerWeights& w, const GateMap& gates);

// One cached sequence as a [1, T] batch on `dev`.
struct Seq {
    torch::Tensor ids;      // [1, T] int64
    torch::Tensor tk_ids;   // [1, T, K] int64
    torch::Tensor tk_logp;  // [1, T, K] float32
    std::int64_t tokens = 0;
};
Seq make_seq(const TeacherCacheSequence& s, int K, torch::Device dev);

// The student's logits [1, T, V] (float32) with autograd reaching the gates;
// *entropy_sum gets the router entropy summed over tokens, averaged over MoE
// layers (nullptr: not computed).
torch::Tensor student_logits(Model& model, const GateMap& gates, const Seq& s, double* entropy_sum);

struct SeqLoss {
    torch::Tensor kl_sum;  // scalar: KL summed over the sequence's positions
    double top1 = 0;       // positions whose student argmax is the teacher's top-1
};
// KL(teacher top-k renormalised || student on the same ids, renormalised).
SeqLoss kd_loss(const torch::Tensor& logits, const Seq& s);

// Held-out KL and top-1 agreement (token averages) over `idx`, each rank
// taking every world-th sequence, summed through comm.
struct HeldOut {
    double kl = 0, top1 = 0;
};
HeldOut heldout_eval(Model& model, const GateMap& gates, const std::vector<TeacherCacheSequence>& seqs,
                     const std::vector<std::size_t>& idx, int K, Communicator& comm);

// ---- router_kd_reduce.cpp -------------------------------------------------

// Gradients summed over sequences, identical whatever the number of ranks and
// however the communicator orders its additions: each sequence's gradient is
// rounded to a fixed-point grid (per gate row, 2^-(52 - ceil(log2 B)) of the
// row's largest magnitude over the global batch) and the integers, held in
// doubles below 2^52, are summed exactly (docs/router-kd.md).
class GradReducer {
public:
    GradReducer(std::vector<torch::Tensor> params, Communicator& comm);
    // Keeps the current .grad() of the parameters as one sequence's gradient.
    void add_sequence();
    // Sets each parameter's .grad() to (sum over all ranks' sequences) / divisor;
    // global_sequences = the batch's size over all ranks.
    void reduce(std::size_t global_sequences, double divisor);

private:
    std::vector<torch::Tensor> params_;
    Communicator& comm_;
    std::vector<std::vector<torch::Tensor>> grads_;  // [sequence][param], float
};

// ---- router_kd_state.cpp ----------------------------------------------------

// SIGTERM/SIGINT set a flag while training runs; the previous handlers come back after.
class StopSignals {
public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    bool requested() const;
};

struct TrainState {
    std::mt19937_64 rng;
    std::vector<std::size_t> order;
    std::size_t cursor = 0;
    // The next `batch` sequences of the seeded shuffled order of `train`.
    std::vector<std::size_t> next_batch(const std::vector<std::size_t>& train, int batch);
};

nlohmann::json run_settings(const KdCommand& a, const std::string& data_hash);
// Resume points: <root>/step-NNNNNNNN/ {gates.pt, optimizer.pt, state.json}.
void save_state(const std::filesystem::path& root, int step, const std::vector<torch::Tensor>& params,
                torch::optim::AdamW& opt, const TrainState& ts, const nlohmann::json& settings);
// Loads the latest resume point; returns its step (0 when there is none).
int load_state(const std::filesystem::path& root, std::vector<torch::Tensor>& params, torch::optim::AdamW& opt,
               TrainState& ts, const nlohmann::json& settings);

// Writes `out` (atomically) as a byte copy of the student's files with the
// gate tensors' bytes replaced by the masters in their own dtype.
void write_student(Model& model, const std::string& student_dir, const std::string& out,
                   const std::vector<std::string>& names, const std::vector<torch::Tensor>& masters);

// ---- router_kd_layer.cpp ----------------------------------------------------

struct LayerRun {
    const KdCommand* args = nullptr;
    Model* student = nullptr;
    GateMap* gates = nullptr;
    const std::vector<TeacherCacheSequence>* seqs = nullptr;
    std::vector<std::size_t> train, held;
    int K = 0;
    Communicator* comm = nullptr;
};
// --objective layer: trains each MoE layer's gate in turn against the
// teacher's MoE output on the teacher's hidden states (streamed).
void run_layer_objective(const LayerRun& r, KdResult& res);

} // namespace moecut::engine::kd

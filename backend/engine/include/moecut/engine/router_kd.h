// Router-KD (`moecut kd`, docs/router-kd.md): after pruning, retrain only the
// router gate matrices so the student's next-token distribution matches the
// teacher's cached top-k (teacher_cache.h). Behind a torch-free header so the
// CLI's own files do not compile LibTorch headers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moecut::engine {

struct KdCommand {
    std::string student, cache, out;
    double lr = 5e-5;
    double weight_decay = 0.0;
    int steps = 100;
    int batch = 4;                 // sequences per step
    std::uint64_t seed = 0;
    double holdout = 0.1;          // share of the cache's sequences kept for evaluation (at least 1 when >= 2)
    std::string device = "cpu";    // cpu | cuda | cuda:N | a list cuda:0,cuda:1 (layers split over them)
    int eval_every = 0;            // held-out KL and agreement every N steps as metric events (0 = start and end only)
    // Resume points: every N steps the gates, AdamW state and data order go to
    // "<out>.state/"; a rerun continues from the latest (0 = none).
    int checkpoint_every = 0;
    bool restart = false;          // ignore a saved resume point
    int stop_after = 0;            // testing: save a resume point after this step and stop (0 = no)
    // "logits": KL against the cache's top-k (the default). "layer": each
    // MoE layer's output against the teacher's on the teacher's hidden
    // states, layer by layer (needs `teacher`); `steps` is then per layer.
    std::string objective = "logits";
    std::string teacher;           // teacher checkpoint folder (--objective layer)
};

struct KdResult {
    std::vector<std::string> gates;   // trained tensors, checkpoint names
    std::vector<std::string> frozen_biases;  // e_score_correction_bias tensors left as they were
    double heldout_kl_before = 0, heldout_kl_after = 0;
    double heldout_top1_before = 0, heldout_top1_after = 0;  // top-1 agreement with the teacher
    int world = 1;                 // processes that trained together
    // --objective layer, per trained layer: held-out normalised MSE before and after.
    std::vector<int> layers;
    std::vector<double> layer_loss_before, layer_loss_after;
    std::size_t train_sequences = 0, heldout_sequences = 0;
    int resumed_from_step = 0;     // 0 = started fresh
    bool stopped = false;          // stop_after reached or SIGTERM: no output written
    bool terminated = false;       // stopped by SIGTERM/SIGINT (a resume point was saved)
};

// KL(teacher top-k renormalised || student on the same ids, renormalised),
// averaged over positions. Trains the gates with AdamW on fp32 copies and
// writes a.out (atomically) as a byte copy of the student with only the gate
// tensors' bytes replaced. Emits per-step metrics (kd_loss, kd_kl,
// kd_top1_agreement, kd_router_entropy) and held-out kd_heldout_kl; prints a
// summary on stdout. InputError for bad input (a cache from another
// vocabulary, a student without routers, out already existing). SIGTERM or
// SIGINT during training: the step in progress finishes, a resume point is
// saved and it returns with terminated set. Data parallel when started as
// several processes (RANK/WORLD_SIZE..., moecut/distributed.h): each rank
// takes every world-th sequence of each batch, the gate gradients are summed
// exactly through the communicator, and only rank 0 writes files and events.
KdResult run_kd_command(const KdCommand& a);

} // namespace moecut::engine

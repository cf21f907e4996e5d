// The saliency pass: REAP-style routing statistics of every MoE layer (trunk
// and MTP) over a calibration set, computed layer by layer.
//
// Schedule. The whole calibration shard goes through one decoder layer
// before the next layer is loaded: each layer's weights are read once
// (streaming), and the hidden states of every sequence are kept between
// layers in files in the state folder (one batch in memory at a time), so
// memory is one layer plus one batch whatever the token budget. Running the
// model forward per batch instead would reload every layer once per batch.
// Only the routed experts run (the model's own MoE block); the statistics
// come from the block's routing (top-k ids and the weights it combines
// with) and the norms of the routed experts' outputs, accumulated by
// moecut_kernels (the CUDA kernel on a GPU, its CPU twin otherwise).
//
// MTP. After the last trunk layer the first MTP layer runs as vLLM's
// deepseek_mtp does (Model::mtp_forward): position t sees the trunk's final
// hidden state at t and token t+1; at a sequence's last real token, whose
// successor is unknown, the trunk's greedy prediction stands in.
//
// Resuming. With a state folder, after each layer the next layer's inputs
// (hidden states, the DSA indexer's selection) and the running sums are
// written atomically, then a state.json naming them. A rerun with the same
// model, data and options continues after the last finished layer; because
// every input of the remaining layers is restored bit for bit, the result is
// bit-identical to an uninterrupted run.
//
// Data parallel. Sequences are grouped into batches in calibration order;
// batch j belongs to rank j mod world. Ranks run independently and combine
// their sums once at the end through the Communicator (sums added, maxima
// taken): the same batches give the same per-batch floats whatever the world
// size, and only the order of the final double additions differs from a
// one-process run.
#pragma once

#include "moecut/calibration.h"
#include "moecut/distributed.h"
#include "moecut/engine/model.h"
#include "moecut/progress.h"
#include "moecut/saliency_file.h"

#include <filesystem>
#include <functional>

namespace moecut::engine {

enum class GateMode {
    Applied,     // the weight the model combines the expert's output with (default)
    SoftmaxAll,  // REAP's: softmax over all router logits (fp32), renormalised
                 // over the selected experts when the config sets norm_topk_prob
};

struct SaliencyRunOptions {
    int batch = 8;  // sequences per forward batch
    GateMode gate = GateMode::Applied;
    std::filesystem::path state_dir;  // checkpoints for resuming; empty = none
    Communicator* comm = nullptr;     // null = one process
    ProgressReporter::Mode progress = ProgressReporter::Mode::Auto;
    // The REAP reference's observer, for the benchmark: every expert also runs
    // on every token and the norms are taken from the routed rows. Same
    // statistics, E/K times the expert compute.
    bool all_experts_observer = false;
    // Called after each committed step with the layer it finished (tests
    // interrupt a run by throwing from it).
    std::function<void(int layer)> after_commit;
};

struct SaliencyRunInfo {
    int resumed_from_layer = -1;  // the layer the run continued after (-1: a fresh start)
    std::uint64_t local_tokens = 0;
};

// Computes the statistics and returns the table (every rank gets the combined
// result). Rows: the trunk MoE layers, then the MTP layer(s).
SaliencyTable compute_saliency(Model& model, const CalibrationSet& data, const SaliencyRunOptions& options,
                               SaliencyRunInfo* info = nullptr);

} // namespace moecut::engine

// moecut train-tiny: trains the embedded tiny GLM-5-layout MoE on the CPU.
//
// Steps: a byte-level BPE tokenizer is trained on the corpus' training split
// (moecut/bpe_trainer.h); the split is tokenized into one stream (documents
// separated by <|endoftext|>); a glm_moe_dsa model (moecut/tiny_model.h: MLA,
// sigmoid router with correction bias, a shared expert, a dense first layer,
// MoE layers, one MTP layer, DSA indexer weights on full layers) is trained
// with AdamW (linear warmup, cosine decay) on random windows of the stream:
//   loss = CE(next token) + mtp_weight * CE(MTP: token t+2 from the trunk's
//          hidden state at t and token t+1) + aux_weight * sequence balance loss
// and the routers' correction biases follow DeepSeek-V3's aux-loss-free rule
// (bias_e += gamma * sign(mean load - load_e) after each step).
//
// The layer math is the inference runtime's (layers.h) run under autograd,
// so the trained weights mean the same thing to Model::forward. Training
// sequences are max_seq <= index_topk tokens long, so the DSA indexer keeps
// every key and changes nothing: its weights stay at their initial values.
//
// Deterministic for (seed, threads) on one machine and LibTorch build. The
// output folder appears complete or not at all: config.json,
// model.safetensors, tokenizer.json, tokenizer_config.json,
// generation_config.json, train_log.csv, loss.png and (unless eval is off)
// eval.json (moecut/engine/tiny_eval.h).
#pragma once

#include "moecut/progress.h"
#include "moecut/tiny_model.h"

#include <cstdint>
#include <filesystem>

namespace moecut::engine {

struct TrainTinyOptions {
    std::filesystem::path out;     // must not exist
    std::filesystem::path corpus;  // folder with train.jsonl, probes.jsonl, calib_*.jsonl
    TinyModelSpec spec;
    int steps = 600;
    int warmup = 40;               // linear warmup steps (independent of steps, so a short
                                   // run reproduces the first rows of a long one)
    int batch = 8;                 // sequences per step, each spec.max_seq tokens
    std::uint64_t seed = 0;
    // Torch intra-op and OpenBLAS threads. One is fastest for these small
    // ops (and on a busy machine OpenMP barriers spin); more only helps an idle machine.
    int threads = 1;
    double lr = 3e-3, min_lr_ratio = 0.1, weight_decay = 0.1, grad_clip = 1.0;
    double mtp_weight = 0.3;
    double aux_weight = 1e-4;      // DeepSeek-V3's sequence-wise balance loss
    double bias_update = 1e-3;     // gamma of the correction-bias rule
    bool eval = true;
    ProgressReporter::Mode progress = ProgressReporter::Mode::Auto;
};

struct TrainTinySummary {
    double final_loss = 0, final_mtp_loss = 0;  // mean of the last 20 steps
    double seconds = 0;                         // training steps only
    double total_seconds = 0;                   // everything
    std::int64_t parameters = 0;
    std::int64_t tokens = 0;                    // trained on
    std::int64_t corpus_tokens = 0;             // in the training stream
};

TrainTinySummary train_tiny(const TrainTinyOptions& options);

} // namespace moecut::engine

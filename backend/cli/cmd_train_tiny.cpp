// moecut train-tiny: trains the embedded tiny GLM-5-layout MoE on the CPU
// (moecut/engine/tiny_trainer.h). Needs the LibTorch engine.
#include "commands.h"

#ifdef MOECUT_HAVE_ENGINE

#include "moecut/engine/tiny_trainer.h"

#include <fmt/core.h>

#include <memory>
#include <string>

namespace moecut::cli {
namespace {

struct TrainTinyArgs {
    std::string out, corpus;
    int steps = 600;
    std::uint64_t seed = 0;
    int threads = 1;
    bool no_eval = false;
};

void run(const TrainTinyArgs& a) {
    engine::TrainTinyOptions o;
    o.out = a.out;
    o.corpus = a.corpus;
    o.steps = a.steps;
    o.seed = a.seed;
    o.threads = a.threads;
    o.eval = !a.no_eval;
    const auto s = engine::train_tiny(o);
    fmt::print("wrote {}: {} parameters, {} steps ({} tokens of a {}-token corpus), seed {}, {} threads\n", a.out,
               s.parameters, a.steps, s.tokens, s.corpus_tokens, a.seed, a.threads);
    fmt::print("final loss {:.4f}, MTP loss {:.4f} (mean of the last 20 steps); training {:.1f} s, total {:.1f} s\n",
               s.final_loss, s.final_mtp_loss, s.seconds, s.total_seconds);
}

void register_train_tiny(CLI::App& root) {
    auto args = std::make_shared<TrainTinyArgs>();
    CLI::App* cmd = root.add_subcommand("train-tiny", "Train the embedded tiny GLM-5-layout MoE on the CPU");
    cmd->add_option("--out", args->out, "Output folder (must not exist)")->required();
    cmd->add_option("--steps", args->steps, "Optimiser steps (8 x 128 tokens each)")->capture_default_str();
    cmd->add_option("--seed", args->seed, "Random seed (weights, data order)")->capture_default_str();
    cmd->add_option("--threads", args->threads, "CPU threads (results are reproducible for the same seed and threads)")
        ->capture_default_str();
    cmd->add_option("--corpus", args->corpus, "Corpus folder (default: resources/corpus)");
    cmd->add_flag("--no-eval", args->no_eval, "Skip eval.json (perplexity, routing, samples)");
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterTrainTiny{25, register_train_tiny};

} // namespace moecut::cli

#endif // MOECUT_HAVE_ENGINE

// moecut saliency --model DIR --data [DOMAIN=]FILE [--data ...] --out SAL.safetensors
//                 [--seq-len L] [--max-tokens T] [--batch B] [--device cpu|cuda[:N]]
//                 [--gate applied|softmax-all] [--no-pack] [--seed S] [--tokenizer PATH]
// REAP saliency per layer, expert and domain (engine/saliency.h).
#include "commands.h"

#ifdef MOECUT_HAVE_ENGINE
#include "moecut/engine/saliency_command.h"
#include "moecut/job_events.h"

#include <memory>

namespace moecut::cli {
namespace {

void register_saliency(CLI::App& root) {
    auto a = std::make_shared<engine::SaliencyCommand>();
    CLI::App* cmd = root.add_subcommand(
        "saliency", "Score every expert of every MoE layer (and MTP layer) on calibration data (REAP, frequency, EAN)");
    cmd->add_option("--model", a->model, "Checkpoint folder")->required();
    cmd->add_option("--data", a->data,
                    "Calibration JSONL ([DOMAIN=]FILE; lines with text, messages or tokens, optional domain); repeatable")
        ->required();
    cmd->add_option("--out", a->out, "Saliency file to write (safetensors); SAL.state/ beside it holds resume points")
        ->required();
    cmd->add_option("--seq-len", a->seq_len, "Tokens per sequence (packing) or per-sample cap")->capture_default_str();
    cmd->add_option("--max-tokens", a->max_tokens, "Token budget, shared equally by the domains (0 = all the data)")
        ->capture_default_str();
    cmd->add_option("--batch", a->batch, "Sequences per forward batch")->capture_default_str();
    cmd->add_option("--device", a->device, "cpu, cuda or cuda:N (with torchrun/Slurm: cuda = cuda:LOCAL_RANK)")
        ->capture_default_str();
    cmd->add_option("--dtype", a->dtype, "Compute dtype")->check(CLI::IsMember({"float32", "bfloat16"}))->capture_default_str();
    cmd->add_option("--gate", a->gate, "Gate weight: applied (what the model combines with) or softmax-all (REAP's)")
        ->check(CLI::IsMember({"applied", "softmax-all"}))
        ->capture_default_str();
    cmd->add_flag("--no-pack", a->no_pack, "One sequence per document (truncated to --seq-len) instead of packing");
    cmd->add_option("--seed", a->seed, "Seed of the deterministic document order")->capture_default_str();
    cmd->add_option("--tokenizer", a->tokenizer, "tokenizer.json or its folder (default: the model folder)");
    cmd->add_flag("--restart", a->restart, "Ignore a saved resume point and start over");
    cmd->callback([a] {
        engine::run_saliency_command(*a);
        emit_artifact("saliency", a->out);
    });
}

} // namespace

const CommandRegistrar kRegisterSaliency{40, register_saliency};

} // namespace moecut::cli
#endif

// moecut kd --student DIR --cache CACHE --out DIR2 [--lr 5e-5] [--steps N] [--batch B] [--seed S]
//           [--objective logits|layer --teacher DIR]; several processes (RANK, WORLD_SIZE, ...): data parallel.
// Router-KD: retrain only the router gates against a teacher cache (docs/router-kd.md).
#include "commands.h"

#ifdef MOECUT_HAVE_ENGINE
#include "moecut/engine/router_kd.h"
#include "moecut/job_events.h"

#include <memory>

namespace moecut::cli {
namespace {

void register_kd(CLI::App& root) {
    auto a = std::make_shared<engine::KdCommand>();
    CLI::App* cmd = root.add_subcommand(
        "kd", "Router-KD: train only the router gates of a (pruned) student against a teacher cache");
    cmd->add_option("--student", a->student, "Student checkpoint folder")->required();
    cmd->add_option("--cache", a->cache, "Teacher cache folder (moecut teacher-cache)")->required();
    cmd->add_option("--out", a->out, "Checkpoint folder to write (must not exist)")->required();
    cmd->add_option("--lr", a->lr, "AdamW learning rate")->capture_default_str();
    cmd->add_option("--weight-decay", a->weight_decay, "AdamW weight decay")->capture_default_str();
    cmd->add_option("--steps", a->steps, "Optimizer steps")->capture_default_str();
    cmd->add_option("--batch", a->batch, "Sequences per step")->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the sequence order")->capture_default_str();
    cmd->add_option("--holdout", a->holdout, "Share of the cached sequences held out for the KL report")
        ->check(CLI::Range(0.0, 0.9))
        ->capture_default_str();
    cmd->add_option("--device", a->device, "cpu, cuda, cuda:N, or a list cuda:0,cuda:1,... to split the layers over")
        ->capture_default_str();
    cmd->add_option("--eval-every", a->eval_every, "Held-out KL and top-1 agreement every N steps (0 = start and end)")
        ->capture_default_str();
    cmd->add_option("--checkpoint-every", a->checkpoint_every,
                    "Save a resume point (gates, AdamW state, data order) in OUT.state/ every N steps (0 = never)")
        ->capture_default_str();
    cmd->add_option("--objective", a->objective,
                    "logits: KL against the cached top-k; layer: each MoE layer's output against the teacher's, "
                    "layer by layer (needs --teacher; --steps per layer)")
        ->check(CLI::IsMember({"logits", "layer"}))
        ->capture_default_str();
    cmd->add_option("--teacher", a->teacher, "Teacher checkpoint folder (--objective layer)");
    cmd->add_flag("--restart", a->restart, "Ignore a saved resume point and start over");
    cmd->add_option("--stop-after", a->stop_after, "Save a resume point after this step and stop (for tests)")
        ->group("");
    cmd->callback([a] {
        const auto r = engine::run_kd_command(*a);
        if (r.terminated) throw ExitCode{143};
        if (!r.stopped) emit_artifact("checkpoint", a->out);
    });
}

} // namespace

const CommandRegistrar kRegisterKd{65, register_kd};

} // namespace moecut::cli
#endif

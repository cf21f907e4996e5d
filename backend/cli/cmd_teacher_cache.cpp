// moecut teacher-cache --model TEACHER --data [DOMAIN=]FILE --out CACHE [--topk 20]
//                      [--seq-len L] [--max-tokens T] [--batch B] [--shard-sequences N]
// The teacher's top-k next-token distribution for Router-KD (docs/router-kd.md).
#include "commands.h"

#ifdef MOECUT_HAVE_ENGINE
#include "moecut/engine/teacher_cache.h"
#include "moecut/job_events.h"

#include <memory>

namespace moecut::cli {
namespace {

void register_teacher_cache(CLI::App& root) {
    auto a = std::make_shared<engine::TeacherCacheCommand>();
    CLI::App* cmd = root.add_subcommand(
        "teacher-cache", "Store the teacher's top-k next-token log-probabilities on calibration data (for moecut kd)");
    cmd->add_option("--model", a->model, "Teacher checkpoint folder")->required();
    cmd->add_option("--data", a->data, "Calibration JSONL ([DOMAIN=]FILE), as for saliency; repeatable")->required();
    cmd->add_option("--out", a->out, "Cache folder to write (manifest.json + shards); a rerun continues it")->required();
    cmd->add_option("--topk", a->topk, "Token ids kept per position")->capture_default_str();
    cmd->add_option("--seq-len", a->seq_len, "Tokens per sequence (packing) or per-sample cap")->capture_default_str();
    cmd->add_option("--max-tokens", a->max_tokens, "Token budget, shared equally by the domains (0 = all the data)")
        ->capture_default_str();
    cmd->add_option("--batch", a->batch, "Sequences per forward batch")->capture_default_str();
    cmd->add_option("--shard-sequences", a->shard_sequences, "Sequences per shard (the unit a rerun resumes from)")
        ->capture_default_str();
    cmd->add_option("--device", a->device, "cpu, cuda, cuda:N, or a list cuda:0,cuda:1,... to split the layers over")->capture_default_str();
    cmd->add_option("--dtype", a->dtype, "Compute dtype")->check(CLI::IsMember({"float32", "bfloat16"}))->capture_default_str();
    cmd->add_flag("--no-pack", a->no_pack, "One sequence per document (truncated to --seq-len) instead of packing");
    cmd->add_option("--seed", a->seed, "Seed of the deterministic document order")->capture_default_str();
    cmd->add_option("--tokenizer", a->tokenizer, "tokenizer.json or its folder (default: the model folder)");
    cmd->add_flag("--restart", a->restart, "Discard an existing cache in --out and start over");
    cmd->callback([a] {
        engine::run_teacher_cache_command(*a);
        emit_artifact("teacher_cache", a->out);
    });
}

} // namespace

const CommandRegistrar kRegisterTeacherCache{42, register_teacher_cache};

} // namespace moecut::cli
#endif

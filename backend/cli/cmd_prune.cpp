// moecut prune --model DIR --plan PLAN.json --out DIR2 [--structure-only]
// Writes the pruned checkpoint shard by shard; DIR2 appears complete or not at all.
#include "commands.h"

#include "moecut/job_events.h"
#include "moecut/progress.h"
#include "moecut/pruner.h"

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>

namespace moecut::cli {
namespace {

struct PruneArgs {
    std::string model, plan, out;
    bool structure_only = false;
};

void run(const PruneArgs& a) {
    const Plan plan = read_plan(a.plan);
    PruneOptions opts;
    opts.structure_only = a.structure_only;
    opts.plan_path = a.plan;
    opts.version = MOECUT_VERSION;
    auto progress = std::make_shared<ProgressReporter>("prune", 0);
    progress->set_unit("bytes");
    opts.progress = [progress](std::uint64_t done, std::uint64_t total) {
        progress->set_total(total);
        progress->update(done);
    };
    const PruneResult r = prune_checkpoint(a.model, plan, a.out, opts);
    progress->set_total(r.bytes_out);
    progress->finish();
    const std::string summary = fmt::format(
        "wrote {}: {} -> {} routed experts per layer in {} layers; {} of {} tensors, {} bytes of tensor data in "
        "{} shard(s){}",
        a.out, r.experts_before, r.experts_after, plan.keep.size(), r.tensors_out, r.tensors_in, r.bytes_out, r.shards,
        a.structure_only ? " (structure only: headers, data left as holes)" : "");
    fmt::print("{}\n", summary);
    emit_log("info", summary);
    emit_artifact("checkpoint", a.out);
    std::fflush(stdout);
}


void register_prune(CLI::App& root) {
    auto a = std::make_shared<PruneArgs>();
    CLI::App* cmd = root.add_subcommand("prune", "Write a pruned checkpoint from a keep-K plan (streamed, bounded memory)");
    cmd->add_option("--model", a->model, "Source checkpoint folder")->required();
    cmd->add_option("--plan", a->plan, "PLAN.json (from moecut plan, or by hand: {\"keep\": {\"<layer>\": [ids]}})")
        ->required();
    cmd->add_option("--out", a->out, "Output folder (must not exist)")->required();
    cmd->add_flag("--structure-only", a->structure_only,
                  "Write headers only and leave the data as holes, reading no tensor data: for checkpoints made with "
                  "make-sparse, whose data are holes too");
    cmd->callback([a] { run(*a); });
}

} // namespace

const CommandRegistrar kRegisterPrune{60, register_prune};

} // namespace moecut::cli

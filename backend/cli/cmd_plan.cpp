// moecut plan --saliency SAL --keep K [--criterion C] [--domain D]
//             [--swap-domain D2 --swaps N] [--protect-super-experts] --out PLAN.json
// A keep-K plan from a saliency file; no model needed (the file records the router).
#include "commands.h"

#include "moecut/job_events.h"
#include "moecut/prune_plan.h"
#include "moecut/saliency_file.h"

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>

namespace moecut::cli {
namespace {

struct PlanArgs {
    std::string saliency, out;
    PlanOptions opts;
};

void run(PlanArgs& a) {
    const SaliencyTable table = read_saliency_file(a.saliency);
    a.opts.saliency_path = a.saliency;
    const Plan plan = make_plan(table, a.opts);
    write_plan(a.out, plan);
    std::size_t prot = 0;
    for (const auto& [_, ids] : plan.protected_experts) prot += ids.size();
    const std::string summary = fmt::format(
        "wrote {}: keep {} of {} experts in {} layers by {} on '{}'; {} knowledge swaps{}; {} protected super experts",
        a.out, plan.keep_count(), plan.experts, plan.keep.size(), plan.criterion, plan.domain, plan.swaps.size(),
        a.opts.swap_domain.empty() ? "" : fmt::format(" from '{}'", a.opts.swap_domain), prot);
    fmt::print("{}\n", summary);
    emit_log("info", summary);
    emit_artifact("plan", a.out);
    std::fflush(stdout);
}


void register_plan(CLI::App& root) {
    auto a = std::make_shared<PlanArgs>();
    CLI::App* cmd = root.add_subcommand("plan", "Choose the K experts each MoE layer (trunk and MTP) keeps, from a saliency file");
    cmd->add_option("--saliency", a->saliency, "Saliency file (safetensors of <statistic>.<domain> tables)")->required();
    cmd->add_option("--keep", a->opts.keep, "K: experts kept in every MoE and MTP layer")->required();
    cmd->add_option("--criterion", a->opts.criterion, "Ranking statistic (higher = stronger; ties keep the lower id)")
        ->check(CLI::IsMember({"reap", "frequency", "ean"}))
        ->capture_default_str();
    cmd->add_option("--domain", a->opts.domain, "Saliency domain to rank by")->capture_default_str();
    cmd->add_option("--swap-domain", a->opts.swap_domain,
                    "Knowledge swaps: bring back experts this domain rates highest that the first ranking dropped");
    cmd->add_option("--swaps", a->opts.swaps, "Knowledge swaps per layer: the N weakest kept experts are replaced");
    cmd->add_flag("--protect-super-experts", a->opts.protect_super_experts,
                  "Always keep super experts (REAP's norm_max outlier rule; see docs/pruning.md)");
    cmd->add_option("--out", a->out, "PLAN.json to write")->required();
    cmd->callback([a] { run(*a); });
}

} // namespace

const CommandRegistrar kRegisterPlan{50, register_plan};

} // namespace moecut::cli

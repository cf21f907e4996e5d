// moecut sweep: one evaluation per cell of a sampler grid (e.g. min_p x
// repetition penalty), each tested against the neutral cell (or --baseline)
// with Holm and Benjamini-Hochberg adjustment; resumable cell by cell.
//   moecut sweep --model DIR --probes FILE --n 500 --grid min_p=0,0.05,0.1 rep_pen=1,1.05,1.1 --out RUNDIR
#include "commands.h"
#include "eval_options.h"

#include "moecut/eval_sweep.h"
#include "moecut/job_events.h"

#include <fmt/core.h>

#include <memory>

namespace moecut::cli {
namespace {

struct SweepArgs {
    EvalArgs eval;
    std::vector<std::string> grid;
};

void run(const SweepArgs& a) {
    EvalSettings s;
    auto backend = open_eval_backend(a.eval, s);
    const auto grid = parse_grid(a.grid);
    const auto result = run_sweep(s, grid, *backend.backend, a.eval.out);
    if (a.eval.json) fmt::print("{}\n", result.json.dump(2));
    else fmt::print("{}", markdown_summary(result.rows, result.baseline));
    const std::string summary = fmt::format("sweep: {} cells; results in {}", result.rows.size() - (a.eval.baseline.empty() ? 0 : 1), a.eval.out);
    fmt::print(stderr, "{}\n", summary);
    emit_log("info", summary);
    emit_artifact("sweep", std::filesystem::path(a.eval.out) / "results.json");
    emit_artifact("report", std::filesystem::path(a.eval.out) / "report.md");
}

void register_sweep(CLI::App& root) {
    auto args = std::make_shared<SweepArgs>();
    CLI::App* cmd = root.add_subcommand("sweep", "Guardrail sweep: eval over a sampler grid (min_p x rep_pen ...), each cell tested against the raw baseline with Holm/BH adjustment");
    add_eval_options(cmd, args->eval);
    cmd->add_option("--grid", args->grid, "Axes KEY=V1,V2,...: temperature, top_k, top_p, min_p, rep_pen, presence_penalty, frequency_penalty")
        ->required()
        ->expected(1, -1);
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterSweep{71, register_sweep};

} // namespace moecut::cli

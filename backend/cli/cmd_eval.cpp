// moecut eval: loop rate, EOS rate, distinct-4 and lengths of a model on
// held-out probes, raw or with sampler guardrails, from the built-in runtime
// or an OpenAI-compatible server; resumable; optionally tested against a
// baseline run.
//   moecut eval --model DIR --probes FILE --n 500 [--min-p X] [--rep-pen Y] --out RUNDIR
//   moecut eval --endpoint URL --served-model NAME --server-kind llamacpp --probes FILE --out RUNDIR
#include "commands.h"
#include "eval_options.h"

#include "moecut/eval_report.h"

#include <fmt/core.h>

#include <fstream>
#include <iterator>
#include <memory>

namespace moecut::cli {
namespace {

void run(const EvalArgs& a) {
    EvalSettings s;
    auto backend = open_eval_backend(a, s);
    const auto result = run_evaluation(s, *backend.backend, a.out);
    fmt::print(stderr, "eval: {} samples ({} generated now); results in {}\n", result.records.size(), result.generated, a.out);
    if (a.json) {
        std::ifstream in(std::filesystem::path(a.out) / "results.json");
        fmt::print("{}", std::string(std::istreambuf_iterator<char>(in), {}));
        return;
    }
    const std::string name = s.name.empty() ? std::filesystem::path(a.out).filename().string() : s.name;
    std::vector<ReportRow> rows;
    if (result.vs_baseline)
        rows.push_back({std::filesystem::path(a.baseline).filename().string(), compute_metrics(load_run_records(a.baseline), s.interval), {}, {}});
    rows.push_back({name, result.metrics, result.vs_baseline, {}});
    fmt::print("{}\n{}", markdown_summary(rows), markdown_sources(result.metrics));
}

void register_eval(CLI::App& root) {
    auto args = std::make_shared<EvalArgs>();
    CLI::App* cmd = root.add_subcommand("eval", "Loop evaluation: sample to EOS on held-out probes; loop rate with 95% intervals, EOS rate, distinct-4, lengths per source");
    add_eval_options(cmd, *args);
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterEval{70, register_eval};

} // namespace moecut::cli

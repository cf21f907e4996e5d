// moecut eval-report: one table from several finished evaluation runs (say
// teacher, pruned, pruned with a guardrail), each tested against the baseline
// run (the first, or --baseline) with Holm adjustment across the rows.
//   moecut eval-report out/eval/teacher out/eval/pruned out/eval/pruned-guardrail
#include "commands.h"

#include "moecut/error.h"
#include "moecut/eval_report.h"
#include "moecut/eval_runner.h"
#include "moecut/stats/multiple.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>

namespace moecut::cli {
namespace {

struct ReportArgs {
    std::vector<std::string> runs;
    std::string baseline, interval = "exact";
    bool json = false;
};

std::string run_name(const std::filesystem::path& dir) {
    std::ifstream in(dir / "results.json");
    if (in) {
        const auto j = nlohmann::json::parse(in, nullptr, false);
        if (!j.is_discarded() && j.contains("name") && j["name"].is_string()) return j["name"];
    }
    return dir.filename().string();
}

void run(const ReportArgs& a) {
    const auto method = stats::parse_interval_method(a.interval);
    if (!method) throw InputError(fmt::format("--interval: expected exact or wilson, got '{}'", a.interval));
    std::vector<std::filesystem::path> dirs(a.runs.begin(), a.runs.end());
    std::filesystem::path base = a.baseline.empty() ? dirs.front() : std::filesystem::path(a.baseline);
    const auto base_records = load_run_records(base);
    std::vector<ReportRow> rows{{run_name(base), compute_metrics(base_records, *method), {}, {}}};
    std::vector<double> p;
    for (const auto& d : dirs) {
        if (std::filesystem::weakly_canonical(d) == std::filesystem::weakly_canonical(base)) continue;
        const auto records = load_run_records(d);
        rows.push_back({run_name(d), compute_metrics(records, *method), compare_runs(base_records, records), "Holm"});
        p.push_back(rows.back().vs_baseline->p);
    }
    const auto holm = stats::holm_adjust(p);
    for (std::size_t i = 1; i < rows.size(); ++i) rows[i].vs_baseline->p_adjusted = holm[i - 1];
    if (!a.json) {
        fmt::print("{}", markdown_summary(rows, rows.front().name));
        return;
    }
    nlohmann::ordered_json out = {{"baseline", rows.front().name}, {"rows", nlohmann::ordered_json::array()}};
    for (const auto& r : rows) {
        nlohmann::ordered_json row = {{"name", r.name}, {"metrics", metrics_to_json(r.metrics)}};
        if (r.vs_baseline) row["vs_baseline"] = comparison_to_json(*r.vs_baseline);
        out["rows"].push_back(row);
    }
    fmt::print("{}\n", out.dump(2));
}

void register_eval_report(CLI::App& root) {
    auto args = std::make_shared<ReportArgs>();
    CLI::App* cmd = root.add_subcommand("eval-report", "One loop-rate table from finished eval runs, each tested against the baseline run (Holm-adjusted)");
    cmd->add_option("runs", args->runs, "Run folders (moecut eval --out)")->required()->expected(1, -1);
    cmd->add_option("--baseline", args->baseline, "The baseline run (default: the first)");
    cmd->add_option("--interval", args->interval, "exact (Clopper-Pearson) or wilson")->default_val("exact");
    cmd->add_flag("--json", args->json, "Print JSON instead of the table");
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterEvalReport{72, register_eval_report};

} // namespace moecut::cli

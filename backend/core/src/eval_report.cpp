#include "moecut/eval_report.h"

#include <fmt/core.h>

namespace moecut {
namespace {

std::string pct(double x) { return fmt::format("{:.1f}%", 100 * x); }

std::string rate_cell(const std::optional<stats::ProportionInterval>& i) { return i ? pct(i->rate) : "n/a"; }

std::string interval_cell(const std::optional<stats::ProportionInterval>& i) {
    return i ? fmt::format("[{:.1f}, {:.1f}]", 100 * i->lower, 100 * i->upper) : "n/a";
}

std::string number_cell(const std::optional<double>& v, const char* format) {
    return v ? fmt::format(fmt::runtime(format), *v) : "n/a";
}

std::string p_cell(double p) { return p < 0.001 ? "<0.001" : fmt::format("{:.3f}", p); }

std::string vs_cell(const ReportRow& row) {
    if (!row.vs_baseline) return "baseline";
    const auto& c = *row.vs_baseline;
    std::string cell = fmt::format("{:+.1f} pts, p={} ({})", 100 * c.diff, p_cell(c.p), c.paired ? "McNemar" : "z");
    if (c.p_adjusted) cell += fmt::format(", {} {}", row.adjust_method.empty() ? "adj." : row.adjust_method, p_cell(*c.p_adjusted));
    return cell;
}

std::string group_line(const std::string& name, const GroupMetrics& g, const std::string& vs) {
    return fmt::format("| {} | {} | {} | {} | {} | {} | {} |{}\n", name, g.valid, rate_cell(g.loop_rate),
                       interval_cell(g.loop_rate), rate_cell(g.eos_rate), number_cell(g.distinct4, "{:.3f}"),
                       number_cell(g.median_tokens, "{:.0f}"), vs.empty() ? "" : " " + vs + " |");
}

std::string ci_title(const RunMetrics& m) {
    return fmt::format("{:.0f}% CI ({})", 100 * m.confidence, stats::interval_method_title(m.method));
}

} // namespace

std::string markdown_summary(std::span<const ReportRow> rows, std::string_view baseline_name) {
    if (rows.empty()) return {};
    std::string out = fmt::format("| model/config | n | loop rate | {} | EOS rate | distinct-4 | median tokens | vs {} |\n",
                                  ci_title(rows.front().metrics), baseline_name.empty() ? "baseline" : baseline_name);
    out += "|---|---:|---:|---|---:|---:|---:|---|\n";
    for (const auto& row : rows) out += group_line(row.name, row.metrics.overall, vs_cell(row));
    return out;
}

std::string markdown_sources(const RunMetrics& m) {
    std::string out = fmt::format("| source | n | loop rate | {} | EOS rate | distinct-4 | median tokens |\n", ci_title(m));
    out += "|---|---:|---:|---|---:|---:|---:|\n";
    for (const auto& g : m.sources) out += group_line(g.group, g, "");
    out += group_line("**all**", m.overall, "");
    return out;
}

} // namespace moecut

#include "moecut/eval_sweep.h"

#include "moecut/atomic_file.h"
#include "moecut/error.h"
#include "moecut/stats/multiple.h"

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>

namespace moecut {
namespace {

using nlohmann::ordered_json;

struct KeyInfo {
    const char* key;
    const char* alias;
    double neutral;
};

constexpr KeyInfo kKeys[] = {
    {"temperature", "temperature", 1},   {"top_k", "top_k", 0},
    {"top_p", "top_p", 1},               {"min_p", "min_p", 0},
    {"rep_pen", "repetition_penalty", 1}, {"presence_penalty", "presence", 0},
    {"frequency_penalty", "frequency", 0},
};

const KeyInfo* find_key(std::string_view k) {
    for (const auto& info : kKeys)
        if (k == info.key || k == info.alias) return &info;
    return nullptr;
}

void set_value(SamplerConfig& c, std::string_view key, double v) {
    if (key == "temperature") c.temperature = v;
    else if (key == "top_k") c.top_k = static_cast<int>(v);
    else if (key == "top_p") c.top_p = v;
    else if (key == "min_p") c.min_p = v;
    else if (key == "rep_pen") c.repetition_penalty = v;
    else if (key == "presence_penalty") c.presence_penalty = v;
    else if (key == "frequency_penalty") c.frequency_penalty = v;
}

std::string format_value(double v) { return fmt::format("{:g}", v); }

} // namespace

std::vector<GridAxis> parse_grid(std::span<const std::string> items) {
    if (items.empty()) throw InputError("--grid: give at least one KEY=V1,V2,... axis");
    std::vector<GridAxis> grid;
    for (const auto& item : items) {
        const auto eq = item.find('=');
        if (eq == std::string::npos) throw InputError(fmt::format("--grid: '{}' is not KEY=V1,V2,...", item));
        const auto* info = find_key(std::string_view(item).substr(0, eq));
        if (!info)
            throw InputError(fmt::format("--grid: unknown key '{}' (temperature, top_k, top_p, min_p, rep_pen, "
                                         "presence_penalty, frequency_penalty)", item.substr(0, eq)));
        for (const auto& axis : grid)
            if (axis.key == info->key) throw InputError(fmt::format("--grid: '{}' given twice", info->key));
        GridAxis axis{info->key, {}};
        std::string_view rest = std::string_view(item).substr(eq + 1);
        while (true) {
            const auto comma = rest.find(',');
            const std::string text(rest.substr(0, comma));
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
                throw InputError(fmt::format("--grid: '{}' in '{}' is not a number", text, item));
            axis.values.push_back(v);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        grid.push_back(std::move(axis));
    }
    return grid;
}

std::vector<SweepCell> expand_grid(const SamplerConfig& base, std::span<const GridAxis> grid) {
    std::vector<SweepCell> cells{{"", base, true}};
    for (const auto& axis : grid) {
        const double neutral = find_key(axis.key)->neutral;
        std::vector<SweepCell> next;
        for (const auto& cell : cells)
            for (double v : axis.values) {
                SweepCell c = cell;
                set_value(c.sampler, axis.key, v);
                c.name += (c.name.empty() ? "" : ",") + axis.key + "=" + format_value(v);
                c.neutral = c.neutral && v == neutral;
                next.push_back(std::move(c));
            }
        cells = std::move(next);
    }
    for (const auto& c : cells) c.sampler.validate(fmt::format("--grid cell {}", c.name));
    return cells;
}

SweepResult run_sweep(const EvalSettings& settings, std::span<const GridAxis> grid, SampleBackend& backend,
                      const std::filesystem::path& rundir) {
    const auto cells = expand_grid(settings.sampler, grid);
    std::vector<EvalRun> runs;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        EvalSettings s = settings;
        s.sampler = cells[i].sampler;
        s.name = cells[i].name;
        s.baseline.clear();  // comparisons are made below, across the sweep
        if (s.progress != ProgressReporter::Mode::Silent)
            std::fprintf(stderr, "sweep: cell %zu/%zu %s\n", i + 1, cells.size(), cells[i].name.c_str());
        runs.push_back(run_evaluation(s, backend, rundir / "cells" / cells[i].name));
    }
    SweepResult result;
    std::vector<SampleRecord> base_records;
    std::optional<std::size_t> base_cell;
    if (!settings.baseline.empty()) {
        base_records = load_run_records(settings.baseline);
        result.baseline = settings.baseline.filename().string();
        result.rows.push_back({result.baseline, compute_metrics(base_records, settings.interval), {}, {}});
    } else {
        base_cell = 0;
        for (std::size_t i = 0; i < cells.size(); ++i)
            if (cells[i].neutral) {
                base_cell = i;
                break;
            }
        base_records = runs[*base_cell].records;
        result.baseline = cells[*base_cell].name;
        result.rows.push_back({result.baseline, runs[*base_cell].metrics, {}, {}});
    }
    std::vector<double> raw_p;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (base_cell && i == *base_cell) continue;
        result.rows.push_back({cells[i].name, runs[i].metrics, compare_runs(base_records, runs[i].records), "Holm"});
        raw_p.push_back(result.rows.back().vs_baseline->p);
    }
    const auto holm = stats::holm_adjust(raw_p);
    const auto bh = stats::benjamini_hochberg_adjust(raw_p);
    ordered_json cells_json = ordered_json::array();
    cells_json.push_back({{"name", result.baseline}, {"baseline", true}, {"metrics", metrics_to_json(result.rows[0].metrics)}});
    for (std::size_t i = 1; i < result.rows.size(); ++i) {
        auto& row = result.rows[i];
        row.vs_baseline->p_adjusted = holm[i - 1];
        auto cmp = comparison_to_json(*row.vs_baseline);
        cmp["p_holm"] = holm[i - 1];
        cmp["p_bh"] = bh[i - 1];
        cells_json.push_back({{"name", row.name}, {"metrics", metrics_to_json(row.metrics)}, {"vs_baseline", cmp}});
    }
    result.json = {{"baseline", result.baseline}, {"adjustment", "holm (p_adjusted), bh"}, {"cells", cells_json}};
    std::filesystem::create_directories(rundir);
    write_file_atomic(rundir / "results.json", result.json.dump(2) + "\n");
    write_file_atomic(rundir / "report.md", fmt::format("# Sweep\n\n{}", markdown_summary(result.rows, result.baseline)));
    return result;
}

} // namespace moecut

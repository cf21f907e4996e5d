// Finished loop-rate evaluations as the results views see them: a run folder
// of `moecut eval` (results.json, samples.jsonl) and a sweep folder of
// `moecut sweep` (results.json with one entry per grid cell, cells/<name>/).
// Metrics are moecut_core's own types, filled from results.json; the sample
// outcomes (probe id, sample index, source, outcome) are kept when the run has
// a sample file, so comparisons can be paired as `moecut eval` pairs them.
#pragma once

#include "moecut/eval_metrics.h"
#include "moecut/eval_record.h"

#include <nlohmann/json.hpp>

#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

struct EvalRunData
{
    QString folder;                   // the run folder
    QString label;                    // results.json "name", else the folder's name
    nlohmann::ordered_json results;   // results.json as written by moecut
    moecut::RunMetrics metrics;       // results.json "metrics"
    std::vector<moecut::SampleRecord> records; // outcomes only (no tokens, no text); may be empty
    QString recordsFile;              // where the records came from; empty when there are none

    bool hasRecords() const { return !records.empty(); }
    // The metrics of one source ("all" or "" for the overall row); nullptr when absent.
    const moecut::GroupMetrics* group(const QString& source) const;
    // results.json "settings" and "identity" (empty objects when missing).
    const nlohmann::ordered_json& settings() const;
    const nlohmann::ordered_json& identity() const;
};
using EvalRunPtr = std::shared_ptr<const EvalRunData>;

struct SweepCellData
{
    QString name;                                   // "min_p=0.05,rep_pen=1.1"
    std::vector<std::pair<QString, double>> values; // parsed from the name; empty for an outside baseline
    bool baseline = false;
    moecut::GroupMetrics overall;
    std::optional<moecut::Comparison> vsBaseline;   // p_adjusted holds Holm's
    std::optional<double> pBh;                      // Benjamini-Hochberg
    EvalRunPtr run;                                 // cells/<name>/, when it loads; may be null

    std::optional<double> value(const QString& key) const;
};

struct SweepData
{
    QString folder;
    QString label;              // the folder's name
    QString baseline;           // the baseline cell's (or run's) name
    nlohmann::ordered_json results;
    std::vector<SweepCellData> cells; // baseline first, as results.json lists them
    QStringList axes;                 // grid keys in the order the cell names give them
};
using SweepPtr = std::shared_ptr<const SweepData>;

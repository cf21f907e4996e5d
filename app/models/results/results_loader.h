// Loads evaluation results from disk: `moecut eval` run folders and `moecut
// sweep` folders. Bad input gives one line naming the file and the problem,
// as the CLI does ("RUN/results.json: not valid JSON (...)").
//
//   QString error;
//   if (EvalRunPtr run = ResultsLoader::loadRun(folder, &error)) ...
#pragma once

#include "results_data.h"

#include <QCoreApplication>
#include <QString>

class ResultsLoader
{
    Q_DECLARE_TR_FUNCTIONS(ResultsLoader)

public:
    enum class FolderKind { None, Run, Sweep };
    // What results.json in folder holds (None when there is none, or it is unreadable).
    static FolderKind kindOf(const QString& folder);

    // A run folder: results.json is required; records come from samples.jsonl,
    // else samples.sqlite, else there are none (comparisons then use counts).
    static EvalRunPtr loadRun(const QString& folder, QString* error);
    // A sweep folder: results.json with "cells"; each cells/<name>/ that
    // loads is attached to its cell (a cell folder that fails is left out
    // silently only when it is missing; a broken one is an error).
    static SweepPtr loadSweep(const QString& folder, QString* error);

    // Parsers shared with tests: results.json pieces into moecut's types.
    static moecut::GroupMetrics groupFromJson(const nlohmann::ordered_json& j);
    static moecut::RunMetrics metricsFromJson(const nlohmann::ordered_json& j);
    static moecut::Comparison comparisonFromJson(const nlohmann::ordered_json& j);
    // "min_p=0.05,rep_pen=1.1" -> {{"min_p", 0.05}, {"rep_pen", 1.1}}; empty when not a grid name.
    static std::vector<std::pair<QString, double>> parseCellName(const QString& name);
};

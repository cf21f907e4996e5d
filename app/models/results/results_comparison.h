// The loop-rate test of one run against a baseline, as `moecut eval
// --baseline` and `moecut eval-report` make it: moecut::compare_runs over the
// sample outcomes when both runs have them (McNemar when both hold the same
// (probe, sample) keys, else the z-test), otherwise the z-test, Fisher's test
// and Newcombe's interval from the counts in results.json (never paired).
#pragma once

#include "results_data.h"

#include <QCoreApplication>
#include <QString>

#include <optional>

class ResultsComparison
{
    Q_DECLARE_TR_FUNCTIONS(ResultsComparison)

public:
    // source: "" or "all" for the overall rate. nullopt when either run has no
    // valid sample there.
    static std::optional<moecut::Comparison> compare(const EvalRunData& baseline, const EvalRunData& candidate,
                                                     const QString& source = {});
    // From counts alone (loops of valid samples): independent arms.
    static std::optional<moecut::Comparison> compareCounts(const moecut::GroupMetrics& baseline,
                                                           const moecut::GroupMetrics& candidate);
    // "McNemar" when the primary p is McNemar's, else "z-test".
    static QString testName(const moecut::Comparison& c);
    // "***" p < 0.001, "**" < 0.01, "*" < 0.05, "ns" otherwise.
    static QString marker(double p);
};

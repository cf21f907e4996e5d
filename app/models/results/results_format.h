// How the results tables show numbers: rates as percentages, intervals in
// points, p-values with a floor.
#pragma once

#include <QCoreApplication>
#include <QString>

#include <optional>

class ResultsFormat
{
    Q_DECLARE_TR_FUNCTIONS(ResultsFormat)

public:
    // 0.0362 -> "3.6%".
    static QString percent(double rate, int decimals = 1);
    // [0.028, 0.045] -> "[2.8, 4.5]" (points).
    static QString interval(double lower, double upper, int decimals = 1);
    // Difference in points with a sign: 0.036 -> "+3.6 pts".
    static QString points(double diff, int decimals = 1);
    // 0.0123 -> "0.012"; 3e-6 -> "<0.001".
    static QString pValue(double p);
    static QString number(const std::optional<double>& value, int decimals);
};

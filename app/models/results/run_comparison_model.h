// Two runs side by side: per source (and "all" first) each run's loop rate
// with its 95% interval, the difference (B - A) with Newcombe's interval, and
// the test of B against A (ResultsComparison: McNemar on the shared samples
// of that source when both runs hold the same keys, else the z-test).
#pragma once

#include "results_data.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

#include <optional>
#include <vector>

class RunComparisonModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        SourceColumn,
        NAColumn,
        RateAColumn,
        LowerAColumn,
        UpperAColumn,
        NBColumn,
        RateBColumn,
        LowerBColumn,
        UpperBColumn,
        DiffColumn,      // B - A
        DiffLowerColumn, // Newcombe 95%
        DiffUpperColumn,
        PValueColumn,
        TestColumn,
        MarkerColumn,
        ColumnCount
    };

    explicit RunComparisonModel(QObject* parent = nullptr);

    // a is the baseline (A), b the candidate (B). Either may be null (empty model).
    void setRuns(const EvalRunPtr& a, const EvalRunPtr& b);
    void clear();
    EvalRunPtr runA() const { return m_a; }
    EvalRunPtr runB() const { return m_b; }
    // "all" then every source of either run, in name order.
    QStringList sources() const { return m_sources; }
    std::optional<moecut::Comparison> comparison(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant raw(int row, int column) const;

    EvalRunPtr m_a, m_b;
    QStringList m_sources;
    std::vector<std::optional<moecut::Comparison>> m_comparisons;
};

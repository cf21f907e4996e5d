// The leaderboard: one row per evaluation run (model/configuration) with its
// loop rate and 95% interval, EOS rate, distinct-4, median tokens and n, and
// the test of its loop rate against a chosen baseline row (ResultsComparison:
// McNemar when both runs hold the same sample keys, else the z-test), Holm-
// adjusted across the other rows as `moecut eval-report` does.
//
//   LeaderboardModel model;
//   model.setRuns({teacher, pruned, guarded});   // baseline: row 0
//   model.setBaseline(1);
#pragma once

#include "results_data.h"

#include <QAbstractTableModel>
#include <QList>

#include <optional>
#include <vector>

class LeaderboardModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        LabelColumn,
        NColumn,           // valid samples
        LoopRateColumn,
        LoopLowerColumn,   // 95% interval (the run's method: Clopper-Pearson or Wilson)
        LoopUpperColumn,
        EosRateColumn,
        Distinct4Column,
        MedianTokensColumn,
        DiffColumn,        // loop rate minus the baseline's
        PValueColumn,      // the primary p (McNemar when paired, else z)
        PAdjustedColumn,   // Holm across the non-baseline rows
        TestColumn,        // "McNemar" / "z-test"
        MarkerColumn,      // "***", "**", "*", "ns"; "baseline" on the baseline row
        ColumnCount
    };

    explicit LeaderboardModel(QObject* parent = nullptr);

    void setRuns(const QList<EvalRunPtr>& runs); // baseline back to row 0
    void clear();
    const QList<EvalRunPtr>& runs() const { return m_runs; }
    EvalRunPtr run(int row) const;

    int baseline() const { return m_baseline; } // -1 when empty
    void setBaseline(int row);
    // The row's test against the baseline (p_adjusted = Holm); nullopt on the
    // baseline row or when a run has no valid sample.
    std::optional<moecut::Comparison> comparison(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void baselineChanged(int row);

private:
    void recompute();
    QVariant raw(int row, int column) const;
    QVariant display(int row, int column) const;

    QList<EvalRunPtr> m_runs;
    std::vector<std::optional<moecut::Comparison>> m_comparisons;
    int m_baseline = -1;
};

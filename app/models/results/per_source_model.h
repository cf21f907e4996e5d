// Loop rates per prompt source: one row per (run, source) pair, runs in the
// order given and each run's sources in name order, with the 95% interval.
// Sources a run lacks get no row.
#pragma once

#include "results_data.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

class PerSourceModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        RunColumn,
        SourceColumn,
        NColumn,      // valid samples
        LoopsColumn,
        LoopRateColumn,
        LoopLowerColumn,
        LoopUpperColumn,
        EosRateColumn,
        Distinct4Column,
        MedianTokensColumn,
        ColumnCount
    };
    enum Role { RunIndexRole = Qt::UserRole + 20 }; // the run's index in runs(), any column

    explicit PerSourceModel(QObject* parent = nullptr);

    void setRuns(const QList<EvalRunPtr>& runs);
    void clear();
    const QList<EvalRunPtr>& runs() const { return m_runs; }
    // Every source of any run, in name order.
    QStringList sources() const { return m_sources; }
    // The row of (run, source), or -1 when that run has no such source.
    int rowOf(int runIndex, const QString& source) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        int run = 0;
        const moecut::GroupMetrics* group = nullptr; // owned by the run
    };
    QVariant raw(const Row& row, int column) const;

    QList<EvalRunPtr> m_runs;
    QList<Row> m_rows;
    QStringList m_sources;
};

// A guardrail sweep as a table and a grid: one row per cell (baseline first,
// as `moecut sweep` lists them) with its loop rate and 95% interval, the test
// against the baseline cell and the p-values adjusted across the cells (Holm
// and Benjamini-Hochberg). The grid view picks two axes (by default min_p
// and rep_pen when the sweep has them, else its first two keys).
//
// On load the comparisons are the sweep's own (results.json); setBaseline()
// makes another cell the baseline and tests every cell against it with
// ResultsComparison (paired on the cells' samples when they are there).
#pragma once

#include "results_data.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

#include <optional>
#include <vector>

class SweepModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        CellColumn,
        XColumn,          // the value of xKey()
        YColumn,          // the value of yKey()
        NColumn,
        LoopsColumn,
        LoopRateColumn,
        LoopLowerColumn,
        LoopUpperColumn,
        DiffColumn,
        PValueColumn,
        PHolmColumn,
        PBhColumn,
        TestColumn,
        MarkerColumn,     // from the Holm-adjusted p; "baseline" on the baseline cell
        ColumnCount
    };

    explicit SweepModel(QObject* parent = nullptr);

    void setSweep(const SweepPtr& sweep);
    void clear();
    SweepPtr sweep() const { return m_sweep; }

    int baseline() const { return m_baseline; } // row; -1 when empty
    // Tests every cell against row; returns false (and changes nothing) for a bad row.
    bool setBaseline(int row);
    std::optional<moecut::Comparison> comparison(int row) const;
    std::optional<double> pBh(int row) const;

    // Grid axes: the keys shown as x and y (y may be empty for a one-axis sweep).
    QString xKey() const { return m_xKey; }
    QString yKey() const { return m_yKey; }
    void setAxes(const QString& xKey, const QString& yKey);
    QList<double> xValues() const; // sorted, distinct
    QList<double> yValues() const; // sorted, distinct; {0} placeholder when there is no y axis
    // The row of the cell at (xValues()[xi], yValues()[yi]), or -1.
    int rowAt(int xi, int yi) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void baselineChanged(int row);
    void axesChanged();

private:
    QVariant raw(int row, int column) const;
    std::optional<double> axisValue(int row, const QString& key) const;

    SweepPtr m_sweep;
    int m_baseline = -1;
    std::vector<std::optional<moecut::Comparison>> m_comparisons;
    std::vector<std::optional<double>> m_pBh;
    QString m_xKey, m_yKey;
};

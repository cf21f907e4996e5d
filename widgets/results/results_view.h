// The results page: loop-rate evaluations and guardrail sweeps together.
// Tabs: Leaderboard (LoopRateChart, baseline selector, table), Per source
// (PerSourceChart, table), Sweep (sweep selector, SweepHeatmap,
// SweepLinesChart, table), Compare (two run selectors, RunComparisonView).
// A toolbar exports the report (HTML, PDF, Markdown), the plot of the
// current tab (PNG, SVG, PDF) and its table (CSV).
//
//   ResultsView view;
//   view.setFolders({"out/eval/teacher", "out/eval/pruned", "out/sweep/pruned"});
//   view.setCommands({"moecut eval ...", "moecut sweep ..."});
#pragma once

#include "results_data.h"

#include <QList>
#include <QStringList>
#include <QWidget>

class LeaderboardModel;
class LoopRateChart;
class PerSourceChart;
class PerSourceModel;
class QComboBox;
class QTabWidget;
class QTableView;
class QAbstractItemModel;
class ResultsChart;
class RunComparisonModel;
class RunComparisonView;
class SweepHeatmap;
class SweepLinesChart;
class SweepModel;
struct ReportContent;

class ResultsView : public QWidget
{
    Q_OBJECT

public:
    explicit ResultsView(QWidget* parent = nullptr);
    ~ResultsView() override;

    // A `moecut eval` run folder or a `moecut sweep` folder (told apart by
    // results.json). false, with loadFailed(error), when it does not load.
    bool addFolder(const QString& folder, QString* error = nullptr);
    // Clears, then adds each folder; returns how many loaded.
    int setFolders(const QStringList& folders);
    void clear();

    // Exact command lines shown in reports (e.g. the experiment's job commands).
    void setCommands(const QStringList& commands);
    QStringList commands() const { return m_commands; }
    void setReportTitle(const QString& title);

    QList<EvalRunPtr> runs() const { return m_runs; }
    QList<SweepPtr> sweeps() const { return m_sweeps; }

    void setBaseline(int row);         // leaderboard row
    void setCurrentSweep(int index);   // in sweeps()
    void setComparedRuns(int a, int b); // indices in runs(); a is the baseline side

    LeaderboardModel* leaderboardModel() const { return m_leaderboard; }
    PerSourceModel* perSourceModel() const { return m_perSource; }
    SweepModel* sweepModel() const { return m_sweep; }
    RunComparisonModel* comparisonModel() const { return m_comparison; }
    LoopRateChart* loopRateChart() const { return m_loopRateChart; }
    PerSourceChart* perSourceChart() const { return m_perSourceChart; }
    SweepHeatmap* sweepHeatmap() const { return m_heatmap; }
    SweepLinesChart* sweepLinesChart() const { return m_lines; }
    RunComparisonView* comparisonView() const { return m_comparisonView; }

    // Everything loaded: the charts that have data, the tables, the runs
    // (sweep cells included) and the commands.
    ReportContent reportContent() const;
    // Format from the suffix (.html, .pdf, .md).
    bool exportReport(const QString& file, QString* error = nullptr);

signals:
    void loadFailed(const QString& message);
    void resultsChanged();

public slots:
    void exportReportDialog();
    void exportPlotDialog();
    void exportTableDialog();

private:
    void rebuildModels();
    void updateSelectors();
    ResultsChart* currentChart() const;
    const QAbstractItemModel* currentTable() const;
    static QTableView* makeTable(QAbstractItemModel* model, QWidget* parent);

    QList<EvalRunPtr> m_runs;
    QList<SweepPtr> m_sweeps;
    QStringList m_commands;
    QString m_title;

    LeaderboardModel* m_leaderboard;
    PerSourceModel* m_perSource;
    SweepModel* m_sweep;
    RunComparisonModel* m_comparison;

    QTabWidget* m_tabs;
    LoopRateChart* m_loopRateChart;
    PerSourceChart* m_perSourceChart;
    SweepHeatmap* m_heatmap;
    SweepLinesChart* m_lines;
    RunComparisonView* m_comparisonView;
    QComboBox* m_baselineBox;
    QComboBox* m_sweepBox;
    QComboBox* m_compareA;
    QComboBox* m_compareB;
    QTabWidget* m_sweepPlots;
};

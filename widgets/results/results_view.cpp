#include "results_view.h"

#include "csv_exporter.h"
#include "leaderboard_model.h"
#include "loop_rate_chart.h"
#include "per_source_chart.h"
#include "per_source_model.h"
#include "report_writer.h"
#include "results_loader.h"
#include "results_roles.h"
#include "run_comparison_chart.h"
#include "run_comparison_model.h"
#include "run_comparison_view.h"
#include "sweep_heatmap.h"
#include "sweep_lines_chart.h"
#include "sweep_model.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace {

QWidget* row(QWidget* parent, const QList<QWidget*>& widgets)
{
    auto* w = new QWidget(parent);
    auto* layout = new QHBoxLayout(w);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget* item : widgets)
        layout->addWidget(item);
    layout->addStretch();
    return w;
}

QSplitter* vsplit(QWidget* top, QWidget* bottom)
{
    auto* s = new QSplitter(Qt::Vertical);
    s->addWidget(top);
    s->addWidget(bottom);
    return s;
}

} // namespace

ResultsView::ResultsView(QWidget* parent)
    : QWidget(parent)
    , m_title(tr("Loop evaluation results"))
    , m_leaderboard(new LeaderboardModel(this))
    , m_perSource(new PerSourceModel(this))
    , m_sweep(new SweepModel(this))
    , m_comparison(new RunComparisonModel(this))
    , m_tabs(new QTabWidget(this))
    , m_loopRateChart(new LoopRateChart)
    , m_perSourceChart(new PerSourceChart)
    , m_heatmap(new SweepHeatmap)
    , m_lines(new SweepLinesChart)
    , m_comparisonView(new RunComparisonView)
    , m_baselineBox(new QComboBox)
    , m_sweepBox(new QComboBox)
    , m_compareA(new QComboBox)
    , m_compareB(new QComboBox)
    , m_sweepPlots(new QTabWidget)
{
    m_loopRateChart->setModel(m_leaderboard);
    m_perSourceChart->setModel(m_perSource);
    m_heatmap->setModel(m_sweep);
    m_lines->setModel(m_sweep);
    m_comparisonView->setModel(m_comparison);

    auto* toolbar = new QToolBar(this);
    toolbar->addAction(tr("Export report…"), this, &ResultsView::exportReportDialog);
    toolbar->addAction(tr("Export plot…"), this, &ResultsView::exportPlotDialog);
    toolbar->addAction(tr("Export table as CSV…"), this, &ResultsView::exportTableDialog);

    auto* board = new QWidget;
    auto* boardLayout = new QVBoxLayout(board);
    boardLayout->addWidget(row(board, {new QLabel(tr("Baseline:")), m_baselineBox}));
    boardLayout->addWidget(vsplit(m_loopRateChart, makeTable(m_leaderboard, board)), 1);
    m_tabs->addTab(board, tr("Leaderboard"));

    m_tabs->addTab(vsplit(m_perSourceChart, makeTable(m_perSource, nullptr)), tr("Per source"));

    auto* sweep = new QWidget;
    auto* sweepLayout = new QVBoxLayout(sweep);
    sweepLayout->addWidget(row(sweep, {new QLabel(tr("Sweep:")), m_sweepBox}));
    m_sweepPlots->addTab(m_heatmap, tr("Heatmap"));
    m_sweepPlots->addTab(m_lines, tr("Lines"));
    sweepLayout->addWidget(vsplit(m_sweepPlots, makeTable(m_sweep, sweep)), 1);
    m_tabs->addTab(sweep, tr("Sweep"));

    auto* compare = new QWidget;
    auto* compareLayout = new QVBoxLayout(compare);
    compareLayout->addWidget(row(compare, {new QLabel(tr("A (baseline):")), m_compareA, new QLabel(tr("B:")), m_compareB}));
    compareLayout->addWidget(m_comparisonView, 1);
    m_tabs->addTab(compare, tr("Compare"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(toolbar);
    layout->addWidget(m_tabs, 1);

    connect(m_baselineBox, &QComboBox::currentIndexChanged, this, &ResultsView::setBaseline);
    connect(m_sweepBox, &QComboBox::currentIndexChanged, this, &ResultsView::setCurrentSweep);
    auto compareChanged = [this] { setComparedRuns(m_compareA->currentIndex(), m_compareB->currentIndex()); };
    connect(m_compareA, &QComboBox::currentIndexChanged, this, compareChanged);
    connect(m_compareB, &QComboBox::currentIndexChanged, this, compareChanged);
}

ResultsView::~ResultsView() = default;

QTableView* ResultsView::makeTable(QAbstractItemModel* model, QWidget* parent)
{
    auto* table = new QTableView(parent);
    table->setModel(model);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    return table;
}

bool ResultsView::addFolder(const QString& folder, QString* error)
{
    QString message;
    bool ok = false;
    switch (ResultsLoader::kindOf(folder)) {
    case ResultsLoader::FolderKind::Sweep:
        if (SweepPtr sweep = ResultsLoader::loadSweep(folder, &message)) {
            m_sweeps.append(sweep);
            ok = true;
        }
        break;
    case ResultsLoader::FolderKind::Run:
    case ResultsLoader::FolderKind::None: // loadRun names the problem
        if (EvalRunPtr run = ResultsLoader::loadRun(folder, &message)) {
            m_runs.append(run);
            ok = true;
        }
        break;
    }
    if (!ok) {
        if (error)
            *error = message;
        emit loadFailed(message);
        return false;
    }
    rebuildModels();
    return true;
}

int ResultsView::setFolders(const QStringList& folders)
{
    clear();
    int loaded = 0;
    for (const QString& folder : folders)
        loaded += addFolder(folder) ? 1 : 0;
    return loaded;
}

void ResultsView::clear()
{
    m_runs.clear();
    m_sweeps.clear();
    rebuildModels();
}

void ResultsView::setCommands(const QStringList& commands)
{
    m_commands = commands;
}

void ResultsView::setReportTitle(const QString& title)
{
    m_title = title;
}

void ResultsView::rebuildModels()
{
    m_leaderboard->setRuns(m_runs);
    m_perSource->setRuns(m_runs);
    updateSelectors();
    setCurrentSweep(m_sweepBox->currentIndex());
    setComparedRuns(m_compareA->currentIndex(), m_compareB->currentIndex());
    emit resultsChanged();
}

void ResultsView::updateSelectors()
{
    const QSignalBlocker b1(m_baselineBox), b2(m_sweepBox), b3(m_compareA), b4(m_compareB);
    const int sweepIndex = m_sweepBox->currentIndex();
    m_baselineBox->clear();
    m_compareA->clear();
    m_compareB->clear();
    for (const EvalRunPtr& run : m_runs) {
        m_baselineBox->addItem(run->label);
        m_compareA->addItem(run->label);
        m_compareB->addItem(run->label);
    }
    m_baselineBox->setCurrentIndex(m_leaderboard->baseline());
    m_compareA->setCurrentIndex(m_runs.isEmpty() ? -1 : 0);
    m_compareB->setCurrentIndex(m_runs.size() > 1 ? 1 : m_compareA->currentIndex());
    m_sweepBox->clear();
    for (const SweepPtr& s : m_sweeps)
        m_sweepBox->addItem(s->label);
    m_sweepBox->setCurrentIndex(m_sweeps.isEmpty() ? -1 : std::clamp(sweepIndex, 0, int(m_sweeps.size()) - 1));
}

void ResultsView::setBaseline(int row)
{
    m_leaderboard->setBaseline(row);
    const QSignalBlocker block(m_baselineBox);
    m_baselineBox->setCurrentIndex(m_leaderboard->baseline());
}

void ResultsView::setCurrentSweep(int index)
{
    const SweepPtr sweep = m_sweeps.value(index);
    if (sweep != m_sweep->sweep())
        m_sweep->setSweep(sweep);
    const QSignalBlocker block(m_sweepBox);
    m_sweepBox->setCurrentIndex(sweep ? index : -1);
}

void ResultsView::setComparedRuns(int a, int b)
{
    m_comparison->setRuns(m_runs.value(a), m_runs.value(b));
    const QSignalBlocker b1(m_compareA), b2(m_compareB);
    m_compareA->setCurrentIndex(m_runs.value(a) ? a : -1);
    m_compareB->setCurrentIndex(m_runs.value(b) ? b : -1);
}

ReportContent ResultsView::reportContent() const
{
    ReportContent c;
    c.title = m_title;
    c.commands = m_commands;
    c.runs = m_runs;
    c.sweeps = m_sweeps;
    if (m_leaderboard->rowCount() > 0) {
        const EvalRunPtr base = m_leaderboard->run(m_leaderboard->baseline());
        c.summary = tr("%n run(s); every run is tested against the baseline %1 (McNemar when both runs hold the "
                       "same probe and sample keys, else the pooled z-test), Holm-adjusted across runs. "
                       "Intervals are 95%.", nullptr, int(m_runs.size()))
                        .arg(base ? base->label : QString());
        c.figures.append({m_loopRateChart->title(), m_loopRateChart->plot()});
        c.tables.append({tr("Leaderboard"), m_leaderboard});
    }
    if (m_perSource->rowCount() > 0) {
        c.figures.append({m_perSourceChart->title(), m_perSourceChart->plot()});
        c.tables.append({tr("Per source"), m_perSource});
    }
    if (m_sweep->rowCount() > 0) {
        c.figures.append({m_heatmap->title(), m_heatmap->plot()});
        c.figures.append({m_lines->title(), m_lines->plot()});
        c.tables.append({tr("Sweep %1").arg(m_sweep->sweep()->label), m_sweep});
        for (const auto& cell : m_sweep->sweep()->cells)
            if (cell.run)
                c.runs.append(cell.run);
    }
    if (m_comparison->rowCount() > 0 && m_comparison->runA() != m_comparison->runB()) {
        c.figures.append({m_comparisonView->differencesChart()->title(), m_comparisonView->differencesChart()->plot()});
        c.tables.append({tr("%1 vs %2").arg(m_comparison->runB()->label, m_comparison->runA()->label), m_comparison});
    }
    return c;
}

bool ResultsView::exportReport(const QString& file, QString* error)
{
    return ReportWriter::write(reportContent(), file, error);
}

ResultsChart* ResultsView::currentChart() const
{
    switch (m_tabs->currentIndex()) {
    case 0: return m_loopRateChart;
    case 1: return m_perSourceChart;
    case 2: return m_sweepPlots->currentIndex() == 0 ? static_cast<ResultsChart*>(m_heatmap) : m_lines;
    default: return m_comparisonView->differencesChart();
    }
}

const QAbstractItemModel* ResultsView::currentTable() const
{
    switch (m_tabs->currentIndex()) {
    case 0: return m_leaderboard;
    case 1: return m_perSource;
    case 2: return m_sweep;
    default: return m_comparison;
    }
}

void ResultsView::exportReportDialog()
{
    const QString file = QFileDialog::getSaveFileName(this, tr("Export report"), QString(), ReportWriter::fileFilter());
    if (file.isEmpty())
        return;
    QString error;
    if (!exportReport(file, &error))
        QMessageBox::warning(this, tr("Export report"), error);
}

void ResultsView::exportPlotDialog()
{
    ResultsChart* chart = currentChart();
    const QString file = QFileDialog::getSaveFileName(this, tr("Export plot"), QString(), PlotExporter::fileFilter());
    if (file.isEmpty())
        return;
    QString error;
    if (!chart->exportTo(file, &error))
        QMessageBox::warning(this, tr("Export plot"), error);
}

void ResultsView::exportTableDialog()
{
    const QString file = QFileDialog::getSaveFileName(this, tr("Export table"), QString(), tr("CSV (*.csv)"));
    if (file.isEmpty())
        return;
    QString error;
    if (!CsvExporter::writeFile(*currentTable(), file, &error, ResultsRoles::RawRole))
        QMessageBox::warning(this, tr("Export table"), error);
}

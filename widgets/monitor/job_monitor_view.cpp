#include "job_monitor_view.h"

#include "log_filter_model.h"
#include "log_model.h"
#include "metric_series_model.h"
#include "monitor_progress_model.h"
#include "monitor_session.h"
#include "qcustomplot_include.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QProgressBar>
#include <QScrollBar>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace {

// The metric shown first: an evaluation's loop rate, a distillation's loss.
const QStringList kDefaultMetrics{QStringLiteral("loop_rate"), QStringLiteral("kd_loss")};

} // namespace

JobMonitorView::JobMonitorView(QWidget* parent)
    : QWidget(parent)
{
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5% early
    m_refreshTimer.setInterval(kMinRefreshMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &JobMonitorView::refresh);

    m_step = new QLabel(this);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 1000);
    m_bar->setValue(0);
    m_eta = new QLabel(this);
    m_throughput = new QLabel(this);
    m_elapsed = new QLabel(this);
    m_current = new QLabel(this);
    m_current->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* barRow = new QHBoxLayout;
    barRow->addWidget(m_step);
    barRow->addWidget(m_bar, 1);
    auto* statsRow = new QHBoxLayout;
    statsRow->addWidget(m_eta);
    statsRow->addWidget(m_throughput);
    statsRow->addWidget(m_elapsed);
    statsRow->addWidget(m_current, 1);

    m_metricLabel = new QLabel(this);
    m_metricBox = new QComboBox(this);
    connect(m_metricBox, &QComboBox::activated, this, [this](int index) {
        m_metricChosen = true;
        m_metric = m_metricBox->itemData(index).toString();
        scheduleRefresh();
    });
    auto* metricRow = new QHBoxLayout;
    metricRow->addWidget(m_metricLabel);
    metricRow->addWidget(m_metricBox);
    metricRow->addStretch(1);

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(160);
    auto* lo = m_plot->addGraph();
    auto* hi = m_plot->addGraph();
    auto* value = m_plot->addGraph();
    lo->setPen(QPen(Qt::NoPen));
    hi->setPen(QPen(Qt::NoPen));
    hi->setBrush(QBrush(QColor(40, 110, 200, 60)));
    hi->setChannelFillGraph(lo);
    value->setPen(QPen(QColor(40, 110, 200), 2));
    value->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));

    auto* plotPane = new QWidget(this);
    auto* plotLayout = new QVBoxLayout(plotPane);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->addLayout(metricRow);
    plotLayout->addWidget(m_plot, 1);

    m_search = new QLineEdit(this);
    m_search->setClearButtonEnabled(true);
    m_filter = new LogFilterModel(this);
    connect(m_search, &QLineEdit::textChanged, m_filter, &LogFilterModel::setSearchText);
    m_logView = new QListView(this);
    m_logView->setModel(m_filter);
    m_logView->setUniformItemSizes(true);
    m_logView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_logView->setSelectionMode(QAbstractItemView::ExtendedSelection);

    auto* logPane = new QWidget(this);
    auto* logLayout = new QVBoxLayout(logPane);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addWidget(m_search);
    logLayout->addWidget(m_logView, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(plotPane);
    splitter->addWidget(logPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(barRow);
    layout->addLayout(statsRow);
    layout->addWidget(splitter, 1);

    retranslate();
    refresh();
    m_refreshCount = 0;
}

void JobMonitorView::setSession(MonitorSession* session)
{
    if (session == nullptr)
        setModels(nullptr, nullptr, nullptr);
    else
        setModels(session->progress(), session->metrics(), session->log());
}

void JobMonitorView::setModels(JobProgressModel* progress, MetricSeriesModel* metrics, LogModel* log)
{
    if (m_progress)
        disconnect(m_progress, nullptr, this, nullptr);
    if (m_metrics)
        disconnect(m_metrics, nullptr, this, nullptr);
    if (m_log)
        disconnect(m_log, nullptr, this, nullptr);
    m_progress = progress;
    m_metrics = metrics;
    m_log = log;
    if (m_progress) {
        connect(m_progress, &JobProgressModel::progressChanged, this, &JobMonitorView::scheduleRefresh);
        connect(m_progress, &QAbstractItemModel::modelReset, this, &JobMonitorView::scheduleRefresh);
    }
    if (m_metrics) {
        connect(m_metrics, &MetricSeriesModel::pointsAppended, this, &JobMonitorView::scheduleRefresh);
        connect(m_metrics, &QAbstractItemModel::modelReset, this, &JobMonitorView::scheduleRefresh);
    }
    if (m_log) {
        connect(m_log, &LogModel::linesAppended, this, &JobMonitorView::scheduleRefresh);
        connect(m_log, &QAbstractItemModel::modelReset, this, &JobMonitorView::scheduleRefresh);
    }
    m_filter->setSourceModel(m_log);
    m_metricChosen = false;
    m_metric.clear();
    scheduleRefresh();
}

void JobMonitorView::setMetric(const QString& name)
{
    m_metric = name;
    m_metricChosen = true;
    scheduleRefresh();
}

void JobMonitorView::scheduleRefresh()
{
    if (!m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void JobMonitorView::refresh()
{
    m_refreshTimer.stop();
    ++m_refreshCount;
    refreshProgress();
    refreshMetricChoices();
    refreshPlot();
    // A log scrolled to its end stays there as lines land.
    QScrollBar* bar = m_logView->verticalScrollBar();
    if (bar->value() >= bar->maximum() - 2)
        m_logView->scrollToBottom();
}

void JobMonitorView::refreshProgress()
{
    const QLocale locale;
    const JobProgressModel* p = m_progress;
    const bool have = p && p->currentStep() != nullptr;
    m_step->setText(have ? p->stepName() : tr("No progress yet"));
    if (have && p->total() > 0) {
        m_bar->setRange(0, 1000);
        m_bar->setValue(progressPermille());
        m_bar->setFormat(tr("%1 of %2 %3")
                             .arg(locale.toString(p->done()), locale.toString(p->total()),
                                  p->unit().isEmpty() ? tr("units") : p->unit()));
    } else {
        m_bar->setRange(0, 1000);
        m_bar->setValue(0);
        m_bar->setFormat(have ? tr("%1 %2").arg(locale.toString(p->done()), p->unit()) : QString());
    }
    m_eta->setText(etaText());
    m_throughput->setText(throughputText());
    m_elapsed->setText(p ? tr("Elapsed %1").arg(JobProgressModel::formatDuration(p->elapsedSeconds())) : QString());
    m_current->setText(currentText());
}

QString JobMonitorView::stepText() const { return m_step->text(); }

QString JobMonitorView::etaText() const
{
    if (!m_progress || m_progress->currentStep() == nullptr)
        return tr("ETA —");
    const auto eta = m_progress->etaSeconds();
    return eta ? tr("ETA %1").arg(JobProgressModel::formatDuration(*eta)) : tr("ETA —");
}

QString JobMonitorView::throughputText() const
{
    if (!m_progress || m_progress->currentStep() == nullptr || !m_progress->currentStep()->haveRate)
        return QString();
    const QString unit = m_progress->unit().isEmpty() ? tr("units") : m_progress->unit();
    return tr("%1 %2/s").arg(QLocale().toString(m_progress->throughput(), 'g', 3), unit);
}

QString JobMonitorView::currentText() const
{
    if (!m_progress || m_progress->currentItem().isEmpty())
        return QString();
    return tr("Now: %1").arg(m_progress->currentItem());
}

int JobMonitorView::progressPermille() const
{
    return m_progress ? static_cast<int>(m_progress->fraction() * 1000.0 + 0.5) : 0;
}

void JobMonitorView::refreshMetricChoices()
{
    const QStringList names = m_metrics ? m_metrics->names() : QStringList();
    QStringList shown;
    for (int i = 0; i < m_metricBox->count(); ++i)
        shown.append(m_metricBox->itemData(i).toString());
    if (shown != names) {
        m_metricBox->clear();
        for (const QString& name : names)
            m_metricBox->addItem(MetricSeriesModel::label(name), name);
    }
    if (!m_metricChosen || m_metric.isEmpty()) {
        m_metric = names.value(0);
        for (const QString& preferred : kDefaultMetrics)
            if (names.contains(preferred)) {
                m_metric = preferred;
                break;
            }
    }
    m_metricBox->setCurrentIndex(std::max(0, static_cast<int>(names.indexOf(m_metric))));
}

void JobMonitorView::refreshPlot()
{
    QVector<double> x, value, lo, hi;
    QString run;
    if (m_metrics && !m_metric.isEmpty()) {
        run = m_metrics->lastRun(m_metric);
        for (const auto& p : m_metrics->series(m_metric, run)) {
            x.append(p.step);
            value.append(p.value);
            lo.append(p.lo);
            hi.append(p.hi);
        }
    }
    m_plot->graph(0)->setData(x, lo, true);
    m_plot->graph(1)->setData(x, hi, true);
    m_plot->graph(2)->setData(x, value, true);
    const QString label = MetricSeriesModel::label(m_metric);
    m_plot->graph(2)->setName(label);
    m_plot->xAxis->setLabel(tr("step"));
    m_plot->yAxis->setLabel(run.isEmpty() ? label : tr("%1 (%2)").arg(label, run));
    if (!x.isEmpty()) {
        const double xmax = *std::max_element(x.begin(), x.end());
        m_plot->xAxis->setRange(0, std::max(1.0, xmax * 1.02));
        double ylo = *std::min_element(lo.begin(), lo.end()), yhi = *std::max_element(hi.begin(), hi.end());
        const bool rate = m_metric.endsWith(QLatin1String("_rate")) || m_metric.endsWith(QLatin1String("_agreement"));
        if (rate) {
            ylo = 0;
            yhi = std::min(1.0, std::max(yhi * 1.1, 0.05));
        } else if (yhi - ylo < 1e-9) {
            ylo -= 1;
            yhi += 1;
        }
        m_plot->yAxis->setRange(ylo, yhi);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int JobMonitorView::plottedPoints() const { return m_plot->graph(2)->dataCount(); }

QPair<double, double> JobMonitorView::lastBand() const
{
    const int n = m_plot->graph(2)->dataCount();
    if (n == 0)
        return {0.0, 0.0};
    return {(m_plot->graph(0)->data()->constEnd() - 1)->value, (m_plot->graph(1)->data()->constEnd() - 1)->value};
}

void JobMonitorView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void JobMonitorView::retranslate()
{
    m_metricLabel->setText(tr("Metric:"));
    m_search->setPlaceholderText(tr("Search the log"));
    m_plot->setToolTip(tr("The chosen metric as samples land; the band is its 95% interval"));
    refreshProgress();
}

// The live monitor of one job: a progress bar with the step, throughput,
// ETA, elapsed time and current item (JobProgressModel); a plot of one metric
// as it lands, with its 95% interval drawn as a band (MetricSeriesModel: the
// chosen metric's points of its latest run, e.g. loop rate by samples done);
// and a searchable log tail (LogModel through a LogFilterModel). The view
// owns no data: give it the models (setModels or setSession). Model changes
// are coalesced: the view refreshes at most every kMinRefreshMs (~25 per
// second), never per event.
#pragma once

#include <QPair>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QWidget>

class JobProgressModel;
class LogFilterModel;
class LogModel;
class MetricSeriesModel;
class MonitorSession;
class QCustomPlot;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QProgressBar;

class JobMonitorView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kMinRefreshMs = 40;

    explicit JobMonitorView(QWidget* parent = nullptr);

    // Any may be null. The view follows their signals until they are replaced or destroyed.
    void setModels(JobProgressModel* progress, MetricSeriesModel* metrics, LogModel* log);
    void setSession(MonitorSession* session);

    // The metric plotted ("loop_rate" by default when the job reports it, else its first metric).
    void setMetric(const QString& name);
    QString metric() const { return m_metric; }

    // For tests and the status bar: refreshes (replots) done so far, and what is shown.
    int refreshCount() const { return m_refreshCount; }
    bool refreshPending() const { return m_refreshTimer.isActive(); }
    QString stepText() const;
    QString etaText() const;
    QString throughputText() const;
    QString currentText() const;
    int progressPermille() const; // the bar's value, 0..1000
    int plottedPoints() const;     // points of the value line
    // (lo, hi) of the plotted band's last point; (0, 0) when none.
    QPair<double, double> lastBand() const;
    QLineEdit* searchEdit() const { return m_search; }
    QListView* logView() const { return m_logView; }
    LogFilterModel* logFilter() const { return m_filter; }
    QCustomPlot* plot() const { return m_plot; }

public slots:
    // Asks for a refresh; several calls within kMinRefreshMs make one.
    void scheduleRefresh();
    // Refreshes now (the timer's slot).
    void refresh();

protected:
    void changeEvent(QEvent* event) override;

private:
    void refreshProgress();
    void refreshPlot();
    void refreshMetricChoices();
    void retranslate();

    QPointer<JobProgressModel> m_progress;
    QPointer<MetricSeriesModel> m_metrics;
    QPointer<LogModel> m_log;
    QString m_metric;
    bool m_metricChosen = false; // set by the user or setMetric: no automatic choice then

    QTimer m_refreshTimer;
    int m_refreshCount = 0;

    QLabel* m_step = nullptr;
    QProgressBar* m_bar = nullptr;
    QLabel* m_eta = nullptr;
    QLabel* m_throughput = nullptr;
    QLabel* m_elapsed = nullptr;
    QLabel* m_current = nullptr;
    QLabel* m_metricLabel = nullptr;
    QComboBox* m_metricBox = nullptr;
    QCustomPlot* m_plot = nullptr;
    QLineEdit* m_search = nullptr;
    QListView* m_logView = nullptr;
    LogFilterModel* m_filter = nullptr;
};

// What the live monitor shows of one job: its progress, metric points and log
// lines, fed from the job's events. Wire JobController::eventsAvailable to
// onEventsAvailable and pick the job with setJobId(); the models go to
// JobMonitorView (widgets/monitor).
#pragma once

#include "log_model.h"
#include "metric_series_model.h"
#include "monitor_progress_model.h"

#include <nlohmann/json.hpp>

#include <QObject>
#include <QString>

#include <vector>

class MonitorSession : public QObject
{
    Q_OBJECT

public:
    explicit MonitorSession(QObject* parent = nullptr);

    JobProgressModel* progress() { return &m_progress; }
    MetricSeriesModel* metrics() { return &m_metrics; }
    LogModel* log() { return &m_log; }

    // The job whose events onEventsAvailable takes (-1: none). Changing it clears the models.
    void setJobId(qint64 jobId);
    qint64 jobId() const { return m_jobId; }

    // Every model takes the events it knows.
    void appendEvents(const std::vector<nlohmann::json>& events);
    // Reads a whole events.jsonl (moecut::EventFollower: torn lines skipped)
    // into the models; false when the file cannot be read.
    bool appendEventsFile(const QString& path);
    void clear();

public slots:
    void onEventsAvailable(qint64 jobId, const std::vector<nlohmann::json>& events);
    void onStderrAvailable(qint64 jobId, const QByteArray& chunk);

private:
    JobProgressModel m_progress;
    MetricSeriesModel m_metrics;
    LogModel m_log;
    qint64 m_jobId = -1;
};

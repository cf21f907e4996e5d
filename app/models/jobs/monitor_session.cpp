#include "monitor_session.h"

#include "moecut/job_events.h"

#include <QFileInfo>

#include <filesystem>

MonitorSession::MonitorSession(QObject* parent)
    : QObject(parent)
{
}

void MonitorSession::setJobId(qint64 jobId)
{
    if (jobId == m_jobId)
        return;
    m_jobId = jobId;
    clear();
}

void MonitorSession::appendEvents(const std::vector<nlohmann::json>& events)
{
    m_progress.appendEvents(events);
    m_metrics.appendEvents(events);
    m_log.appendEvents(events);
}

bool MonitorSession::appendEventsFile(const QString& path)
{
    if (!QFileInfo(path).isReadable())
        return false;
    moecut::EventFollower follower{std::filesystem::path(path.toStdString())};
    appendEvents(follower.read().events);
    return true;
}

void MonitorSession::clear()
{
    m_progress.clear();
    m_metrics.clear();
    m_log.clear();
}

void MonitorSession::onEventsAvailable(qint64 jobId, const std::vector<nlohmann::json>& events)
{
    if (jobId == m_jobId)
        appendEvents(events);
}

void MonitorSession::onStderrAvailable(qint64 jobId, const QByteArray& chunk)
{
    if (jobId == m_jobId)
        m_log.appendStderrText(chunk);
}

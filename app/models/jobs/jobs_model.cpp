#include "jobs_model.h"

#include "job_controller.h"

#include <QCoreApplication>
#include <QDateTime>

#include <chrono>

namespace {

QString durationText(std::int64_t ms)
{
    const qint64 s = ms / 1000;
    if (s < 60)
        return QCoreApplication::translate("JobsModel", "%1 s").arg(s);
    if (s < 3600)
        return QCoreApplication::translate("JobsModel", "%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("JobsModel", "%1 h %2 min").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
}

std::int64_t nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

JobsModel::JobsModel(JobController& controller, QObject* parent)
    : QAbstractTableModel(parent), m_controller(controller)
{
    m_jobs = loadJobs();
    connect(&controller, &JobController::jobsChanged, this, &JobsModel::onJobsChanged);
    connect(&controller, &JobController::jobStateChanged, this,
            [this](qint64 id, moecut::JobState) { onJobStateChanged(id); });
    connect(&controller, &JobController::jobProgressChanged, this, &JobsModel::onJobProgressChanged);
    connect(&controller, &JobController::eventsAvailable, this,
            [this](qint64 id, const std::vector<nlohmann::json>&) { onEventsAvailable(id); });
}

std::vector<moecut::JobRecord> JobsModel::loadJobs() const
{
    return m_controller.store().jobs(m_filter);
}

void JobsModel::setExperimentFilter(std::optional<qint64> experimentId)
{
    if (experimentId == m_filter)
        return;
    m_filter = experimentId;
    reload();
}

void JobsModel::reload()
{
    beginResetModel();
    m_experimentNames.clear();
    m_jobs = loadJobs();
    endResetModel();
}

int JobsModel::rowOf(qint64 jobId) const
{
    for (std::size_t i = 0; i < m_jobs.size(); ++i)
        if (m_jobs[i].id == jobId)
            return static_cast<int>(i);
    return -1;
}

void JobsModel::onJobsChanged()
{
    auto jobs = loadJobs();
    // New jobs have higher ids: append them; anything else is a reset.
    bool prefix = jobs.size() >= m_jobs.size();
    for (std::size_t i = 0; prefix && i < m_jobs.size(); ++i)
        prefix = jobs[i].id == m_jobs[i].id;
    if (!prefix) {
        beginResetModel();
        m_jobs = std::move(jobs);
        endResetModel();
        return;
    }
    for (std::size_t i = 0; i < m_jobs.size(); ++i)
        m_jobs[i] = jobs[i];
    if (!m_jobs.empty())
        emit dataChanged(index(0, 0), index(static_cast<int>(m_jobs.size()) - 1, ColumnCount - 1));
    if (jobs.size() == m_jobs.size())
        return;
    beginInsertRows(QModelIndex(), static_cast<int>(m_jobs.size()), static_cast<int>(jobs.size()) - 1);
    m_jobs = std::move(jobs);
    endInsertRows();
}

void JobsModel::onJobStateChanged(qint64 jobId)
{
    const int row = rowOf(jobId);
    if (row < 0) {
        onJobsChanged(); // a job this model has not seen yet
        return;
    }
    m_jobs[static_cast<std::size_t>(row)] = m_controller.store().job(jobId);
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void JobsModel::onJobProgressChanged(qint64 jobId, double fraction)
{
    const int row = rowOf(jobId);
    if (row < 0)
        return;
    m_jobs[static_cast<std::size_t>(row)].progress = fraction;
    emit dataChanged(index(row, ProgressColumn), index(row, ProgressColumn));
}

void JobsModel::onEventsAvailable(qint64 jobId)
{
    // The duration of a running job grows.
    const int row = rowOf(jobId);
    if (row >= 0)
        emit dataChanged(index(row, DurationColumn), index(row, DurationColumn));
}

QString JobsModel::experimentName(qint64 experimentId) const
{
    auto it = m_experimentNames.find(experimentId);
    if (it == m_experimentNames.end()) {
        QString name;
        try {
            name = QString::fromStdString(m_controller.store().experiment(experimentId).name);
        } catch (const std::exception&) {
            name = QString::number(experimentId);
        }
        it = m_experimentNames.emplace(experimentId, name).first;
    }
    return it->second;
}

int JobsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_jobs.size());
}

int JobsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString JobsModel::stateText(moecut::JobState state)
{
    switch (state) {
    case moecut::JobState::Queued: return tr("queued");
    case moecut::JobState::Running: return tr("running");
    case moecut::JobState::Succeeded: return tr("succeeded");
    case moecut::JobState::Failed: return tr("failed");
    case moecut::JobState::Cancelled: return tr("cancelled");
    case moecut::JobState::Lost: return tr("lost");
    }
    return tr("lost");
}

QVariant JobsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& job = m_jobs[static_cast<std::size_t>(index.row())];
    switch (role) {
    case JobIdRole: return QVariant::fromValue<qint64>(job.id);
    case StateRole: return static_cast<int>(job.state);
    case ProgressRole: return job.progress ? QVariant(*job.progress) : QVariant();
    case MessageRole: return QString::fromStdString(job.message);
    case Qt::ToolTipRole:
        if (index.column() == StateColumn && !job.message.empty())
            return QString::fromStdString(job.message);
        if (index.column() == RunDirColumn)
            return QString::fromStdString(job.run_dir.string());
        return {};
    case Qt::DisplayRole: break;
    default: return {};
    }
    switch (index.column()) {
    case ExperimentColumn: return experimentName(job.experiment_id);
    case StepColumn: return QString::fromStdString(job.step);
    case StateColumn: return stateText(job.state);
    case ProgressColumn:
        if (job.state == moecut::JobState::Succeeded)
            return QStringLiteral("100%");
        return job.progress ? QStringLiteral("%1%").arg(qRound(*job.progress * 100)) : QString();
    case StartedColumn: {
        const auto started = job.started_unix_ms ? job.started_unix_ms : job.launched_unix_ms;
        return started ? QDateTime::fromMSecsSinceEpoch(*started).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                       : QString();
    }
    case DurationColumn: {
        const auto started = job.started_unix_ms ? job.started_unix_ms : job.launched_unix_ms;
        if (!started)
            return QString();
        if (!job.ended_unix_ms && moecut::is_final(job.state))
            return QString(); // lost: its end is unknown
        const auto end = job.ended_unix_ms ? *job.ended_unix_ms : nowMs();
        return durationText(std::max<std::int64_t>(0, end - *started));
    }
    case RunDirColumn: return QString::fromStdString(job.run_dir.filename().string());
    default: return {};
    }
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ExperimentColumn: return tr("Experiment");
    case StepColumn: return tr("Step");
    case StateColumn: return tr("State");
    case ProgressColumn: return tr("Progress");
    case StartedColumn: return tr("Started");
    case DurationColumn: return tr("Duration");
    case RunDirColumn: return tr("Run folder");
    default: return {};
    }
}

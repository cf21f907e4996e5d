#include "monitor_progress_model.h"

#include "monitor_event_fields.h"

#include <QLocale>

#include <algorithm>

#include <cmath>

QString JobProgressModel::formatDuration(double seconds)
{
    const auto s = static_cast<qint64>(std::llround(std::max(0.0, seconds)));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

JobProgressModel::JobProgressModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void JobProgressModel::appendEvents(const std::vector<nlohmann::json>& events)
{
    bool changed = false, artifactsGrew = false;
    QString newState;
    for (const auto& e : events) {
        const QString kind = MonitorEvent::kind(e);
        if (kind.isEmpty())
            continue;
        // The elapsed time spans the events that say when they were written
        // (a runner's start line without "t" must not stretch a replayed run to now).
        if (const auto t = MonitorEvent::number(e, "t")) {
            if (!m_jobFirst || *t < *m_jobFirst)
                m_jobFirst = *t;
            if (!m_jobLast || *t > *m_jobLast)
                m_jobLast = *t;
        }
        if (kind == QLatin1String("progress")) {
            applyProgress(e);
            changed = true;
        } else if (kind == QLatin1String("status")) {
            const QString state = MonitorEvent::text(e, "state");
            if (!state.isEmpty() && state != m_state) {
                m_state = state;
                newState = state;
                changed = true;
            }
        } else if (kind == QLatin1String("artifact")) {
            m_artifacts.append({MonitorEvent::text(e, "kind"), MonitorEvent::text(e, "path")});
            artifactsGrew = changed = true;
        }
    }
    if (!newState.isEmpty())
        emit stateChanged(newState);
    if (artifactsGrew)
        emit artifactsChanged();
    if (changed)
        emit progressChanged();
}

void JobProgressModel::applyProgress(const nlohmann::json& e)
{
    const QString name = MonitorEvent::text(e, "step");
    const auto doneValue = MonitorEvent::number(e, "done");
    if (!doneValue)
        return;
    const auto done = static_cast<quint64>(std::max(0.0, *doneValue));
    const auto total = static_cast<quint64>(std::max(0.0, MonitorEvent::number(e, "total").value_or(0.0)));
    const double t = MonitorEvent::time(e);

    const bool sameStep = !m_steps.empty() && m_steps.back().name == name && done >= m_steps.back().done;
    if (!sameStep) {
        const int row = static_cast<int>(m_steps.size());
        beginInsertRows({}, row, row);
        Step s;
        s.name = name;
        s.done = done;
        s.total = total;
        s.firstTime = s.lastTime = t;
        s.unit = MonitorEvent::text(e, "unit");
        s.current = MonitorEvent::text(e, "current");
        m_steps.push_back(s);
        endInsertRows();
        return;
    }
    Step& s = m_steps.back();
    const double dt = t - s.lastTime;
    if (dt > 0) {
        // Time-weighted EWMA: an update after dt seconds weighs 1 - exp(-dt / tau).
        const double rate = static_cast<double>(done - s.done) / dt;
        if (!s.haveRate) {
            s.throughput = rate;
            s.haveRate = true;
        } else {
            const double alpha = 1.0 - std::exp(-dt / m_tau);
            s.throughput += alpha * (rate - s.throughput);
        }
        s.done = done;
        s.lastTime = t;
    } else if (done != s.done) {
        // Same instant (or an unordered time): count the units, keep the anchor time.
        s.done = done;
    }
    s.total = total;
    const QString unit = MonitorEvent::text(e, "unit");
    if (!unit.isEmpty())
        s.unit = unit;
    const QString current = MonitorEvent::text(e, "current");
    if (!current.isEmpty())
        s.current = current;
    const int row = static_cast<int>(m_steps.size()) - 1;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void JobProgressModel::clear()
{
    beginResetModel();
    m_steps.clear();
    m_state.clear();
    m_artifacts.clear();
    m_jobFirst.reset();
    m_jobLast.reset();
    endResetModel();
    emit progressChanged();
}

QString JobProgressModel::stepName() const { return m_steps.empty() ? QString() : m_steps.back().name; }
quint64 JobProgressModel::done() const { return m_steps.empty() ? 0 : m_steps.back().done; }
quint64 JobProgressModel::total() const { return m_steps.empty() ? 0 : m_steps.back().total; }
QString JobProgressModel::currentItem() const { return m_steps.empty() ? QString() : m_steps.back().current; }
QString JobProgressModel::unit() const { return m_steps.empty() ? QString() : m_steps.back().unit; }
double JobProgressModel::throughput() const { return m_steps.empty() ? 0.0 : m_steps.back().throughput; }

double JobProgressModel::fraction() const
{
    if (m_steps.empty() || m_steps.back().total == 0)
        return 0.0;
    return std::min(1.0, static_cast<double>(m_steps.back().done) / static_cast<double>(m_steps.back().total));
}

std::optional<double> JobProgressModel::etaOf(const Step& s)
{
    if (s.total == 0)
        return std::nullopt;
    if (s.done >= s.total)
        return 0.0;
    if (!s.haveRate || s.throughput <= 0)
        return std::nullopt;
    return static_cast<double>(s.total - s.done) / s.throughput;
}

std::optional<double> JobProgressModel::etaSeconds() const
{
    return m_steps.empty() ? std::nullopt : etaOf(m_steps.back());
}

double JobProgressModel::elapsedSeconds() const
{
    return m_jobFirst && m_jobLast ? *m_jobLast - *m_jobFirst : 0.0;
}

int JobProgressModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_steps.size());
}

int JobProgressModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobProgressModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Step& s = m_steps[static_cast<std::size_t>(index.row())];
    const double fraction = s.total > 0 ? std::min(1.0, static_cast<double>(s.done) / static_cast<double>(s.total)) : 0.0;
    const auto eta = etaOf(s);
    switch (role) {
    case DoneRole:
        return QVariant::fromValue<qulonglong>(s.done);
    case TotalRole:
        return QVariant::fromValue<qulonglong>(s.total);
    case FractionRole:
        return fraction;
    case UnitRole:
        return s.unit;
    case CurrentRole:
        return s.current;
    case ThroughputRole:
        return s.throughput;
    case EtaRole:
        return eta ? QVariant(*eta) : QVariant();
    case ElapsedRole:
        return s.lastTime - s.firstTime;
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    const QLocale locale;
    switch (index.column()) {
    case StepColumn:
        return s.name;
    case DoneColumn:
        return locale.toString(s.done);
    case TotalColumn:
        return s.total > 0 ? locale.toString(s.total) : QString();
    case FractionColumn:
        return s.total > 0 ? tr("%1%").arg(locale.toString(fraction * 100.0, 'f', 0)) : QString();
    case ThroughputColumn:
        return s.haveRate ? tr("%1 %2/s").arg(locale.toString(s.throughput, 'g', 3), s.unit.isEmpty() ? tr("units") : s.unit)
                          : QString();
    case EtaColumn:
        return eta ? formatDuration(*eta) : QString();
    case CurrentColumn:
        return s.current;
    default:
        return {};
    }
}

QVariant JobProgressModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StepColumn:
        return tr("Step");
    case DoneColumn:
        return tr("Done");
    case TotalColumn:
        return tr("Total");
    case FractionColumn:
        return tr("Progress");
    case ThroughputColumn:
        return tr("Throughput");
    case EtaColumn:
        return tr("ETA");
    case CurrentColumn:
        return tr("Current");
    default:
        return {};
    }
}

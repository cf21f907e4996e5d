#include "log_model.h"

#include "monitor_event_fields.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

#include <algorithm>

LogModel::LogModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

LogModel::Level LogModel::levelFromName(const QString& name)
{
    const QString n = name.toLower();
    if (n == QLatin1String("debug") || n == QLatin1String("trace"))
        return Level::Debug;
    if (n == QLatin1String("warning") || n == QLatin1String("warn"))
        return Level::Warning;
    if (n == QLatin1String("error") || n == QLatin1String("fatal") || n == QLatin1String("critical"))
        return Level::Error;
    return Level::Info;
}

QString LogModel::levelName(Level level)
{
    switch (level) {
    case Level::Debug:
        return QStringLiteral("debug");
    case Level::Warning:
        return QStringLiteral("warning");
    case Level::Error:
        return QStringLiteral("error");
    case Level::Info:
        break;
    }
    return QStringLiteral("info");
}

void LogModel::appendEvents(const std::vector<nlohmann::json>& events)
{
    std::vector<Line> fresh;
    for (const auto& e : events) {
        const QString kind = MonitorEvent::kind(e);
        Line line;
        line.time = MonitorEvent::time(e);
        if (kind == QLatin1String("log")) {
            line.level = levelFromName(MonitorEvent::text(e, "level"));
            line.message = MonitorEvent::text(e, "message");
        } else if (kind == QLatin1String("status")) {
            const QString state = MonitorEvent::text(e, "state");
            const auto code = MonitorEvent::number(e, "exit_code");
            line.level = state == QLatin1String("failed") || state == QLatin1String("lost") ? Level::Error : Level::Info;
            line.message = code ? tr("job %1 (exit code %2)").arg(state).arg(static_cast<qint64>(*code))
                                : tr("job %1").arg(state);
        } else if (kind == QLatin1String("artifact")) {
            line.message = tr("wrote %1: %2").arg(MonitorEvent::text(e, "kind"), MonitorEvent::text(e, "path"));
        } else {
            continue;
        }
        fresh.push_back(std::move(line));
    }
    append(std::move(fresh));
}

void LogModel::appendStderrText(const QByteArray& chunk)
{
    m_partial += chunk;
    const int end = m_partial.lastIndexOf('\n');
    if (end < 0)
        return;
    const QByteArray complete = m_partial.left(end);
    m_partial.remove(0, end + 1);
    std::vector<Line> fresh;
    for (QByteArray raw : complete.split('\n')) {
        if (raw.endsWith('\r'))
            raw.chop(1);
        // A progress bar redraws with \r: the last state is the line.
        const int cr = raw.lastIndexOf('\r');
        if (cr >= 0)
            raw = raw.mid(cr + 1);
        if (raw.trimmed().isEmpty())
            continue;
        if (raw.startsWith('{')) {
            const auto j = nlohmann::json::parse(raw.constData(), raw.constData() + raw.size(), nullptr, false);
            if (!j.is_discarded() && j.is_object() && j.contains("event"))
                continue; // moecut's JSON progress lines; the events carry them
        }
        Line line;
        line.fromStderr = true;
        line.message = QString::fromUtf8(raw);
        const QString lower = line.message.left(64).toLower();
        if (lower.contains(QLatin1String("error")))
            line.level = Level::Error;
        else if (lower.contains(QLatin1String("warning")))
            line.level = Level::Warning;
        fresh.push_back(std::move(line));
    }
    append(std::move(fresh));
}

void LogModel::append(std::vector<Line>&& fresh)
{
    if (fresh.empty())
        return;
    if (fresh.size() > static_cast<std::size_t>(m_maxRows))
        fresh.erase(fresh.begin(), fresh.end() - m_maxRows);
    const int overflow = static_cast<int>(m_lines.size() + fresh.size()) - m_maxRows;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_lines.erase(m_lines.begin(), m_lines.begin() + overflow);
        endRemoveRows();
    }
    const int first = static_cast<int>(m_lines.size());
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    for (auto& l : fresh)
        m_lines.push_back(std::move(l));
    endInsertRows();
    emit linesAppended();
}

void LogModel::clear()
{
    beginResetModel();
    m_lines.clear();
    m_partial.clear();
    endResetModel();
}

void LogModel::setMaxRows(int rows)
{
    m_maxRows = std::max(1, rows);
    const int overflow = static_cast<int>(m_lines.size()) - m_maxRows;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_lines.erase(m_lines.begin(), m_lines.begin() + overflow);
        endRemoveRows();
    }
}

int LogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_lines.size());
}

QVariant LogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Line& l = m_lines[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole: {
        if (l.fromStderr || l.time <= 0)
            return l.message;
        const QString time = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(l.time * 1000.0)).toString(QStringLiteral("HH:mm:ss"));
        return tr("%1 %2  %3").arg(time, levelName(l.level), l.message);
    }
    case Qt::ToolTipRole:
    case MessageRole:
        return l.message;
    case Qt::ForegroundRole:
        if (l.level == Level::Error)
            return QBrush(QColor(0xb0, 0x20, 0x20));
        if (l.level == Level::Warning)
            return QBrush(QColor(0x9a, 0x60, 0x00));
        if (l.level == Level::Debug)
            return QBrush(QColor(0x70, 0x70, 0x70));
        return {};
    case LevelRole:
        return static_cast<int>(l.level);
    case LevelNameRole:
        return levelName(l.level);
    case TimeRole:
        return l.time;
    case SourceRole:
        return l.fromStderr ? QStringLiteral("stderr") : QStringLiteral("events");
    default:
        return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(LevelRole, QByteArrayLiteral("level"));
    names.insert(LevelNameRole, QByteArrayLiteral("levelName"));
    names.insert(MessageRole, QByteArrayLiteral("message"));
    names.insert(TimeRole, QByteArrayLiteral("time"));
    names.insert(SourceRole, QByteArrayLiteral("source"));
    return names;
}

// The log of one job: the lines of its log events (moecut/job_events.h),
// status and artifact events as lines of their own, and optionally the
// job's stderr.log text (appendStderrText; the JSON progress lines moecut
// writes there are left out, the events carry them). Keeps the newest
// maxRows() lines. LogFilterModel (log_filter_model.h) searches it.
#pragma once

#include <nlohmann/json.hpp>

#include <QAbstractListModel>
#include <QByteArray>
#include <QString>

#include <deque>
#include <vector>

class LogModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum class Level { Debug, Info, Warning, Error };
    Q_ENUM(Level)
    enum Role {
        LevelRole = Qt::UserRole + 1, // int (Level)
        LevelNameRole,                // QString: "debug", "info", "warning", "error"
        MessageRole,                  // QString: the message alone
        TimeRole,                     // double unix seconds (0 for stderr lines)
        SourceRole,                   // QString: "events" or "stderr"
    };

    struct Line {
        Level level = Level::Info;
        QString message;
        double time = 0;
        bool fromStderr = false;
    };

    explicit LogModel(QObject* parent = nullptr);

    // Takes log, status and artifact events; skips the others.
    void appendEvents(const std::vector<nlohmann::json>& events);
    // A chunk of stderr.log as read (any split): complete lines are added, a
    // partial last line waits for the next chunk.
    void appendStderrText(const QByteArray& chunk);
    void clear();

    void setMaxRows(int rows);
    int maxRows() const { return m_maxRows; }
    const Line& line(int row) const { return m_lines[static_cast<std::size_t>(row)]; }

    static Level levelFromName(const QString& name);
    static QString levelName(Level level);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void linesAppended();

private:
    void append(std::vector<Line>&& fresh);

    std::deque<Line> m_lines;
    QByteArray m_partial;
    int m_maxRows = 10000;
};

// The progress of one job, from its events (moecut/job_events.h): one row per
// progress step in the order they began ("saliency", "prune", "eval", ...; a
// step whose count starts over, as each sweep cell's "eval" does, is a new
// row). Each row: done of total, fraction, unit, the item being worked on,
// throughput (an exponentially weighted moving average of units per second
// over the events' "t" times), ETA and elapsed time. The last row is the
// job's current step; the accessors without a row read it.
// Also keeps the job's state (status events) and artifacts.
#pragma once

#include <nlohmann/json.hpp>

#include <QAbstractTableModel>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>
#include <vector>

class JobProgressModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { StepColumn, DoneColumn, TotalColumn, FractionColumn, ThroughputColumn, EtaColumn, CurrentColumn, ColumnCount };
    enum Role {
        DoneRole = Qt::UserRole + 1, // qulonglong
        TotalRole,                   // qulonglong
        FractionRole,                // double in [0, 1]
        UnitRole,                    // QString ("samples", "bytes", ... or empty)
        CurrentRole,                 // QString
        ThroughputRole,              // double, units per second (0 when not known yet)
        EtaRole,                     // double seconds, or invalid QVariant when not known
        ElapsedRole,                 // double seconds since the step's first event
    };

    struct Step {
        QString name, unit, current;
        quint64 done = 0, total = 0;
        double firstTime = 0, lastTime = 0;
        double throughput = 0; // EWMA, units per second
        bool haveRate = false;
    };

    explicit JobProgressModel(QObject* parent = nullptr);

    // Takes the progress, status and artifact events; skips the others.
    void appendEvents(const std::vector<nlohmann::json>& events);
    void clear();

    // Time constant of the throughput average, seconds (default 10).
    void setSmoothingSeconds(double seconds) { m_tau = seconds > 0 ? seconds : 10.0; }

    // The current (last) step; empty name, 0 done when there is none.
    const Step* currentStep() const { return m_steps.empty() ? nullptr : &m_steps.back(); }
    QString stepName() const;
    quint64 done() const;
    quint64 total() const;
    double fraction() const;          // 0 when total is 0
    double throughput() const;        // units per second
    std::optional<double> etaSeconds() const;
    QString currentItem() const;
    QString unit() const;
    // From the job's first to its last event that carries a time ("t").
    double elapsedSeconds() const;
    // The job's state from its last status event ("succeeded", ...), or empty.
    QString state() const { return m_state; }
    // (kind, path) of every artifact event, in order.
    QList<QPair<QString, QString>> artifacts() const { return m_artifacts; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static std::optional<double> etaOf(const Step& step);
    // "m:ss" or "h:mm:ss".
    static QString formatDuration(double seconds);

signals:
    // Any of done, total, current, throughput, state or artifacts changed.
    void progressChanged();
    void stateChanged(const QString& state);
    void artifactsChanged();

private:
    void applyProgress(const nlohmann::json& event);

    std::vector<Step> m_steps;
    QString m_state;
    QList<QPair<QString, QString>> m_artifacts;
    double m_tau = 10.0;
    std::optional<double> m_jobFirst, m_jobLast;
};

// The metric points of one job, from its metric events (moecut/job_events.h):
// one row per point, in arrival order, of any number of metric names
// ("loop_rate", "eos_rate", ...; moecut kd's kd_loss, kd_kl,
// kd_top1_agreement, kd_router_entropy, kd_heldout_kl by step) and runs (sweep cells). Columns: name, run,
// step, value, and the 95% interval (lo, hi) when the event had one. A point
// without "step" gets the number of points of its (name, run) so far.
#pragma once

#include <nlohmann/json.hpp>

#include <QAbstractTableModel>
#include <QString>
#include <QStringList>

#include <vector>

class MetricSeriesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, RunColumn, StepColumn, ValueColumn, LowColumn, HighColumn, CountColumn, ColumnCount };
    enum Role {
        NumberRole = Qt::UserRole + 1, // the column's raw number (double), or the name/run string
        LabelRole,                     // the metric's readable, translated name (label()), any column
    };

    struct Point {
        QString name, run;
        double step = 0, value = 0, lo = 0, hi = 0;
        bool hasInterval = false;
        qint64 n = -1; // trials behind the value; -1 when not given
        double time = 0;
    };

    explicit MetricSeriesModel(QObject* parent = nullptr);

    // Takes the metric events; skips the others and metrics without a numeric value.
    void appendEvents(const std::vector<nlohmann::json>& events);
    void clear();

    const std::vector<Point>& points() const { return m_points; }
    // A metric's readable, translated name ("kd_kl" -> "KL to the teacher");
    // a name it does not know comes back unchanged.
    static QString label(const QString& name);
    // Metric names in order of first appearance.
    QStringList names() const { return m_names; }
    // Runs that reported name, in order of first appearance.
    QStringList runs(const QString& name) const;
    // The run of name's last point (the one a live plot follows), or empty.
    QString lastRun(const QString& name) const;
    // The points of (name, run), in arrival order.
    std::vector<Point> series(const QString& name, const QString& run) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    // Rows were appended (also emitted after clear(), with no rows).
    void pointsAppended();
    void namesChanged(const QStringList& names);

private:
    std::vector<Point> m_points;
    QStringList m_names;
};

#include "metric_series_model.h"

#include "monitor_event_fields.h"

#include <QLocale>

#include <iterator>
#include <map>

MetricSeriesModel::MetricSeriesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void MetricSeriesModel::appendEvents(const std::vector<nlohmann::json>& events)
{
    std::vector<Point> fresh;
    std::map<std::pair<QString, QString>, int> counts; // points per (name, run) so far, for missing steps
    auto countOf = [&](const QString& name, const QString& run) -> int& {
        auto it = counts.find({name, run});
        if (it == counts.end()) {
            int n = 0;
            for (const auto& p : m_points)
                n += p.name == name && p.run == run;
            it = counts.emplace(std::make_pair(name, run), n).first;
        }
        return it->second;
    };
    bool namesGrew = false;
    for (const auto& e : events) {
        if (MonitorEvent::kind(e) != QLatin1String("metric"))
            continue;
        const auto value = MonitorEvent::number(e, "value");
        const QString name = MonitorEvent::text(e, "name");
        if (!value || name.isEmpty())
            continue;
        Point p;
        p.name = name;
        p.run = MonitorEvent::text(e, "run");
        p.value = *value;
        const auto lo = MonitorEvent::number(e, "lo");
        const auto hi = MonitorEvent::number(e, "hi");
        p.hasInterval = lo && hi;
        p.lo = lo.value_or(p.value);
        p.hi = hi.value_or(p.value);
        p.n = static_cast<qint64>(MonitorEvent::number(e, "n").value_or(-1.0));
        p.time = MonitorEvent::time(e);
        int& count = countOf(p.name, p.run);
        ++count;
        p.step = MonitorEvent::number(e, "step").value_or(static_cast<double>(count));
        if (!m_names.contains(name)) {
            m_names.append(name);
            namesGrew = true;
        }
        fresh.push_back(std::move(p));
    }
    if (fresh.empty())
        return;
    const int first = static_cast<int>(m_points.size());
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    m_points.insert(m_points.end(), std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
    endInsertRows();
    if (namesGrew)
        emit namesChanged(m_names);
    emit pointsAppended();
}

void MetricSeriesModel::clear()
{
    beginResetModel();
    m_points.clear();
    m_names.clear();
    endResetModel();
    emit namesChanged(m_names);
    emit pointsAppended();
}

QStringList MetricSeriesModel::runs(const QString& name) const
{
    QStringList out;
    for (const auto& p : m_points)
        if (p.name == name && !out.contains(p.run))
            out.append(p.run);
    return out;
}

QString MetricSeriesModel::lastRun(const QString& name) const
{
    for (auto it = m_points.rbegin(); it != m_points.rend(); ++it)
        if (it->name == name)
            return it->run;
    return {};
}

std::vector<MetricSeriesModel::Point> MetricSeriesModel::series(const QString& name, const QString& run) const
{
    std::vector<Point> out;
    for (const auto& p : m_points)
        if (p.name == name && p.run == run)
            out.push_back(p);
    return out;
}

QString MetricSeriesModel::label(const QString& name)
{
    if (name == QLatin1String("loop_rate"))
        return tr("Loop rate");
    if (name == QLatin1String("eos_rate"))
        return tr("EOS rate");
    if (name == QLatin1String("kd_loss"))
        return tr("KD loss");
    if (name == QLatin1String("kd_kl"))
        return tr("KL to the teacher");
    if (name == QLatin1String("kd_top1_agreement"))
        return tr("Top-1 agreement with the teacher");
    if (name == QLatin1String("kd_router_entropy"))
        return tr("Router entropy");
    if (name == QLatin1String("kd_heldout_kl"))
        return tr("Held-out KL to the teacher");
    return name;
}

int MetricSeriesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_points.size());
}

int MetricSeriesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MetricSeriesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Point& p = m_points[static_cast<std::size_t>(index.row())];
    if (role == LabelRole)
        return label(p.name);
    if (role != Qt::DisplayRole && role != NumberRole)
        return {};
    const bool raw = role == NumberRole;
    const QLocale locale;
    auto number = [&](double v) -> QVariant { return raw ? QVariant(v) : QVariant(locale.toString(v, 'g', 4)); };
    switch (index.column()) {
    case NameColumn:
        return p.name;
    case RunColumn:
        return p.run;
    case StepColumn:
        return number(p.step);
    case ValueColumn:
        return number(p.value);
    case LowColumn:
        return p.hasInterval ? number(p.lo) : QVariant();
    case HighColumn:
        return p.hasInterval ? number(p.hi) : QVariant();
    case CountColumn:
        return p.n >= 0 ? (raw ? QVariant(static_cast<double>(p.n)) : QVariant(locale.toString(p.n))) : QVariant();
    default:
        return {};
    }
}

QVariant MetricSeriesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Metric");
    case RunColumn:
        return tr("Run");
    case StepColumn:
        return tr("Step");
    case ValueColumn:
        return tr("Value");
    case LowColumn:
        return tr("95% low");
    case HighColumn:
        return tr("95% high");
    case CountColumn:
        return tr("n");
    default:
        return {};
    }
}

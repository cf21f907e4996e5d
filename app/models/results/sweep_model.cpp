#include "sweep_model.h"

#include "results_comparison.h"
#include "results_format.h"
#include "results_roles.h"

#include "moecut/stats/multiple.h"

#include <algorithm>

SweepModel::SweepModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void SweepModel::setSweep(const SweepPtr& sweep)
{
    beginResetModel();
    m_sweep = sweep;
    m_comparisons.clear();
    m_pBh.clear();
    m_baseline = -1;
    m_xKey.clear();
    m_yKey.clear();
    if (m_sweep) {
        for (std::size_t i = 0; i < m_sweep->cells.size(); ++i) {
            const auto& cell = m_sweep->cells[i];
            m_comparisons.push_back(cell.vsBaseline);
            m_pBh.push_back(cell.pBh);
            if (cell.baseline && m_baseline < 0)
                m_baseline = static_cast<int>(i);
        }
        if (m_baseline < 0 && !m_sweep->cells.empty())
            m_baseline = 0;
        const QStringList& axes = m_sweep->axes;
        const QString minP = QStringLiteral("min_p"), repPen = QStringLiteral("rep_pen");
        if (axes.contains(minP) && axes.contains(repPen)) {
            m_xKey = minP;
            m_yKey = repPen;
        } else {
            m_xKey = axes.value(0);
            m_yKey = axes.value(1);
        }
    }
    endResetModel();
    emit axesChanged();
    emit baselineChanged(m_baseline);
}

void SweepModel::clear()
{
    setSweep(nullptr);
}

bool SweepModel::setBaseline(int row)
{
    if (!m_sweep || row < 0 || row >= rowCount())
        return false;
    if (row == m_baseline)
        return true;
    const auto& cells = m_sweep->cells;
    const auto& base = cells[row];
    std::vector<double> p;
    std::vector<int> rows;
    std::vector<std::optional<moecut::Comparison>> comparisons(cells.size());
    for (int r = 0; r < static_cast<int>(cells.size()); ++r) {
        if (r == row)
            continue;
        const auto& cell = cells[r];
        comparisons[r] = base.run && cell.run ? ResultsComparison::compare(*base.run, *cell.run)
                                              : ResultsComparison::compareCounts(base.overall, cell.overall);
        if (comparisons[r]) {
            p.push_back(comparisons[r]->p);
            rows.push_back(r);
        }
    }
    const auto holm = moecut::stats::holm_adjust(p);
    const auto bh = moecut::stats::benjamini_hochberg_adjust(p);
    m_pBh.assign(cells.size(), std::nullopt);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        comparisons[rows[i]]->p_adjusted = holm[i];
        m_pBh[rows[i]] = bh[i];
    }
    m_comparisons = std::move(comparisons);
    m_baseline = row;
    emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit baselineChanged(m_baseline);
    return true;
}

std::optional<moecut::Comparison> SweepModel::comparison(int row) const
{
    return row >= 0 && static_cast<std::size_t>(row) < m_comparisons.size() ? m_comparisons[row] : std::nullopt;
}

std::optional<double> SweepModel::pBh(int row) const
{
    return row >= 0 && static_cast<std::size_t>(row) < m_pBh.size() ? m_pBh[row] : std::nullopt;
}

void SweepModel::setAxes(const QString& xKey, const QString& yKey)
{
    if (xKey == m_xKey && yKey == m_yKey)
        return;
    m_xKey = xKey;
    m_yKey = yKey;
    if (rowCount() > 0) {
        emit dataChanged(index(0, XColumn), index(rowCount() - 1, YColumn));
        emit headerDataChanged(Qt::Horizontal, XColumn, YColumn);
    }
    emit axesChanged();
}

std::optional<double> SweepModel::axisValue(int row, const QString& key) const
{
    if (!m_sweep || key.isEmpty())
        return std::nullopt;
    return m_sweep->cells[row].value(key);
}

static QList<double> distinctSorted(QList<double> values)
{
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

QList<double> SweepModel::xValues() const
{
    QList<double> out;
    for (int r = 0; r < rowCount(); ++r)
        if (auto v = axisValue(r, m_xKey))
            out.append(*v);
    return distinctSorted(out);
}

QList<double> SweepModel::yValues() const
{
    if (m_yKey.isEmpty())
        return rowCount() > 0 ? QList<double>{0.0} : QList<double>{};
    QList<double> out;
    for (int r = 0; r < rowCount(); ++r)
        if (auto v = axisValue(r, m_yKey))
            out.append(*v);
    return distinctSorted(out);
}

int SweepModel::rowAt(int xi, int yi) const
{
    const QList<double> xs = xValues(), ys = yValues();
    if (xi < 0 || xi >= xs.size() || yi < 0 || yi >= ys.size())
        return -1;
    for (int r = 0; r < rowCount(); ++r) {
        const auto x = axisValue(r, m_xKey);
        if (!x || *x != xs[xi])
            continue;
        if (m_yKey.isEmpty())
            return r;
        const auto y = axisValue(r, m_yKey);
        if (y && *y == ys[yi])
            return r;
    }
    return -1;
}

int SweepModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_sweep ? 0 : static_cast<int>(m_sweep->cells.size());
}

int SweepModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SweepModel::raw(int row, int column) const
{
    const auto& cell = m_sweep->cells[row];
    const auto& g = cell.overall;
    const auto& c = m_comparisons[row];
    auto opt = [](const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(); };
    switch (column) {
    case CellColumn: return cell.name;
    case XColumn: return opt(axisValue(row, m_xKey));
    case YColumn: return opt(axisValue(row, m_yKey));
    case NColumn: return static_cast<qint64>(g.valid);
    case LoopsColumn: return static_cast<qint64>(g.loops);
    case LoopRateColumn: return g.loop_rate ? QVariant(g.loop_rate->rate) : QVariant();
    case LoopLowerColumn: return g.loop_rate ? QVariant(g.loop_rate->lower) : QVariant();
    case LoopUpperColumn: return g.loop_rate ? QVariant(g.loop_rate->upper) : QVariant();
    case DiffColumn: return c ? QVariant(c->diff) : QVariant();
    case PValueColumn: return c ? QVariant(c->p) : QVariant();
    case PHolmColumn: return c && c->p_adjusted ? QVariant(*c->p_adjusted) : QVariant();
    case PBhColumn: return opt(m_pBh[row]);
    case TestColumn: return c ? ResultsComparison::testName(*c) : QVariant();
    case MarkerColumn:
        if (row == m_baseline)
            return tr("baseline");
        return c ? ResultsComparison::marker(c->p_adjusted.value_or(c->p)) : QVariant();
    default: return {};
    }
}

QVariant SweepModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row(), column = index.column();
    if (role == ResultsRoles::RawRole)
        return raw(row, column);
    if (role == ResultsRoles::BaselineRole)
        return row == m_baseline;
    if (role == Qt::TextAlignmentRole)
        return column == CellColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                    : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    if (role != Qt::DisplayRole)
        return {};
    const QVariant v = raw(row, column);
    if (!v.isValid())
        return QStringLiteral("–");
    switch (column) {
    case XColumn:
    case YColumn: return QString::number(v.toDouble(), 'g', 6);
    case LoopRateColumn:
    case LoopLowerColumn:
    case LoopUpperColumn: return ResultsFormat::percent(v.toDouble());
    case DiffColumn: return ResultsFormat::points(v.toDouble());
    case PValueColumn:
    case PHolmColumn:
    case PBhColumn: return ResultsFormat::pValue(v.toDouble());
    default: return v;
    }
}

QVariant SweepModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case CellColumn: return tr("Cell");
    case XColumn: return m_xKey.isEmpty() ? tr("x") : m_xKey;
    case YColumn: return m_yKey.isEmpty() ? tr("y") : m_yKey;
    case NColumn: return tr("n");
    case LoopsColumn: return tr("Loops");
    case LoopRateColumn: return tr("Loop rate");
    case LoopLowerColumn: return tr("95% CI low");
    case LoopUpperColumn: return tr("95% CI high");
    case DiffColumn: return tr("Δ vs baseline");
    case PValueColumn: return tr("p");
    case PHolmColumn: return tr("p (Holm)");
    case PBhColumn: return tr("p (BH)");
    case TestColumn: return tr("Test");
    case MarkerColumn: return tr("Significance");
    default: return {};
    }
}

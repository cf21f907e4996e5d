#include "run_comparison_model.h"

#include "results_comparison.h"
#include "results_format.h"
#include "results_roles.h"

RunComparisonModel::RunComparisonModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void RunComparisonModel::setRuns(const EvalRunPtr& a, const EvalRunPtr& b)
{
    beginResetModel();
    m_a = a;
    m_b = b;
    m_sources.clear();
    m_comparisons.clear();
    if (m_a && m_b) {
        QStringList names;
        for (const auto* run : {m_a.get(), m_b.get()})
            for (const auto& g : run->metrics.sources)
                if (!names.contains(QString::fromStdString(g.group)))
                    names.append(QString::fromStdString(g.group));
        names.sort();
        m_sources = QStringList{QStringLiteral("all")} + names;
        for (const QString& s : m_sources)
            m_comparisons.push_back(ResultsComparison::compare(*m_a, *m_b, s));
    }
    endResetModel();
}

void RunComparisonModel::clear()
{
    setRuns(nullptr, nullptr);
}

std::optional<moecut::Comparison> RunComparisonModel::comparison(int row) const
{
    return row >= 0 && static_cast<std::size_t>(row) < m_comparisons.size() ? m_comparisons[row] : std::nullopt;
}

int RunComparisonModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_sources.size());
}

int RunComparisonModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunComparisonModel::raw(int row, int column) const
{
    const QString& source = m_sources.at(row);
    const moecut::GroupMetrics* a = m_a->group(source);
    const moecut::GroupMetrics* b = m_b->group(source);
    const auto& c = m_comparisons[row];
    auto rate = [](const moecut::GroupMetrics* g, int part) -> QVariant {
        if (!g || !g->loop_rate)
            return {};
        return part == 0 ? g->loop_rate->rate : part == 1 ? g->loop_rate->lower : g->loop_rate->upper;
    };
    switch (column) {
    case SourceColumn: return source;
    case NAColumn: return a ? QVariant(static_cast<qint64>(a->valid)) : QVariant();
    case RateAColumn: return rate(a, 0);
    case LowerAColumn: return rate(a, 1);
    case UpperAColumn: return rate(a, 2);
    case NBColumn: return b ? QVariant(static_cast<qint64>(b->valid)) : QVariant();
    case RateBColumn: return rate(b, 0);
    case LowerBColumn: return rate(b, 1);
    case UpperBColumn: return rate(b, 2);
    case DiffColumn: return c ? QVariant(c->diff) : QVariant();
    case DiffLowerColumn: return c ? QVariant(c->diff_interval.lower) : QVariant();
    case DiffUpperColumn: return c ? QVariant(c->diff_interval.upper) : QVariant();
    case PValueColumn: return c ? QVariant(c->p) : QVariant();
    case TestColumn: return c ? ResultsComparison::testName(*c) : QVariant();
    case MarkerColumn: return c ? ResultsComparison::marker(c->p) : QVariant();
    default: return {};
    }
}

QVariant RunComparisonModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row(), column = index.column();
    if (role == ResultsRoles::RawRole)
        return raw(row, column);
    if (role == Qt::TextAlignmentRole)
        return column == SourceColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                      : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    if (role != Qt::DisplayRole)
        return {};
    const QVariant v = raw(row, column);
    if (!v.isValid())
        return QStringLiteral("–");
    switch (column) {
    case RateAColumn:
    case LowerAColumn:
    case UpperAColumn:
    case RateBColumn:
    case LowerBColumn:
    case UpperBColumn: return ResultsFormat::percent(v.toDouble());
    case DiffColumn:
    case DiffLowerColumn:
    case DiffUpperColumn: return ResultsFormat::points(v.toDouble());
    case PValueColumn: return ResultsFormat::pValue(v.toDouble());
    default: return v;
    }
}

QVariant RunComparisonModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    const QString a = m_a ? m_a->label : tr("A");
    const QString b = m_b ? m_b->label : tr("B");
    switch (section) {
    case SourceColumn: return tr("Source");
    case NAColumn: return tr("n (%1)").arg(a);
    case RateAColumn: return tr("Loop rate (%1)").arg(a);
    case LowerAColumn: return tr("CI low (%1)").arg(a);
    case UpperAColumn: return tr("CI high (%1)").arg(a);
    case NBColumn: return tr("n (%1)").arg(b);
    case RateBColumn: return tr("Loop rate (%1)").arg(b);
    case LowerBColumn: return tr("CI low (%1)").arg(b);
    case UpperBColumn: return tr("CI high (%1)").arg(b);
    case DiffColumn: return tr("Δ (B − A)");
    case DiffLowerColumn: return tr("Δ CI low");
    case DiffUpperColumn: return tr("Δ CI high");
    case PValueColumn: return tr("p");
    case TestColumn: return tr("Test");
    case MarkerColumn: return tr("Significance");
    default: return {};
    }
}

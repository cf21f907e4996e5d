#include "per_source_model.h"

#include "results_format.h"
#include "results_roles.h"

PerSourceModel::PerSourceModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void PerSourceModel::setRuns(const QList<EvalRunPtr>& runs)
{
    beginResetModel();
    m_runs = runs;
    m_runs.removeAll(nullptr);
    m_rows.clear();
    m_sources.clear();
    for (int r = 0; r < m_runs.size(); ++r) {
        for (const auto& g : m_runs[r]->metrics.sources) {
            m_rows.append({r, &g});
            const QString name = QString::fromStdString(g.group);
            if (!m_sources.contains(name))
                m_sources.append(name);
        }
    }
    m_sources.sort();
    endResetModel();
}

void PerSourceModel::clear()
{
    setRuns({});
}

int PerSourceModel::rowOf(int runIndex, const QString& source) const
{
    const std::string name = source.toStdString();
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].run == runIndex && m_rows[i].group->group == name)
            return i;
    return -1;
}

int PerSourceModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PerSourceModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PerSourceModel::raw(const Row& row, int column) const
{
    const moecut::GroupMetrics& g = *row.group;
    switch (column) {
    case RunColumn: return m_runs.at(row.run)->label;
    case SourceColumn: return QString::fromStdString(g.group);
    case NColumn: return static_cast<qint64>(g.valid);
    case LoopsColumn: return static_cast<qint64>(g.loops);
    case LoopRateColumn: return g.loop_rate ? QVariant(g.loop_rate->rate) : QVariant();
    case LoopLowerColumn: return g.loop_rate ? QVariant(g.loop_rate->lower) : QVariant();
    case LoopUpperColumn: return g.loop_rate ? QVariant(g.loop_rate->upper) : QVariant();
    case EosRateColumn: return g.eos_rate ? QVariant(g.eos_rate->rate) : QVariant();
    case Distinct4Column: return g.distinct4 ? QVariant(*g.distinct4) : QVariant();
    case MedianTokensColumn: return g.median_tokens ? QVariant(*g.median_tokens) : QVariant();
    default: return {};
    }
}

QVariant PerSourceModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const int column = index.column();
    if (role == ResultsRoles::RawRole)
        return raw(row, column);
    if (role == RunIndexRole)
        return row.run;
    if (role == Qt::TextAlignmentRole)
        return column <= SourceColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                      : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    if (role != Qt::DisplayRole)
        return {};
    const QVariant v = raw(row, column);
    if (!v.isValid())
        return QStringLiteral("–");
    switch (column) {
    case LoopRateColumn:
    case LoopLowerColumn:
    case LoopUpperColumn:
    case EosRateColumn: return ResultsFormat::percent(v.toDouble());
    case Distinct4Column: return QString::number(v.toDouble(), 'f', 3);
    case MedianTokensColumn: return QString::number(v.toDouble(), 'g', 6);
    default: return v;
    }
}

QVariant PerSourceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case RunColumn: return tr("Model / config");
    case SourceColumn: return tr("Source");
    case NColumn: return tr("n");
    case LoopsColumn: return tr("Loops");
    case LoopRateColumn: return tr("Loop rate");
    case LoopLowerColumn: return tr("95% CI low");
    case LoopUpperColumn: return tr("95% CI high");
    case EosRateColumn: return tr("EOS rate");
    case Distinct4Column: return tr("Distinct-4");
    case MedianTokensColumn: return tr("Median tokens");
    default: return {};
    }
}

#include "leaderboard_model.h"

#include "results_comparison.h"
#include "results_format.h"
#include "results_roles.h"

#include "moecut/stats/multiple.h"

LeaderboardModel::LeaderboardModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void LeaderboardModel::setRuns(const QList<EvalRunPtr>& runs)
{
    beginResetModel();
    m_runs = runs;
    m_runs.removeAll(nullptr);
    m_baseline = m_runs.isEmpty() ? -1 : 0;
    recompute();
    endResetModel();
    emit baselineChanged(m_baseline);
}

void LeaderboardModel::clear()
{
    setRuns({});
}

EvalRunPtr LeaderboardModel::run(int row) const
{
    return row >= 0 && row < m_runs.size() ? m_runs.at(row) : nullptr;
}

void LeaderboardModel::setBaseline(int row)
{
    if (row < 0 || row >= m_runs.size() || row == m_baseline)
        return;
    m_baseline = row;
    recompute();
    if (!m_runs.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit baselineChanged(m_baseline);
}

std::optional<moecut::Comparison> LeaderboardModel::comparison(int row) const
{
    return row >= 0 && static_cast<std::size_t>(row) < m_comparisons.size() ? m_comparisons[row] : std::nullopt;
}

void LeaderboardModel::recompute()
{
    m_comparisons.assign(m_runs.size(), std::nullopt);
    if (m_baseline < 0)
        return;
    std::vector<double> p;
    std::vector<int> rows;
    for (int r = 0; r < m_runs.size(); ++r) {
        if (r == m_baseline)
            continue;
        m_comparisons[r] = ResultsComparison::compare(*m_runs[m_baseline], *m_runs[r]);
        if (m_comparisons[r]) {
            p.push_back(m_comparisons[r]->p);
            rows.push_back(r);
        }
    }
    const auto holm = moecut::stats::holm_adjust(p);
    for (std::size_t i = 0; i < rows.size(); ++i)
        m_comparisons[rows[i]]->p_adjusted = holm[i];
}

int LeaderboardModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int LeaderboardModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LeaderboardModel::raw(int row, int column) const
{
    const EvalRunData& run = *m_runs.at(row);
    const moecut::GroupMetrics& g = run.metrics.overall;
    const auto& c = m_comparisons[row];
    switch (column) {
    case LabelColumn:
        return run.label;
    case NColumn:
        return static_cast<qint64>(g.valid);
    case LoopRateColumn:
        return g.loop_rate ? QVariant(g.loop_rate->rate) : QVariant();
    case LoopLowerColumn:
        return g.loop_rate ? QVariant(g.loop_rate->lower) : QVariant();
    case LoopUpperColumn:
        return g.loop_rate ? QVariant(g.loop_rate->upper) : QVariant();
    case EosRateColumn:
        return g.eos_rate ? QVariant(g.eos_rate->rate) : QVariant();
    case Distinct4Column:
        return g.distinct4 ? QVariant(*g.distinct4) : QVariant();
    case MedianTokensColumn:
        return g.median_tokens ? QVariant(*g.median_tokens) : QVariant();
    case DiffColumn:
        return c ? QVariant(c->diff) : QVariant();
    case PValueColumn:
        return c ? QVariant(c->p) : QVariant();
    case PAdjustedColumn:
        return c && c->p_adjusted ? QVariant(*c->p_adjusted) : QVariant();
    case TestColumn:
        return c ? ResultsComparison::testName(*c) : QVariant();
    case MarkerColumn:
        if (row == m_baseline)
            return tr("baseline");
        return c ? ResultsComparison::marker(c->p_adjusted.value_or(c->p)) : QVariant();
    default:
        return {};
    }
}

QVariant LeaderboardModel::display(int row, int column) const
{
    const QVariant v = raw(row, column);
    switch (column) {
    case LabelColumn:
    case NColumn:
    case TestColumn:
    case MarkerColumn:
        return v.isValid() ? v : QVariant(QStringLiteral("–"));
    default:
        break;
    }
    if (!v.isValid())
        return QStringLiteral("–");
    const double x = v.toDouble();
    switch (column) {
    case LoopRateColumn:
    case LoopLowerColumn:
    case LoopUpperColumn:
    case EosRateColumn:
        return ResultsFormat::percent(x);
    case Distinct4Column:
        return QString::number(x, 'f', 3);
    case MedianTokensColumn:
        return QString::number(x, 'g', 6);
    case DiffColumn:
        return ResultsFormat::points(x);
    case PValueColumn:
    case PAdjustedColumn:
        return ResultsFormat::pValue(x);
    default:
        return v;
    }
}

QVariant LeaderboardModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row(), column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(row, column);
    case ResultsRoles::RawRole:
        return raw(row, column);
    case ResultsRoles::BaselineRole:
        return row == m_baseline;
    case Qt::TextAlignmentRole:
        return column == LabelColumn ? QVariant(int(Qt::AlignLeft | Qt::AlignVCenter))
                                     : QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
    case Qt::ToolTipRole: {
        if (column == LabelColumn)
            return m_runs.at(row)->folder;
        const auto& c = m_comparisons[row];
        if (!c || column < DiffColumn)
            return {};
        QString tip = tr("%1 vs %2: diff %3, 95% CI %4; z-test p %5, Fisher p %6")
                          .arg(m_runs.at(row)->label, m_runs.at(m_baseline)->label, ResultsFormat::points(c->diff),
                               ResultsFormat::interval(c->diff_interval.lower, c->diff_interval.upper),
                               ResultsFormat::pValue(c->p_z), ResultsFormat::pValue(c->p_fisher));
        if (c->paired)
            tip += tr("; McNemar p %1 on %2 pairs (only baseline looped %3, only this run %4)")
                       .arg(ResultsFormat::pValue(c->p_mcnemar))
                       .arg(c->pairs)
                       .arg(c->only_baseline)
                       .arg(c->only_candidate);
        return tip;
    }
    default:
        return {};
    }
}

QVariant LeaderboardModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case LabelColumn: return tr("Model / config");
    case NColumn: return tr("n");
    case LoopRateColumn: return tr("Loop rate");
    case LoopLowerColumn: return tr("95% CI low");
    case LoopUpperColumn: return tr("95% CI high");
    case EosRateColumn: return tr("EOS rate");
    case Distinct4Column: return tr("Distinct-4");
    case MedianTokensColumn: return tr("Median tokens");
    case DiffColumn: return tr("Δ vs baseline");
    case PValueColumn: return tr("p");
    case PAdjustedColumn: return tr("p (Holm)");
    case TestColumn: return tr("Test");
    case MarkerColumn: return tr("Significance");
    default: return {};
    }
}

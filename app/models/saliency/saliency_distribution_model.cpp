#include "saliency_distribution_model.h"

#include "saliency_ranking.h"

SaliencyDistributionModel::SaliencyDistributionModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void SaliencyDistributionModel::setSourceModel(SaliencyModel* model)
{
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = model;
    if (model) {
        connect(model, &SaliencyModel::tableChanged, this, [this] {
            if (m_row >= m_source->rowCount()) {
                m_row = -1;
                emit layerRowChanged(m_row);
            }
            rebuild();
        });
        connect(model, &SaliencyModel::displayChanged, this, &SaliencyDistributionModel::rebuild);
        connect(model, &SaliencyModel::planChanged, this, &SaliencyDistributionModel::rebuild);
    }
    if (!model || m_row >= model->rowCount())
        m_row = -1;
    rebuild();
}

void SaliencyDistributionModel::setLayerRow(int row)
{
    if (!m_source || row < 0 || row >= m_source->rowCount())
        row = -1;
    if (row == m_row)
        return;
    m_row = row;
    rebuild();
    emit layerRowChanged(m_row);
}

int SaliencyDistributionModel::keepCount() const
{
    return m_source && m_source->hasPlan() ? static_cast<int>(m_source->plan()->keep_count()) : 0;
}

QString SaliencyDistributionModel::title() const
{
    if (!m_source || m_row < 0)
        return {};
    return m_source->headerData(m_row, Qt::Vertical, Qt::ToolTipRole).toString();
}

void SaliencyDistributionModel::rebuild()
{
    beginResetModel();
    m_entries.clear();
    if (m_source && m_row >= 0 && m_row < m_source->rowCount()) {
        const int n = m_source->columnCount();
        std::vector<double> values(static_cast<std::size_t>(n));
        for (int e = 0; e < n; ++e)
            values[static_cast<std::size_t>(e)] = m_source->value(m_row, e);
        for (int e : saliency::rankingOf(values.data(), n))
            m_entries.push_back({e, values[static_cast<std::size_t>(e)], static_cast<int>(m_source->planStatus(m_row, e))});
    }
    endResetModel();
}

int SaliencyDistributionModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int SaliencyDistributionModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SaliencyDistributionModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& e = m_entries[static_cast<std::size_t>(index.row())];
    switch (role) {
    case ValueRole:
        return e.value;
    case ExpertRole:
        return e.expert;
    case PlanStatusRole:
        return e.status;
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case RankColumn:
        return index.row() + 1;
    case ExpertColumn:
        return e.expert;
    case ValueColumn:
        return QString::number(e.value, 'g', 4);
    case StatusColumn:
        switch (static_cast<SaliencyModel::PlanStatus>(e.status)) {
        case SaliencyModel::NoPlan:
            return QString();
        case SaliencyModel::Kept:
            return tr("kept");
        case SaliencyModel::Dropped:
            return tr("dropped");
        case SaliencyModel::SwappedIn:
            return tr("swapped in");
        case SaliencyModel::SwappedOut:
            return tr("swapped out");
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant SaliencyDistributionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case RankColumn:
        return tr("Rank");
    case ExpertColumn:
        return tr("Expert");
    case ValueColumn:
        return m_source ? m_source->valueLabel() : tr("Value");
    case StatusColumn:
        return tr("Plan");
    default:
        return {};
    }
}

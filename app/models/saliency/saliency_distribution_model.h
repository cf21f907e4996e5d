// One layer of a SaliencyModel as a distribution: its experts sorted by the
// shown value, strongest first (ties: lower id), each with its plan status,
// and the plan's K as the keep threshold (between rows K-1 and K when the plan
// ranks by the shown statistic and domain). Follows the source model.
#pragma once

#include "saliency_model.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <vector>

class SaliencyDistributionModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { RankColumn, ExpertColumn, ValueColumn, StatusColumn, ColumnCount };
    enum Role {
        ValueRole = Qt::UserRole + 1, // double
        ExpertRole,                   // int
        PlanStatusRole,               // int: SaliencyModel::PlanStatus
    };

    explicit SaliencyDistributionModel(QObject* parent = nullptr);

    void setSourceModel(SaliencyModel* model);
    SaliencyModel* sourceModel() const { return m_source; }

    // The source row (MoE block) shown; -1 for none. Out-of-range rows give -1.
    void setLayerRow(int row);
    int layerRow() const { return m_row; }
    // The plan's K, 0 without a plan.
    int keepCount() const;
    // "Layer 3" / "MTP layer 5"; empty without a row.
    QString title() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void layerRowChanged(int row);

private:
    void rebuild();

    struct Entry
    {
        int expert;
        double value;
        int status;
    };
    QPointer<SaliencyModel> m_source;
    int m_row = -1;
    std::vector<Entry> m_entries;
};

#include "layer_table_model.h"

#include "display_format.h"
#include "json_access.h"

LayerTableModel::LayerTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void LayerTableModel::setReport(const nlohmann::json& report)
{
    QList<Layer> layers;
    const nlohmann::json* table = ReportJson::field(report, "layer_table");
    if (table && table->is_array()) {
        for (const auto& row : *table) {
            if (!row.is_object())
                continue;
            Layer layer;
            layer.index = static_cast<int>(ReportJson::toInt(row, "index"));
            layer.kind = ReportJson::toString(row, "kind");
            layer.mtp = ReportJson::toBool(row, "mtp");
            layer.indexer = ReportJson::toString(row, "indexer", QStringLiteral("none"));
            layer.params = ReportJson::toInt(row, "params");
            layer.bytes = ReportJson::toInt(row, "bytes");
            layers.append(layer);
        }
    }
    beginResetModel();
    m_layers = std::move(layers);
    endResetModel();
}

void LayerTableModel::clear()
{
    beginResetModel();
    m_layers.clear();
    endResetModel();
}

int LayerTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_layers.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Layer& layer = m_layers.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(layer, column);
    case RawRole:
        return rawData(layer, column);
    case Qt::ToolTipRole:
        if (column == ParamsColumn)
            return tr("%1 parameters").arg(DisplayFormat::exact(layer.params));
        if (column == BytesColumn)
            return tr("%1 bytes").arg(DisplayFormat::exact(layer.bytes));
        return {};
    case Qt::TextAlignmentRole:
        if (column == IndexColumn || column == ParamsColumn || column == BytesColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant LayerTableModel::displayData(const Layer& layer, int column) const
{
    switch (column) {
    case IndexColumn:
        return layer.index;
    case KindColumn:
        if (layer.kind == QLatin1String("moe"))
            return tr("MoE");
        if (layer.kind == QLatin1String("dense"))
            return tr("Dense");
        return layer.kind;
    case MtpColumn:
        return layer.mtp ? tr("MTP") : QString();
    case IndexerColumn:
        if (layer.indexer == QLatin1String("full"))
            return tr("Full");
        if (layer.indexer == QLatin1String("shared"))
            return tr("Shared");
        return QStringLiteral("–");
    case ParamsColumn:
        return DisplayFormat::count(layer.params);
    case BytesColumn:
        return DisplayFormat::bytes(layer.bytes);
    default:
        return {};
    }
}

QVariant LayerTableModel::rawData(const Layer& layer, int column)
{
    switch (column) {
    case IndexColumn:
        return layer.index;
    case KindColumn:
        return layer.kind;
    case MtpColumn:
        return layer.mtp;
    case IndexerColumn:
        return layer.indexer;
    case ParamsColumn:
        return layer.params;
    case BytesColumn:
        return layer.bytes;
    default:
        return {};
    }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case IndexColumn: return tr("Layer");
        case KindColumn: return tr("Kind");
        case MtpColumn: return tr("MTP");
        case IndexerColumn: return tr("Indexer");
        case ParamsColumn: return tr("Parameters");
        case BytesColumn: return tr("Size");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case KindColumn: return tr("Dense MLP or Mixture-of-Experts block");
        case MtpColumn: return tr("Multi-token prediction layer");
        case IndexerColumn: return tr("Sparse-attention indexer: own weights (full), reused (shared) or none");
        case BytesColumn: return tr("Bytes the layer's tensors take on disk");
        }
    }
    return {};
}

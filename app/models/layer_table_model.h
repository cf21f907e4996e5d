// One row per layer of a checkpoint (trunk layers, then MTP layers), from the
// "layer_table" of the inspect report. Views sort through a proxy on RawRole.
#pragma once

#include <nlohmann/json.hpp>

#include <QAbstractTableModel>
#include <QList>
#include <QString>

class LayerTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { IndexColumn, KindColumn, MtpColumn, IndexerColumn, ParamsColumn, BytesColumn, ColumnCount };
    enum Role {
        // The unformatted value: int index, QString kind ("dense"|"moe"), bool
        // mtp, QString indexer ("full"|"shared"|"none"), qint64 params/bytes.
        RawRole = Qt::UserRole + 1,
    };

    struct Layer
    {
        int index = 0;
        QString kind;    // "dense" or "moe"
        bool mtp = false;
        QString indexer; // "full", "shared" or "none"
        qint64 params = 0;
        qint64 bytes = 0;
    };

    explicit LayerTableModel(QObject* parent = nullptr);

    // Replaces the rows with the report's layer_table (entries that are not
    // objects are skipped).
    void setReport(const nlohmann::json& report);
    void clear();

    const QList<Layer>& layers() const { return m_layers; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant displayData(const Layer& layer, int column) const;
    static QVariant rawData(const Layer& layer, int column);

    QList<Layer> m_layers;
};

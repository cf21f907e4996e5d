// The checkpoint summary: the inspect report as (field, value) rows, one per
// report key, formatted for reading. Holds the report it was given.
#pragma once

#include <nlohmann/json.hpp>

#include <QAbstractTableModel>
#include <QList>
#include <QString>
#include <QStringList>

class SummaryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { FieldColumn, ValueColumn, ColumnCount };
    enum Role {
        RawRole = Qt::UserRole + 1, // the report's value as a QVariant (qint64, QString, QVariantList, ...)
        KeyRole,                    // the report key ("model_type", ...), or "folder"
    };

    explicit SummaryModel(QObject* parent = nullptr);

    void setReport(const QString& folder, const nlohmann::json& report);
    void clear();

    bool isEmpty() const { return m_rows.isEmpty(); }
    const nlohmann::json& report() const { return m_report; }
    QString folder() const { return m_folder; }
    // "glm_moe_dsa · GlmMoeDsaForCausalLM"; empty when nothing is loaded.
    QString title() const;
    QStringList problems() const;
    // The row of a report key, or -1.
    int rowOfKey(const QString& key) const;
    QString displayValue(const QString& key) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString key;
        QString label;
        QString value;
        QString toolTip;
        QVariant raw;
    };
    QList<Row> buildRows() const;
    QString formatValue(const QString& key, const nlohmann::json& value, QString* toolTip) const;

    QString m_folder;
    nlohmann::json m_report;
    QList<Row> m_rows;
};

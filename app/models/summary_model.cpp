#include "summary_model.h"

#include "display_format.h"
#include "json_access.h"

#include <QDir>

namespace {

enum class Kind { Text, Count, Params, Bytes, Indices, Flag, DtypeBytes, Problems };

struct Field
{
    const char* key;
    const char* label;
    Kind kind;
};

// The rows, in display order; labels are translated in SummaryModel::buildRows.
const Field kFields[] = {
    {"model_type", QT_TRANSLATE_NOOP("SummaryModel", "Model type"), Kind::Text},
    {"architecture", QT_TRANSLATE_NOOP("SummaryModel", "Architecture"), Kind::Text},
    {"layers", QT_TRANSLATE_NOOP("SummaryModel", "Trunk layers"), Kind::Count},
    {"mtp_layers", QT_TRANSLATE_NOOP("SummaryModel", "MTP layers"), Kind::Indices},
    {"moe_layers", QT_TRANSLATE_NOOP("SummaryModel", "MoE layers"), Kind::Indices},
    {"dense_layers", QT_TRANSLATE_NOOP("SummaryModel", "Dense layers"), Kind::Indices},
    {"routed_experts", QT_TRANSLATE_NOOP("SummaryModel", "Routed experts"), Kind::Count},
    {"experts_per_token", QT_TRANSLATE_NOOP("SummaryModel", "Experts per token"), Kind::Count},
    {"shared_experts", QT_TRANSLATE_NOOP("SummaryModel", "Shared experts"), Kind::Count},
    {"routing", QT_TRANSLATE_NOOP("SummaryModel", "Router scoring"), Kind::Text},
    {"attention", QT_TRANSLATE_NOOP("SummaryModel", "Attention"), Kind::Text},
    {"indexer_full_layers", QT_TRANSLATE_NOOP("SummaryModel", "Indexer layers (full)"), Kind::Indices},
    {"indexer_shared_layers", QT_TRANSLATE_NOOP("SummaryModel", "Indexer layers (shared)"), Kind::Indices},
    {"hidden_size", QT_TRANSLATE_NOOP("SummaryModel", "Hidden size"), Kind::Count},
    {"vocab_size", QT_TRANSLATE_NOOP("SummaryModel", "Vocabulary size"), Kind::Count},
    {"params_total", QT_TRANSLATE_NOOP("SummaryModel", "Parameters (total)"), Kind::Params},
    {"params_active", QT_TRANSLATE_NOOP("SummaryModel", "Parameters (active per token)"), Kind::Params},
    {"bytes_on_disk", QT_TRANSLATE_NOOP("SummaryModel", "Size on disk"), Kind::Bytes},
    {"dtypes", QT_TRANSLATE_NOOP("SummaryModel", "Data types"), Kind::DtypeBytes},
    {"expert_layout", QT_TRANSLATE_NOOP("SummaryModel", "Expert layout"), Kind::Text},
    {"fp8", QT_TRANSLATE_NOOP("SummaryModel", "FP8 weights"), Kind::Flag},
    {"problems", QT_TRANSLATE_NOOP("SummaryModel", "Problems"), Kind::Problems},
};

const Field* findField(const QString& key)
{
    for (const Field& field : kFields) {
        if (key == QLatin1String(field.key))
            return &field;
    }
    return nullptr;
}

} // namespace

SummaryModel::SummaryModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void SummaryModel::setReport(const QString& folder, const nlohmann::json& report)
{
    beginResetModel();
    m_folder = folder;
    m_report = report;
    m_rows = buildRows();
    endResetModel();
}

void SummaryModel::clear()
{
    beginResetModel();
    m_folder.clear();
    m_report = nlohmann::json();
    m_rows.clear();
    endResetModel();
}

QString SummaryModel::title() const
{
    const QString type = ReportJson::toString(m_report, "model_type");
    const QString arch = ReportJson::toString(m_report, "architecture");
    if (type.isEmpty() || arch.isEmpty())
        return type + arch;
    return QStringLiteral("%1 · %2").arg(type, arch);
}

QStringList SummaryModel::problems() const
{
    return ReportJson::toStringList(m_report, "problems");
}

QList<SummaryModel::Row> SummaryModel::buildRows() const
{
    QList<Row> rows;
    if (!m_folder.isEmpty()) {
        rows.append({QStringLiteral("folder"), tr("Folder"), QDir::toNativeSeparators(m_folder), m_folder,
                     m_folder});
    }
    for (const Field& field : kFields) {
        const nlohmann::json* value = ReportJson::field(m_report, field.key);
        if (!value)
            continue;
        Row row;
        row.key = QString::fromLatin1(field.key);
        row.label = tr(field.label);
        row.value = formatValue(row.key, *value, &row.toolTip);
        row.raw = ReportJson::toVariant(*value);
        rows.append(row);
    }
    return rows;
}

QString SummaryModel::formatValue(const QString& key, const nlohmann::json& value, QString* toolTip) const
{
    const Field* field = findField(key);
    const Kind kind = field ? field->kind : Kind::Text;
    switch (kind) {
    case Kind::Count:
        if (value.is_number_integer())
            return DisplayFormat::exact(value.get<qint64>());
        break;
    case Kind::Params:
        if (value.is_number_integer()) {
            *toolTip = tr("%1 parameters").arg(DisplayFormat::exact(value.get<qint64>()));
            return DisplayFormat::count(value.get<qint64>());
        }
        break;
    case Kind::Bytes:
        if (value.is_number_integer()) {
            *toolTip = tr("%1 bytes").arg(DisplayFormat::exact(value.get<qint64>()));
            return DisplayFormat::bytes(value.get<qint64>());
        }
        break;
    case Kind::Indices:
        if (value.is_array()) {
            const QList<int> indices = ReportJson::intsOf(value);
            const QString list = DisplayFormat::indexList(indices);
            *toolTip = tr("Layers: %1").arg(indices.size()) + QLatin1Char('\n') + list;
            if (indices.isEmpty())
                return list;
            return (indices.size() == 1 ? tr("layer %1") : tr("layers %1")).arg(list);
        }
        if (value.is_number_integer())
            return DisplayFormat::exact(value.get<qint64>());
        break;
    case Kind::Flag:
        if (value.is_boolean())
            return DisplayFormat::yesNo(value.get<bool>());
        break;
    case Kind::DtypeBytes:
        if (value.is_object()) {
            QStringList parts;
            for (auto it = value.begin(); it != value.end(); ++it) {
                const qint64 bytes = it.value().is_number_integer() ? it.value().get<qint64>() : 0;
                parts << QStringLiteral("%1 %2").arg(QString::fromStdString(it.key()), DisplayFormat::bytes(bytes));
            }
            return parts.join(QStringLiteral(", "));
        }
        break;
    case Kind::Problems:
        if (value.is_array()) {
            const QStringList list = ReportJson::stringsOf(value);
            *toolTip = list.join(QLatin1Char('\n'));
            return list.isEmpty() ? tr("none") : tr("%1 found").arg(list.size());
        }
        break;
    case Kind::Text:
        break;
    }
    if (value.is_string()) {
        const QString text = QString::fromStdString(value.get<std::string>());
        if (key == QLatin1String("attention") || key == QLatin1String("routing"))
            return text == QLatin1String("mla") || text == QLatin1String("gqa") ? text.toUpper() : text;
        return text;
    }
    return QString::fromStdString(value.dump());
}

int SummaryModel::rowOfKey(const QString& key) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key == key)
            return static_cast<int>(i);
    }
    return -1;
}

QString SummaryModel::displayValue(const QString& key) const
{
    const int row = rowOfKey(key);
    return row < 0 ? QString() : m_rows[row].value;
}

int SummaryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int SummaryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SummaryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == FieldColumn ? row.label : row.value;
    case Qt::ToolTipRole:
        return row.toolTip.isEmpty() ? QVariant() : QVariant(row.toolTip);
    case RawRole:
        return row.raw;
    case KeyRole:
        return row.key;
    default:
        return {};
    }
}

QVariant SummaryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole) {
        if (section == FieldColumn)
            return tr("Field");
        if (section == ValueColumn)
            return tr("Value");
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

#include "gguf_type_rules_model.h"

GgufTypeRulesModel::GgufTypeRulesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void GgufTypeRulesModel::setRules(const std::vector<std::string>& rules)
{
    beginResetModel();
    m_rules.clear();
    for (const auto& r : rules) {
        const QString rule = QString::fromStdString(r);
        const qsizetype eq = rule.lastIndexOf(QLatin1Char('='));
        if (eq < 0)
            m_rules.push_back({rule, QString()});
        else
            m_rules.push_back({rule.left(eq), rule.mid(eq + 1)});
    }
    endResetModel();
    emit rulesChanged();
}

std::vector<std::string> GgufTypeRulesModel::rules() const
{
    std::vector<std::string> out;
    for (const auto& r : m_rules) {
        const QString pattern = r.pattern.trimmed();
        const QString type = r.type.trimmed();
        if (pattern.isEmpty() && type.isEmpty())
            continue; // a row just added and not filled in yet
        out.push_back((pattern + QLatin1Char('=') + type).toStdString());
    }
    return out;
}

int GgufTypeRulesModel::addRule(const QString& pattern, const QString& type)
{
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_rules.push_back({pattern, type});
    endInsertRows();
    emit rulesChanged();
    return row;
}

int GgufTypeRulesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rules.size());
}

int GgufTypeRulesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GgufTypeRulesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    const Rule& r = m_rules[static_cast<std::size_t>(index.row())];
    return index.column() == PatternColumn ? r.pattern : r.type;
}

bool GgufTypeRulesModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    Rule& r = m_rules[static_cast<std::size_t>(index.row())];
    QString& field = index.column() == PatternColumn ? r.pattern : r.type;
    const QString text = value.toString().trimmed();
    if (field == text)
        return true;
    field = text;
    emit dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole});
    emit rulesChanged();
    return true;
}

Qt::ItemFlags GgufTypeRulesModel::flags(const QModelIndex& index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

QVariant GgufTypeRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PatternColumn:
        return tr("Tensor pattern (regex)");
    case TypeColumn:
        return tr("Type");
    default:
        return {};
    }
}

bool GgufTypeRulesModel::removeRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || row < 0 || count <= 0 || row + count > rowCount())
        return false;
    beginRemoveRows({}, row, row + count - 1);
    m_rules.erase(m_rules.begin() + row, m_rules.begin() + row + count);
    endRemoveRows();
    emit rulesChanged();
    return true;
}

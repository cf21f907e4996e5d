// The export's per-tensor type rules ("PATTERN=TYPE", first match wins; see
// `moecut export gguf --tensor-type`), one editable row each: the pattern (a
// regex on the GGUF tensor name) and the ggml type. The designer edits them
// in a table with Add and Remove.
#pragma once

#include <QAbstractTableModel>
#include <QString>

#include <string>
#include <vector>

class GgufTypeRulesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { PatternColumn, TypeColumn, ColumnCount };

    explicit GgufTypeRulesModel(QObject* parent = nullptr);

    // "PATTERN=TYPE" strings; the last '=' splits (a pattern may hold '=').
    void setRules(const std::vector<std::string>& rules);
    std::vector<std::string> rules() const;
    // Appends a rule and returns its row.
    int addRule(const QString& pattern, const QString& type);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;

signals:
    // Any change of the rules (edit, add, remove, set).
    void rulesChanged();

private:
    struct Rule {
        QString pattern, type;
    };
    std::vector<Rule> m_rules;
};

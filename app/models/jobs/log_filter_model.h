// Search over a LogModel: the lines whose message contains the search text
// (case-insensitive, fixed string) at or above a minimum level.
#pragma once

#include "log_model.h"

#include <QSortFilterProxyModel>
#include <QString>

class LogFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit LogFilterModel(QObject* parent = nullptr);

    void setSearchText(const QString& text);
    QString searchText() const { return m_search; }
    void setMinimumLevel(LogModel::Level level);
    LogModel::Level minimumLevel() const { return m_minLevel; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_search;
    LogModel::Level m_minLevel = LogModel::Level::Debug;
};

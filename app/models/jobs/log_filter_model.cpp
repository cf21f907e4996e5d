#include "log_filter_model.h"

LogFilterModel::LogFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{
}

void LogFilterModel::setSearchText(const QString& text)
{
    if (text == m_search)
        return;
    m_search = text;
    invalidateFilter();
}

void LogFilterModel::setMinimumLevel(LogModel::Level level)
{
    if (level == m_minLevel)
        return;
    m_minLevel = level;
    invalidateFilter();
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (index.data(LogModel::LevelRole).toInt() < static_cast<int>(m_minLevel))
        return false;
    return m_search.isEmpty() || index.data(LogModel::MessageRole).toString().contains(m_search, Qt::CaseInsensitive);
}

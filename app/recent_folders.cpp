#include "recent_folders.h"

#include <QDir>
#include <QSettings>

namespace {
const QString kKey = QStringLiteral("recentFolders");

QString normalised(const QString& folder)
{
    return QDir::cleanPath(QDir(folder).absolutePath());
}
} // namespace

RecentFolders::RecentFolders(QObject* parent)
    : QObject(parent)
{
    const QStringList stored = QSettings().value(kKey).toStringList();
    for (const QString& folder : stored) {
        if (!folder.isEmpty() && !m_folders.contains(folder) && m_folders.size() < kMaxEntries)
            m_folders.append(folder);
    }
}

void RecentFolders::add(const QString& folder)
{
    const QString path = normalised(folder);
    m_folders.removeAll(path);
    m_folders.prepend(path);
    while (m_folders.size() > kMaxEntries)
        m_folders.removeLast();
    save();
}

void RecentFolders::remove(const QString& folder)
{
    if (m_folders.removeAll(normalised(folder)) > 0)
        save();
}

void RecentFolders::clear()
{
    if (m_folders.isEmpty())
        return;
    m_folders.clear();
    save();
}

void RecentFolders::save()
{
    QSettings().setValue(kKey, m_folders);
    emit changed();
}

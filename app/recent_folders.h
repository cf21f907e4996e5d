// The most recently opened checkpoint folders, newest first, kept in
// QSettings under "recentFolders".
#pragma once

#include <QObject>
#include <QStringList>

class RecentFolders : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxEntries = 10;

    explicit RecentFolders(QObject* parent = nullptr);

    QStringList folders() const { return m_folders; }
    // Moves folder to the front (adding it if new) and saves.
    void add(const QString& folder);
    void remove(const QString& folder);
    void clear();

signals:
    void changed();

private:
    void save();

    QStringList m_folders;
};

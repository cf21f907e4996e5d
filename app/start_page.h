// The central page shown while no checkpoint is open: what the program is
// for, an Open button and the recent folders.
#pragma once

#include <QWidget>

class QVBoxLayout;

class StartPage : public QWidget
{
    Q_OBJECT

public:
    explicit StartPage(QWidget* parent = nullptr);

    void setRecentFolders(const QStringList& folders);

signals:
    void openRequested();
    void recentRequested(const QString& folder);

private:
    QVBoxLayout* m_recentLayout = nullptr;
};

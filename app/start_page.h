// The page shown at start: what the program is for, the embedded demo
// project ready to run, new and open project, open checkpoint, and the recent
// folders.
#pragma once

#include <QWidget>

class QVBoxLayout;

class StartPage : public QWidget
{
    Q_OBJECT

public:
    explicit StartPage(QWidget* parent = nullptr);

    void setRecentFolders(const QStringList& folders);

    // Whether the embedded demo can be offered (its resources were found).
    void setDemoAvailable(bool available);

signals:
    void demoRequested();
    void newProjectRequested();
    void openProjectRequested();
    void openRequested();
    void recentRequested(const QString& folder);

private:
    QVBoxLayout* m_recentLayout = nullptr;
    QWidget* m_demo = nullptr;
};

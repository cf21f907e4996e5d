// moecut studio's main window: File and Help menus, the "Summary" and
// "Layers" docks, a central start page / layer map, and a status bar.
// Checkpoints are inspected on a worker thread (CheckpointLoader).
#pragma once

#include <nlohmann/json.hpp>

#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>

class CheckpointLoader;
class LayerMapView;
class LayerTableModel;
class QLabel;
class QMenu;
class QProgressBar;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class RecentFolders;
class StartPage;
class SummaryModel;
class SummaryView;

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    LayerTableModel* layerModel() const { return m_layerModel; }
    SummaryModel* summaryModel() const { return m_summaryModel; }
    QTableView* layerTable() const { return m_layerTable; }
    SummaryView* summaryView() const { return m_summaryView; }
    CheckpointLoader* loader() const { return m_loader; }
    RecentFolders* recentFolders() const { return m_recent; }
    // The error box of the last failed load, while it is open.
    QMessageBox* errorBox() const { return m_errorBox; }

public slots:
    // Starts loading folder in the background; the window stays responsive.
    void openCheckpoint(const QString& folder);
    void openCheckpointDialog();

signals:
    void checkpointLoaded(const QString& folder);
    void checkpointFailed(const QString& folder, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createDocks();
    void createCentral();
    void createStatusBar();
    void restoreSettings();
    void saveSettings() const;
    void updateRecentMenu();
    void showAbout();
    void onLoadStarted(const QString& folder);
    void onLoaded(const QString& folder, const nlohmann::json& report);
    void onFailed(const QString& folder, const QString& message);
    void selectLayerRow(int sourceRow);

    CheckpointLoader* m_loader = nullptr;
    RecentFolders* m_recent = nullptr;
    SummaryModel* m_summaryModel = nullptr;
    LayerTableModel* m_layerModel = nullptr;
    QSortFilterProxyModel* m_layerProxy = nullptr;

    SummaryView* m_summaryView = nullptr;
    QTableView* m_layerTable = nullptr;
    QStackedWidget* m_central = nullptr;
    StartPage* m_startPage = nullptr;
    LayerMapView* m_layerMap = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_statusSummary = nullptr;
    QProgressBar* m_busy = nullptr;
    QPointer<QMessageBox> m_errorBox;
};

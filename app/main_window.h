// moecut studio's main window. Pages (tabs): Start, Designer, Saliency,
// Monitor, Results and Model (the layer map of an open checkpoint, with the
// "Summary" and "Layers" docks). A project (ProjectSession) holds experiments
// and their jobs; the experiment chosen in the toolbar fills the designer,
// and its finished steps fill the saliency and results pages. Checkpoints are
// inspected on a worker thread (CheckpointLoader).
#pragma once

#include <nlohmann/json.hpp>

#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QHash>
#include <QStringList>

#include <memory>

class CheckpointLoader;
class DesignerPage;
class MonitorPage;
class ProjectSession;
class QComboBox;
class QDockWidget;
class QTabWidget;
class ResultsView;
class SaliencyPage;
class LayerMapView;
class LayerTableModel;
class QLabel;
class QMenu;
class QProgressBar;
class QSortFilterProxyModel;
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

    enum Page { StartTab, DesignerTab, SaliencyTab, MonitorTab, ResultsTab, ModelTab };
    QTabWidget* pages() const { return m_pages; }
    void showPage(Page page);
    // "start", "designer", "saliency", "monitor", "results", "model"; false if unknown.
    bool showPage(const QString& name);
    ProjectSession* session() const { return m_session.get(); }
    DesignerPage* designer() const { return m_designer; }
    SaliencyPage* saliencyPage() const { return m_saliencyPage; }
    MonitorPage* monitorPage() const { return m_monitorPage; }
    ResultsView* resultsView() const { return m_resultsView; }
    QComboBox* experimentBox() const { return m_experimentBox; }
    qint64 currentExperiment() const { return m_experimentId; }

public slots:
    // Starts loading folder in the background; the window stays responsive.
    void openCheckpoint(const QString& folder);
    void openCheckpointDialog();
    // Opens (creating when missing) the project in dir; false with a message
    // box when its store cannot be used.
    bool openProject(const QString& dir);
    void openProjectDialog();
    void newProjectDialog();
    // Opens the demo project (in the app's data folder unless dir is given),
    // creating its experiment on first use; false when the resources are missing.
    bool openDemoProject(const QString& dir = {});
    void closeProject();
    void selectExperiment(qint64 experimentId);
    // Launches the designer's experiment as a chain of jobs; the job ids.
    std::vector<qint64> launchExperiment();
    // Runs the event loop until the project has no unfinished job.
    void waitForJobs();
    // Reloads the saliency and results pages from the experiment's finished jobs.
    void refreshOutputs();

signals:
    void checkpointLoaded(const QString& folder);
    void checkpointFailed(const QString& folder, const QString& message);
    void projectOpened(const QString& dir);

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
    void createPages();
    QList<QDockWidget*> modelDocks() const;
    void updateModelDocks();
    void createProjectActions(QMenu* file);
    void updateExperimentBox();
    void onJobStateChanged(qint64 jobId);
    void launchWithPlan(const QString& planFile);
    void showError(const QString& title, const QString& message);

    CheckpointLoader* m_loader = nullptr;
    RecentFolders* m_recent = nullptr;
    SummaryModel* m_summaryModel = nullptr;
    LayerTableModel* m_layerModel = nullptr;
    QSortFilterProxyModel* m_layerProxy = nullptr;

    SummaryView* m_summaryView = nullptr;
    QTableView* m_layerTable = nullptr;
    QTabWidget* m_pages = nullptr;
    StartPage* m_startPage = nullptr;
    DesignerPage* m_designer = nullptr;
    SaliencyPage* m_saliencyPage = nullptr;
    MonitorPage* m_monitorPage = nullptr;
    ResultsView* m_resultsView = nullptr;
    QComboBox* m_experimentBox = nullptr;
    std::unique_ptr<ProjectSession> m_session;
    qint64 m_experimentId = -1;
    QStringList m_resultsFolders; // what the results page shows
    QHash<QString, bool> m_modelDocksShown; // the Model page's docks, by object name
    bool m_onModelPage = false;
    LayerMapView* m_layerMap = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_statusSummary = nullptr;
    QProgressBar* m_busy = nullptr;
    QPointer<QMessageBox> m_errorBox;
};

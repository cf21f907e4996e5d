#include "main_window.h"

#include "project_session.h"

#include "checkpoint_loader.h"
#include "display_format.h"
#include "export_menus.h"
#include "layer_map_view.h"
#include "layer_table_model.h"
#include "recent_folders.h"
#include "start_page.h"
#include "summary_model.h"
#include "summary_view.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QStatusBar>
#include <QTableView>

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_loader(new CheckpointLoader(this))
    , m_recent(new RecentFolders(this))
    , m_summaryModel(new SummaryModel(this))
    , m_layerModel(new LayerTableModel(this))
    , m_layerProxy(new QSortFilterProxyModel(this))
{
    setWindowTitle(tr("moecut studio"));
    setDockOptions(AnimatedDocks | AllowTabbedDocks);
    m_layerProxy->setSourceModel(m_layerModel);
    m_layerProxy->setSortRole(LayerTableModel::RawRole);

    createCentral();
    createDocks();
    createActions();
    createStatusBar();
    restoreSettings();
    installExportMenus(this); // every plot and table exports alone

    connect(m_loader, &CheckpointLoader::started, this, &MainWindow::onLoadStarted);
    connect(m_loader, &CheckpointLoader::loaded, this, &MainWindow::onLoaded);
    connect(m_loader, &CheckpointLoader::failed, this, &MainWindow::onFailed);
    connect(m_loader, &CheckpointLoader::busyChanged, m_busy, &QWidget::setVisible);
    connect(m_recent, &RecentFolders::changed, this, &MainWindow::updateRecentMenu);
    updateRecentMenu();
}

MainWindow::~MainWindow()
{
    closeProject();
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    createProjectActions(file);
    QAction* open = file->addAction(tr("&Open Checkpoint…"), this, &MainWindow::openCheckpointDialog);
    open->setStatusTip(tr("Open a Hugging Face checkpoint folder"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        view->addAction(dock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About moecut studio"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::createDocks()
{
    m_summaryView = new SummaryView;
    m_summaryView->setModel(m_summaryModel);
    auto* summaryDock = new QDockWidget(tr("Summary"), this);
    summaryDock->setObjectName(QStringLiteral("summaryDock"));
    summaryDock->setWidget(m_summaryView);
    addDockWidget(Qt::LeftDockWidgetArea, summaryDock);

    m_layerTable = new QTableView;
    m_layerTable->setObjectName(QStringLiteral("layerTable"));
    m_layerTable->setModel(m_layerProxy);
    m_layerTable->setSortingEnabled(true);
    m_layerTable->sortByColumn(LayerTableModel::IndexColumn, Qt::AscendingOrder);
    m_layerTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_layerTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_layerTable->setAlternatingRowColors(true);
    m_layerTable->verticalHeader()->hide();
    m_layerTable->verticalHeader()->setDefaultSectionSize(m_layerTable->fontMetrics().height() + 6);
    m_layerTable->horizontalHeader()->setStretchLastSection(true);
    auto* layersDock = new QDockWidget(tr("Layers"), this);
    layersDock->setObjectName(QStringLiteral("layersDock"));
    layersDock->setWidget(m_layerTable);
    addDockWidget(Qt::RightDockWidgetArea, layersDock);
    resizeDocks({summaryDock, layersDock}, {380, 520}, Qt::Horizontal);

    connect(m_layerTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { m_layerMap->setCurrentRow(m_layerProxy->mapToSource(current).row()); });
}

void MainWindow::createCentral()
{
    m_startPage = new StartPage;
    connect(m_startPage, &StartPage::openRequested, this, &MainWindow::openCheckpointDialog);
    connect(m_startPage, &StartPage::demoRequested, this, [this] { openDemoProject(); });
    connect(m_startPage, &StartPage::newProjectRequested, this, &MainWindow::newProjectDialog);
    connect(m_startPage, &StartPage::openProjectRequested, this, &MainWindow::openProjectDialog);
    connect(m_startPage, &StartPage::recentRequested, this, &MainWindow::openCheckpoint);

    m_layerMap = new LayerMapView;
    m_layerMap->setModel(m_layerModel);
    connect(m_layerMap, &LayerMapView::rowClicked, this, &MainWindow::selectLayerRow);
    auto* mapScroll = new QScrollArea;
    mapScroll->setWidget(m_layerMap);
    mapScroll->setWidgetResizable(true);
    mapScroll->setFrameShape(QFrame::NoFrame);

    m_pages = new QTabWidget(this);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_startPage, tr("Start"));
    createPages();
    m_pages->addTab(mapScroll, tr("Model"));
    setCentralWidget(m_pages);
}

void MainWindow::createStatusBar()
{
    m_busy = new QProgressBar;
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setVisible(false);
    m_statusSummary = new QLabel;
    statusBar()->addPermanentWidget(m_statusSummary);
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1200, 760);
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    // The Summary and Layers docks belong to the Model page: shown with it,
    // as the user left them, and out of the way on the other pages.
    connect(m_pages, &QTabWidget::currentChanged, this, &MainWindow::updateModelDocks);
    updateModelDocks();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    // Saved as the Model page shows them.
    const bool away = m_pages->currentIndex() != ModelTab;
    if (away)
        for (QDockWidget* dock : modelDocks())
            dock->setVisible(m_modelDocksShown.value(dock->objectName(), true));
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    if (away)
        for (QDockWidget* dock : modelDocks())
            dock->hide();
}

QList<QDockWidget*> MainWindow::modelDocks() const
{
    return {findChild<QDockWidget*>(QStringLiteral("summaryDock")), findChild<QDockWidget*>(QStringLiteral("layersDock"))};
}

void MainWindow::updateModelDocks()
{
    const bool model = m_pages->currentIndex() == ModelTab;
    for (QDockWidget* dock : modelDocks()) {
        if (model) {
            dock->setVisible(m_modelDocksShown.value(dock->objectName(), true));
        } else if (m_onModelPage || !m_modelDocksShown.contains(dock->objectName())) {
            m_modelDocksShown[dock->objectName()] = !dock->isHidden();
            dock->hide();
        }
    }
    m_onModelPage = model;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    m_loader->cancel();
    closeProject(); // the jobs go on running; the next start reattaches
    QMainWindow::closeEvent(event);
}

void MainWindow::openCheckpointDialog()
{
    const QStringList recent = m_recent->folders();
    const QString start = recent.isEmpty() ? QDir::homePath() : recent.first();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Checkpoint Folder"), start);
    if (!folder.isEmpty())
        openCheckpoint(folder);
}

void MainWindow::openCheckpoint(const QString& folder)
{
    m_loader->open(QDir::cleanPath(QFileInfo(folder).absoluteFilePath()));
}

void MainWindow::onLoadStarted(const QString& folder)
{
    statusBar()->showMessage(tr("Opening %1…").arg(QDir::toNativeSeparators(folder)));
}

void MainWindow::onLoaded(const QString& folder, const nlohmann::json& report)
{
    m_summaryModel->setReport(folder, report);
    m_layerModel->setReport(report);
    m_layerTable->resizeColumnsToContents();
    showPage(ModelTab);
    m_recent->add(folder);

    const QString name = QFileInfo(folder).fileName();
    setWindowTitle(tr("%1 – moecut studio").arg(name));
    m_statusSummary->setText(tr("%1 layers").arg(m_layerModel->rowCount()) + QStringLiteral(" · ") +
                             m_summaryModel->displayValue(QStringLiteral("params_total")) + QStringLiteral(" · ") +
                             m_summaryModel->displayValue(QStringLiteral("bytes_on_disk")));
    const int problems = static_cast<int>(m_summaryModel->problems().size());
    if (problems > 0)
        statusBar()->showMessage(tr("Opened %1; problems found: %2").arg(name).arg(problems));
    else
        statusBar()->showMessage(tr("Opened %1").arg(name), 10000);
    emit checkpointLoaded(folder);
}

void MainWindow::onFailed(const QString& folder, const QString& message)
{
    statusBar()->showMessage(tr("Could not open %1").arg(QDir::toNativeSeparators(folder)));
    if (m_errorBox)
        m_errorBox->close();
    m_errorBox = new QMessageBox(QMessageBox::Warning, tr("Could not open checkpoint"),
                                 tr("%1 is not a checkpoint moecut can read.").arg(QDir::toNativeSeparators(folder)),
                                 QMessageBox::Ok, this);
    m_errorBox->setObjectName(QStringLiteral("loadErrorBox"));
    m_errorBox->setInformativeText(message);
    m_errorBox->setAttribute(Qt::WA_DeleteOnClose);
    m_errorBox->open(); // window-modal, does not block the event loop
    emit checkpointFailed(folder, message);
}

void MainWindow::updateRecentMenu()
{
    const QStringList folders = m_recent->folders();
    m_startPage->setRecentFolders(folders);
    m_recentMenu->clear();
    for (const QString& folder : folders) {
        QAction* action = m_recentMenu->addAction(QDir::toNativeSeparators(folder));
        connect(action, &QAction::triggered, this, [this, folder] { openCheckpoint(folder); });
    }
    if (!folders.isEmpty())
        m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(tr("&Clear List"), m_recent, &RecentFolders::clear);
    clear->setEnabled(!folders.isEmpty());
}

void MainWindow::selectLayerRow(int sourceRow)
{
    const QModelIndex index = m_layerProxy->mapFromSource(m_layerModel->index(sourceRow, 0));
    m_layerTable->selectRow(index.row());
    m_layerTable->scrollTo(index);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About moecut studio"),
                       tr("<h3>moecut studio %1</h3>"
                          "<p>A workbench for pruning experts from Mixture-of-Experts models "
                          "and measuring what it costs.</p>")
                           .arg(QCoreApplication::applicationVersion()));
}

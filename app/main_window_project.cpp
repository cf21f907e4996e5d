// MainWindow's project side: the pages, opening projects (the demo among
// them), experiments, launching them and following their jobs.
#include "main_window.h"

#include "demo_project.h"
#include "designer_page.h"
#include "job_controller.h"
#include "jobs_model.h"
#include "monitor_page.h"
#include "project_session.h"
#include "recent_folders.h"
#include "results_view.h"
#include "saliency_page.h"
#include "settings_dialog.h"
#include "start_page.h"

#include "moecut/error.h"

#include <QAction>
#include <QComboBox>
#include <QCoreApplication>
#include <QThread>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>

void MainWindow::createPages()
{
    m_designer = new DesignerPage;
    m_designer->setMoecutBinary(demo::moecutBinary());
    m_saliencyPage = new SaliencyPage;
    m_monitorPage = new MonitorPage;
    m_resultsView = new ResultsView;
    m_pages->addTab(m_designer, tr("Designer"));
    m_pages->addTab(m_saliencyPage, tr("Saliency"));
    m_pages->addTab(m_monitorPage, tr("Monitor"));
    m_pages->addTab(m_resultsView, tr("Results"));
    m_startPage->setDemoAvailable(!demo::resourcesDir().isEmpty());

    connect(m_designer, &DesignerPage::launchRequested, this, [this] { launchExperiment(); });
    connect(m_saliencyPage, &SaliencyPage::planSaved, m_designer, &DesignerPage::setPlanFile);
    connect(m_saliencyPage, &SaliencyPage::pruneRequested, this, &MainWindow::launchWithPlan);
    connect(m_resultsView, &ResultsView::loadFailed, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });

    auto* bar = addToolBar(tr("Experiment"));
    bar->setObjectName(QStringLiteral("experimentToolBar"));
    bar->addWidget(new QLabel(tr("Experiment: ")));
    m_experimentBox = new QComboBox;
    m_experimentBox->setObjectName(QStringLiteral("experimentBox"));
    m_experimentBox->setMinimumContentsLength(16);
    m_experimentBox->setEnabled(false);
    bar->addWidget(m_experimentBox);
    connect(m_experimentBox, &QComboBox::activated, this,
            [this](int index) { selectExperiment(m_experimentBox->itemData(index).toLongLong()); });
}

void MainWindow::createProjectActions(QMenu* file)
{
    file->addAction(tr("&New Project…"), this, &MainWindow::newProjectDialog);
    QAction* open = file->addAction(tr("Open &Project…"), this, &MainWindow::openProjectDialog);
    open->setShortcut(QKeySequence::Open);
    QAction* demo = file->addAction(tr("Open the &Demo Project"), this, [this] { openDemoProject(); });
    demo->setEnabled(!demo::resourcesDir().isEmpty());
    file->addSeparator();
    QAction* settings = file->addAction(tr("&Settings…"), this, [this] { SettingsDialog(this).exec(); });
    settings->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
}

void MainWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(static_cast<int>(page));
}

bool MainWindow::showPage(const QString& name)
{
    static const QStringList names{QStringLiteral("start"),   QStringLiteral("designer"), QStringLiteral("saliency"),
                                   QStringLiteral("monitor"), QStringLiteral("results"),  QStringLiteral("model")};
    const int index = static_cast<int>(names.indexOf(name));
    if (index < 0)
        return false;
    showPage(static_cast<Page>(index));
    return true;
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(message, 15000);
    if (m_errorBox)
        m_errorBox->close();
    m_errorBox = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    m_errorBox->setAttribute(Qt::WA_DeleteOnClose);
    m_errorBox->open();
}

bool MainWindow::openProject(const QString& dir)
{
    closeProject();
    try {
        m_session = std::make_unique<ProjectSession>(dir, demo::moecutBinary());
    } catch (const std::exception& e) {
        showError(tr("Could not open project"), QString::fromUtf8(e.what()));
        return false;
    }
    m_monitorPage->setJobs(m_session->controller(), m_session->jobsModel());
    m_designer->setStepPlanner([session = m_session.get()](const moecut::ExperimentSettings& s) {
        return session->plannedSteps(s);
    });
    connect(m_session->controller(), &JobController::jobStateChanged, this, &MainWindow::onJobStateChanged);
    connect(m_session->controller(), &JobController::launchFailed, this,
            [this](qint64, const QString& message) { showError(tr("A job did not start"), message); });
    connect(m_session.get(), &ProjectSession::experimentsChanged, this, &MainWindow::updateExperimentBox);
    updateExperimentBox();
    const auto experiments = m_session->experiments();
    if (!experiments.empty())
        selectExperiment(experiments.back().id);
    setWindowTitle(tr("%1 – moecut studio").arg(QFileInfo(m_session->dir()).fileName()));
    m_recent->add(m_session->dir());
    statusBar()->showMessage(tr("Opened project %1").arg(QDir::toNativeSeparators(m_session->dir())), 10000);
    emit projectOpened(m_session->dir());
    return true;
}

void MainWindow::openProjectDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Project Folder"));
    if (!dir.isEmpty())
        openProject(dir);
}

void MainWindow::newProjectDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("New Project: Choose an Empty Folder"));
    if (dir.isEmpty() || !openProject(dir))
        return;
    moecut::ExperimentSettings s;
    s.name = "experiment-1";
    m_designer->setSettings(s);
    m_designer->setExperimentDir(m_session->dir() + QStringLiteral("/experiments/experiment-1"));
    showPage(DesignerTab);
}

bool MainWindow::openDemoProject(const QString& dir)
{
    const QString resources = demo::resourcesDir();
    if (resources.isEmpty()) {
        showError(tr("Demo not found"), tr("The demo model was not found: set MOECUT_RESOURCES to moecut's "
                                           "resources folder."));
        return false;
    }
    if (!openProject(dir.isEmpty() ? demo::defaultProjectDir() : dir))
        return false;
    if (m_session->experiments().empty()) {
        try {
            selectExperiment(m_session->saveExperiment(demo::settings(resources)));
        } catch (const std::exception& e) {
            showError(tr("Could not create the demo experiment"), QString::fromUtf8(e.what()));
            return false;
        }
    }
    showPage(DesignerTab);
    if (m_session->store().jobs().empty())
        statusBar()->showMessage(tr("The demo experiment is ready: press Launch Experiment."), 15000);
    return true;
}

void MainWindow::closeProject()
{
    if (!m_session)
        return;
    m_monitorPage->setJobs(nullptr, nullptr);
    m_designer->setStepPlanner({});
    m_session.reset();
    m_experimentId = -1;
    updateExperimentBox();
}

void MainWindow::updateExperimentBox()
{
    m_experimentBox->clear();
    m_experimentBox->setEnabled(m_session != nullptr);
    if (!m_session)
        return;
    for (const auto& e : m_session->experiments())
        m_experimentBox->addItem(QString::fromStdString(e.name), QVariant::fromValue<qint64>(e.id));
    m_experimentBox->setCurrentIndex(m_experimentBox->findData(QVariant::fromValue<qint64>(m_experimentId)));
}

void MainWindow::selectExperiment(qint64 experimentId)
{
    if (!m_session)
        return;
    m_experimentId = experimentId;
    m_experimentBox->setCurrentIndex(m_experimentBox->findData(QVariant::fromValue<qint64>(experimentId)));
    m_designer->setExperimentDir(m_session->experimentDir(experimentId));
    m_designer->setSettings(m_session->settings(experimentId));
    refreshOutputs();
    // The monitor shows the experiment's running job, else its last one.
    const auto jobs = m_session->store().jobs(experimentId);
    qint64 shown = jobs.empty() ? -1 : jobs.back().id;
    for (const auto& job : jobs)
        if (job.state == moecut::JobState::Running) {
            shown = job.id;
            break;
        }
    m_monitorPage->showJob(shown);
}

std::vector<qint64> MainWindow::launchExperiment()
{
    if (!m_session) {
        showError(tr("No project"), tr("Open or create a project first."));
        return {};
    }
    std::vector<qint64> ids;
    try {
        ids = m_session->launch(m_designer->settings());
    } catch (const std::exception& e) {
        showError(tr("Could not launch the experiment"), QString::fromUtf8(e.what()));
        return {};
    }
    const qint64 experiment = m_session->experimentId(QString::fromStdString(m_designer->settings().name));
    if (experiment != m_experimentId)
        selectExperiment(experiment);
    if (!ids.empty()) {
        m_monitorPage->showJob(ids.front());
        showPage(MonitorTab);
        statusBar()->showMessage(tr("Launched %n job(s).", nullptr, static_cast<int>(ids.size())), 10000);
    }
    return ids;
}

void MainWindow::launchWithPlan(const QString& planFile)
{
    auto s = m_designer->settings();
    s.plan_file = planFile.toStdString();
    m_designer->setSettings(s);
    launchExperiment();
}

void MainWindow::onJobStateChanged(qint64 jobId)
{
    if (!m_session)
        return;
    const auto job = m_session->store().job(jobId);
    if (job.experiment_id != m_experimentId)
        return;
    if (job.state == moecut::JobState::Running && m_monitorPage->currentJob() != jobId) {
        // Follow the chain: the monitor shows the step that runs now.
        const auto current = m_monitorPage->currentJob();
        if (current < 0 || moecut::is_final(m_session->store().job(current).state))
            m_monitorPage->showJob(jobId);
    }
    if (job.state == moecut::JobState::Succeeded)
        refreshOutputs();
}

void MainWindow::refreshOutputs()
{
    if (!m_session || m_experimentId < 0)
        return;
    const auto settings = m_session->settings(m_experimentId);
    const QString saliency = m_session->latestOutput(m_experimentId, QStringLiteral("saliency"));
    if (saliency != m_saliencyPage->saliencyFile()) {
        m_saliencyPage->setSaliencyFile(saliency, m_session->experimentDir(m_experimentId) + QStringLiteral("/plans"));
        m_saliencyPage->setPlanSettings(settings.keep, QString::fromStdString(settings.criterion),
                                        QString::fromStdString(settings.domain),
                                        QString::fromStdString(settings.swap_domain), settings.swaps);
    }
    QStringList folders;
    for (const char* step : {"eval-teacher", "eval-pruned", "eval-distilled", "eval-distilled-guardrail", "sweep"}) {
        const QString out = m_session->latestOutput(m_experimentId, QString::fromLatin1(step));
        if (!out.isEmpty())
            folders << out;
    }
    QStringList commands;
    for (const auto& job : m_session->store().jobs(m_experimentId))
        if (job.state == moecut::JobState::Succeeded)
            commands << QString::fromStdString(moecut::shell_command(job.argv));
    m_resultsView->setCommands(commands);
    m_resultsView->setReportTitle(tr("moecut experiment %1").arg(QString::fromStdString(settings.name)));
    if (folders != m_resultsFolders) {
        m_resultsFolders = folders;
        m_resultsView->setFolders(folders);
    }
}

void MainWindow::waitForJobs()
{
    while (m_session && !m_session->controller()->activeJobs().empty()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
        QThread::msleep(20);
    }
    QCoreApplication::processEvents();
}

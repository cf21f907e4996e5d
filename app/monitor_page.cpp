#include "monitor_page.h"

#include "job_controller.h"
#include "job_monitor_view.h"
#include "jobs_model.h"
#include "monitor_session.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

MonitorPage::MonitorPage(QWidget* parent)
    : QWidget(parent)
    , m_session(new MonitorSession(this))
{
    m_jobsView = new QTableView;
    m_jobsView->setObjectName(QStringLiteral("monitorJobsView"));
    m_jobsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_jobsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_jobsView->verticalHeader()->hide();
    m_jobsView->horizontalHeader()->setStretchLastSection(true);

    m_title = new QLabel(tr("No job selected."));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_cancel = new QPushButton(tr("Cancel Job"));
    m_cancel->setObjectName(QStringLiteral("cancelJobButton"));
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_controller && currentJob() >= 0)
            m_controller->cancel(currentJob());
    });
    m_monitor = new JobMonitorView;
    m_monitor->setSession(m_session);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    auto* header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_cancel);
    rightLayout->addLayout(header);
    rightLayout->addWidget(m_monitor, 1);

    auto* splitter = new QSplitter;
    splitter->addWidget(m_jobsView);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
}

void MonitorPage::setJobs(JobController* controller, JobsModel* jobs)
{
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    m_jobs = jobs;
    m_session->setJobId(-1);
    m_jobsView->setModel(jobs);
    if (!controller || !jobs)
        return;
    connect(controller, &JobController::eventsAvailable, m_session, &MonitorSession::onEventsAvailable);
    connect(controller, &JobController::stderrAvailable, m_session, &MonitorSession::onStderrAvailable);
    connect(controller, &JobController::jobStateChanged, this, &MonitorPage::updateCancel);
    connect(m_jobsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MonitorPage::onCurrentRowChanged);
    m_jobsView->resizeColumnsToContents();
    connect(jobs, &QAbstractItemModel::rowsInserted, m_jobsView, &QTableView::resizeColumnsToContents);
    connect(jobs, &QAbstractItemModel::modelReset, m_jobsView, &QTableView::resizeColumnsToContents);
}

qint64 MonitorPage::currentJob() const
{
    return m_session->jobId();
}

void MonitorPage::showJob(qint64 jobId)
{
    if (!m_jobs)
        return;
    const int row = m_jobs->rowOf(jobId);
    if (row >= 0 && m_jobsView->currentIndex().row() != row)
        m_jobsView->selectRow(row); // onCurrentRowChanged loads it
    else if (row < 0)
        m_jobsView->clearSelection();
    if (m_session->jobId() == jobId)
        return;
    m_session->setJobId(jobId);
    if (jobId >= 0 && m_controller) {
        m_session->appendEvents(m_controller->replayEvents(jobId));
        const auto job = m_controller->store().job(jobId);
        m_title->setText(tr("%1 · %2").arg(QString::fromStdString(job.step),
                                           QString::fromStdString(job.run_dir.string())));
    } else {
        m_title->setText(tr("No job selected."));
    }
    updateCancel();
}

void MonitorPage::onCurrentRowChanged()
{
    const QModelIndex index = m_jobsView->currentIndex();
    showJob(index.isValid() ? index.data(JobsModel::JobIdRole).toLongLong() : -1);
}

void MonitorPage::updateCancel()
{
    bool running = false;
    if (m_controller && currentJob() >= 0) {
        const auto state = m_controller->store().job(currentJob()).state;
        running = !moecut::is_final(state);
    }
    m_cancel->setEnabled(running);
}

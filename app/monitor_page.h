// The Monitor page: the project's jobs (JobsModel) on the left, the live
// monitor of the selected job on the right (JobMonitorView over a
// MonitorSession), and Cancel. Selecting a job replays its history from its
// events.jsonl; new events arrive from the JobController as they land.
#pragma once

#include <QWidget>

class JobController;
class JobMonitorView;
class JobsModel;
class MonitorSession;
class QLabel;
class QPushButton;
class QTableView;

class MonitorPage : public QWidget
{
    Q_OBJECT

public:
    explicit MonitorPage(QWidget* parent = nullptr);

    // The project's jobs; null clears the page.
    void setJobs(JobController* controller, JobsModel* jobs);
    // Shows the job (replaying what it wrote so far); -1 shows none.
    void showJob(qint64 jobId);
    qint64 currentJob() const;

    QTableView* jobsView() const { return m_jobsView; }
    JobMonitorView* monitorView() const { return m_monitor; }
    MonitorSession* session() const { return m_session; }
    QPushButton* cancelButton() const { return m_cancel; }

private:
    void onCurrentRowChanged();
    void updateCancel();

    JobController* m_controller = nullptr;
    JobsModel* m_jobs = nullptr;
    MonitorSession* m_session = nullptr;
    QTableView* m_jobsView = nullptr;
    JobMonitorView* m_monitor = nullptr;
    QLabel* m_title = nullptr;
    QPushButton* m_cancel = nullptr;
};

// The jobs of an ExperimentStore as a table: one row per job (in id order),
// columns experiment, step, state, progress, started, duration, run folder.
// Kept current by a JobController's signals; Qt Core/Gui only.
//
//   JobsModel model(controller);       // all jobs; setExperimentFilter(id) for one experiment
//   view->setModel(&model);
#pragma once

#include "moecut/experiment_store.h"

#include <QAbstractTableModel>

#include <map>
#include <optional>
#include <vector>

class JobController;

class JobsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { ExperimentColumn, StepColumn, StateColumn, ProgressColumn, StartedColumn, DurationColumn,
                  RunDirColumn, ColumnCount };
    enum Role {
        JobIdRole = Qt::UserRole,   // qint64, every column
        StateRole,                  // int (moecut::JobState), every column
        ProgressRole,               // double in [0, 1], invalid when unknown
        MessageRole,                // why it failed / was cancelled / is lost
    };

    explicit JobsModel(JobController& controller, QObject* parent = nullptr);

    // Only the jobs of one experiment (nullopt: all).
    void setExperimentFilter(std::optional<qint64> experimentId);
    std::optional<qint64> experimentFilter() const { return m_filter; }
    // Reads the jobs from the store again.
    void reload();
    // The row of a job, -1 when not shown.
    int rowOf(qint64 jobId) const;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString stateText(moecut::JobState state);

private:
    void onJobsChanged();
    void onJobStateChanged(qint64 jobId);
    void onJobProgressChanged(qint64 jobId, double fraction);
    void onEventsAvailable(qint64 jobId);
    std::vector<moecut::JobRecord> loadJobs() const;
    QString experimentName(qint64 experimentId) const;

    JobController& m_controller;
    std::optional<qint64> m_filter;
    std::vector<moecut::JobRecord> m_jobs;
    mutable std::map<qint64, QString> m_experimentNames;
};

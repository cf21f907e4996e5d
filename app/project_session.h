// An open project: its folder, its experiment store (project.sqlite), the
// local job runner and the JobController that runs experiments' steps as
// chains of jobs. Opening a project reattaches to its running jobs; a project
// folder without a store (deleted, or copied from another machine) is rebuilt
// from its run folders.
#pragma once

#include "moecut/experiment_recipe.h"
#include "moecut/experiment_store.h"
#include "moecut/job_runner.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class JobController;
class JobsModel;

class ProjectSession : public QObject
{
    Q_OBJECT

public:
    // Opens (creating when missing) the project in dir; jobs run moecut.
    // Throws moecut::InputError naming the file for a store it cannot use.
    ProjectSession(const QString& dir, const QString& moecut, QObject* parent = nullptr);
    ~ProjectSession() override;

    QString dir() const { return m_dir; }
    QString moecutBinary() const { return m_moecut; }
    qint64 projectId() const { return m_projectId; }
    moecut::ExperimentStore& store() { return *m_store; }
    JobController* controller() const { return m_controller.get(); }
    JobsModel* jobsModel() const { return m_jobsModel.get(); }

    std::vector<moecut::Experiment> experiments() const;
    // -1 when the project has no experiment of that name.
    qint64 experimentId(const QString& name) const;
    moecut::ExperimentSettings settings(qint64 experimentId) const;
    QString experimentDir(qint64 experimentId) const;
    // Adds the experiment, or rewrites the settings of the one of that name.
    qint64 saveExperiment(const moecut::ExperimentSettings& settings);

    // The steps a launch of settings would run now (run folders numbered on
    // from the experiment's last; a finished teacher run with the same
    // command is reused as the baseline, and a finished teacher cache with
    // the same command as kd's cache).
    std::vector<moecut::RecipeStep> plannedSteps(const moecut::ExperimentSettings& settings) const;
    // Saves settings and launches their steps as a chain; returns the job ids.
    std::vector<qint64> launch(const moecut::ExperimentSettings& settings);

    // The main output (--out) of the newest succeeded job of step in the
    // experiment, or empty.
    QString latestOutput(qint64 experimentId, const QString& step) const;
    // The main output of a job (its --out argument).
    static QString jobOutput(const moecut::JobRecord& job);

signals:
    void experimentsChanged();

private:
    std::optional<std::filesystem::path> reusableTeacherRun(qint64 experimentId,
                                                            const moecut::ExperimentSettings& settings) const;
    // A finished teacher-cache job with the same command (distillation on).
    std::optional<std::filesystem::path> reusableTeacherCache(qint64 experimentId,
                                                              const moecut::ExperimentSettings& settings) const;
    // The output of the latest succeeded job of step whose command, but for
    // --out, is the one the fresh recipe of s plans for step.
    std::optional<std::filesystem::path> reusableOutput(qint64 experimentId, const moecut::ExperimentSettings& s,
                                                        const std::string& step) const;
    int nextRunNumber(qint64 experimentId) const;

    QString m_dir;
    QString m_moecut;
    qint64 m_projectId = 0;
    std::unique_ptr<moecut::ExperimentStore> m_store;
    std::unique_ptr<moecut::LocalJobRunner> m_runner;
    std::unique_ptr<JobController> m_controller;
    std::unique_ptr<JobsModel> m_jobsModel;
};

// The steps an experiment will run, one row each: step, run folder, after
// which step, and the exact command line. The designer shows it before launch
// and the project launches from the same steps.
#pragma once

#include "moecut/experiment_recipe.h"

#include <QAbstractTableModel>
#include <QString>
#include <QStringList>

#include <vector>

class RecipeStepsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { StepColumn, FolderColumn, AfterColumn, CommandColumn, ColumnCount };
    enum Role {
        ArgvRole = Qt::UserRole + 1, // QStringList
        OutputRole,                  // QString: the step's main output
    };

    explicit RecipeStepsModel(QObject* parent = nullptr);

    // Recomputes the steps of settings in experimentDir; problems() lists what
    // keeps them from running (the steps are still shown).
    void setSettings(const moecut::ExperimentSettings& settings, const QString& experimentDir, const QString& moecut);
    // Shows steps planned elsewhere (e.g. numbered on from earlier runs).
    void setSteps(std::vector<moecut::RecipeStep> steps, const moecut::ExperimentSettings& settings);
    void clear();

    const std::vector<moecut::RecipeStep>& steps() const { return m_steps; }
    QStringList problems() const { return m_problems; }
    // All commands, one per line, as a shell script body.
    QString script() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void problemsChanged(const QStringList& problems);

private:
    std::vector<moecut::RecipeStep> m_steps;
    QStringList m_problems;
};

// The experiment designer: model folder (with its inspect summary),
// calibration files by domain, keep-K and swaps, probes, n and cap, the
// guardrail grid and the target; distillation (Router-KD) and GGUF export
// with its estimated size; below, the exact commands the experiment will
// run (RecipeStepsModel). Launch hands the settings to the project, which
// runs the steps as a chain of jobs.
#pragma once

#include "moecut/experiment_recipe.h"

#include <nlohmann/json.hpp>

#include <QWidget>

#include <functional>
#include <vector>

class CheckpointLoader;
class DesignerDistillationGroup;
class DesignerExportGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;
class RecipeStepsModel;

class DesignerPage : public QWidget
{
    Q_OBJECT

public:
    explicit DesignerPage(QWidget* parent = nullptr);

    // Fills the form (the model summary loads in the background).
    void setSettings(const moecut::ExperimentSettings& settings);
    moecut::ExperimentSettings settings() const;
    // Where the experiment's runs go and the binary the commands name; both
    // only change the preview.
    void setExperimentDir(const QString& dir);
    void setMoecutBinary(const QString& path);
    // Plans the preview's steps (the project's numbering and reuse); unset or
    // empty: the plain recipe in the experiment folder.
    using StepPlanner = std::function<std::vector<moecut::RecipeStep>(const moecut::ExperimentSettings&)>;
    void setStepPlanner(StepPlanner planner);

    RecipeStepsModel* stepsModel() const { return m_steps; }
    QPushButton* launchButton() const { return m_launch; }
    QSpinBox* keepSpin() const { return m_keep; }
    DesignerDistillationGroup* distillationGroup() const { return m_distillation; }
    DesignerExportGroup* exportGroup() const { return m_export; }
    // Uses plan (an edited plan file) instead of the saliency and plan steps;
    // an empty path goes back to computing the plan.
    void setPlanFile(const QString& plan);

signals:
    void launchRequested(const moecut::ExperimentSettings& settings);
    void settingsChanged();

private:
    QWidget* createModelGroup();
    QWidget* createPlanGroup();
    QWidget* createEvalGroup();
    QWidget* createStepsGroup();
    void browseModel();
    void addCalibration();
    void removeCalibration();
    void onModelLoaded(const QString& folder, const nlohmann::json& report);
    void onModelFailed(const QString& folder, const QString& message);
    void updatePreview();
    void updateKeepLabel();

    CheckpointLoader* m_loader = nullptr;
    RecipeStepsModel* m_steps = nullptr;
    QString m_experimentDir;
    StepPlanner m_planner;
    QString m_moecut = QStringLiteral("moecut");
    int m_experts = 0;  // routed experts of the loaded model (0: unknown)
    bool m_filling = false;

    QLineEdit* m_name = nullptr;
    QLineEdit* m_model = nullptr;
    QLabel* m_modelSummary = nullptr;
    QTableWidget* m_calibration = nullptr;
    QSpinBox* m_seqLen = nullptr;
    QSpinBox* m_maxTokens = nullptr;
    QSpinBox* m_keep = nullptr;
    QLabel* m_keepLabel = nullptr;
    QComboBox* m_criterion = nullptr;
    QComboBox* m_domain = nullptr;
    QComboBox* m_swapDomain = nullptr;
    QSpinBox* m_swaps = nullptr;
    QCheckBox* m_protect = nullptr;
    QLineEdit* m_planFile = nullptr;
    QLineEdit* m_probes = nullptr;
    QSpinBox* m_n = nullptr;
    QSpinBox* m_cap = nullptr;
    QSpinBox* m_batch = nullptr;
    QSpinBox* m_seed = nullptr;
    QCheckBox* m_evalTeacher = nullptr;
    QLineEdit* m_gridMinP = nullptr;
    QLineEdit* m_gridRepPen = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_target = nullptr;
    DesignerDistillationGroup* m_distillation = nullptr;
    DesignerExportGroup* m_export = nullptr;
    QTableView* m_stepsView = nullptr;
    QLabel* m_problems = nullptr;
    QPushButton* m_launch = nullptr;
};

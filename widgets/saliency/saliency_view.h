// The saliency page: what the heatmap shows (statistic, domain, difference of
// two domains, sorted within layers), the plan being edited (criterion and
// domain, knowledge swaps, super experts, keep-K slider and spin box with the
// share dropped, undo/redo), the heatmap, and the distribution of the hovered
// layer. A click on a dropped expert swaps it in; a click on a swapped one
// undoes its swap. Takes the models (setModels); owns no data.
#pragma once

#include "plan_editor.h"
#include "saliency_distribution_model.h"
#include "saliency_model.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QToolButton;
class SaliencyDistributionPlot;
class SaliencyHeatmap;

class SaliencyView : public QWidget
{
    Q_OBJECT

public:
    explicit SaliencyView(QWidget* parent = nullptr);

    void setModels(SaliencyModel* saliency, PlanEditor* editor, SaliencyDistributionModel* distribution);
    SaliencyModel* saliencyModel() const { return m_saliency; }
    PlanEditor* planEditor() const { return m_editor; }
    SaliencyDistributionModel* distributionModel() const { return m_distribution; }

    // Hide the "Save plan…" button when the owner has its own.
    void setSavePlanButtonVisible(bool visible);

    SaliencyHeatmap* heatmap() const { return m_heatmap; }
    SaliencyDistributionPlot* distributionPlot() const { return m_distributionPlot; }
    QSlider* keepSlider() const { return m_keepSlider; }
    QSpinBox* keepSpinBox() const { return m_keepSpin; }
    QLabel* dropLabel() const { return m_dropLabel; }
    QLabel* messageLabel() const { return m_message; }
    QComboBox* statisticCombo() const { return m_statistic; }
    QComboBox* domainCombo() const { return m_domain; }
    QCheckBox* differenceCheck() const { return m_difference; }
    QComboBox* differenceDomainCombo() const { return m_minusDomain; }
    QCheckBox* sortCheck() const { return m_sort; }
    QToolButton* undoButton() const { return m_undo; }
    QToolButton* redoButton() const { return m_redo; }

public slots:
    // From the heatmap: toggles a swap of expert in the row's layer.
    void toggleExpert(int row, int expert);

signals:
    // The "Save plan…" button; the owner chooses where (PlanEditor::savePlan).
    void savePlanRequested();

private:
    void tableChanged();
    void syncDisplay();
    void syncPlan();
    void applyDisplay();
    void showMessage(const QString& text);

    QPointer<SaliencyModel> m_saliency;
    QPointer<PlanEditor> m_editor;
    QPointer<SaliencyDistributionModel> m_distribution;

    QComboBox* m_statistic;
    QComboBox* m_domain;
    QCheckBox* m_difference;
    QComboBox* m_minusDomain;
    QCheckBox* m_sort;
    QComboBox* m_criterion;
    QComboBox* m_planDomain;
    QComboBox* m_swapDomain;
    QSpinBox* m_swaps;
    QCheckBox* m_protect;
    QSlider* m_keepSlider;
    QSpinBox* m_keepSpin;
    QLabel* m_dropLabel;
    QToolButton* m_undo;
    QToolButton* m_redo;
    QPushButton* m_save;
    QLabel* m_message;
    SaliencyHeatmap* m_heatmap;
    SaliencyDistributionPlot* m_distributionPlot;
};

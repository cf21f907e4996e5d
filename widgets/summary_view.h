// The checkpoint summary: a headline (model type and architecture), the
// report's fields (the folder first) in a two-column list and any problems the
// inspection found. Shows a placeholder while the model is empty.
#pragma once

#include "summary_model.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QTreeView;

class SummaryView : public QWidget
{
    Q_OBJECT

public:
    explicit SummaryView(QWidget* parent = nullptr);

    void setModel(SummaryModel* model);
    SummaryModel* model() const { return m_model; }

    // The headline text ("glm_moe_dsa · GlmMoeDsaForCausalLM"), or the
    // placeholder when nothing is loaded.
    QString titleText() const;
    // The problems shown, one per line; empty when there are none.
    QString problemsText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    void applyStyle();

    QPointer<SummaryModel> m_model;
    QLabel* m_title = nullptr;
    QTreeView* m_fields = nullptr;
    QLabel* m_problems = nullptr;
};

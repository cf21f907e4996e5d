// The designer's Distillation group: Router-KD after pruning (a teacher cache
// of the unpruned model, then `moecut kd` on the pruned one). Checking the
// group turns the steps on; docs/router-kd.md explains the options.
#pragma once

#include "moecut/experiment_recipe.h"

#include <QGroupBox>

class QLineEdit;
class QSpinBox;

class DesignerDistillationGroup : public QGroupBox
{
    Q_OBJECT

public:
    explicit DesignerDistillationGroup(QWidget* parent = nullptr);

    void setDistillation(const moecut::DistillationSettings& d);
    // The form's values; teacher_cache (not on the form) is kept from the last setDistillation.
    moecut::DistillationSettings distillation() const;

signals:
    void changed();

private:
    moecut::DistillationSettings m_kept;
    QSpinBox* m_steps = nullptr;
    QLineEdit* m_lr = nullptr;
    QSpinBox* m_batch = nullptr;
    QSpinBox* m_evalEvery = nullptr;
    QSpinBox* m_topk = nullptr;
    QSpinBox* m_seqLen = nullptr;
    QLineEdit* m_data = nullptr;
};

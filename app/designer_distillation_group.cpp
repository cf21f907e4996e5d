#include "designer_distillation_group.h"

#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace {

QSpinBox* spinBox(const char* name, int min, int max, int value)
{
    auto* s = new QSpinBox;
    s->setObjectName(QString::fromLatin1(name));
    s->setRange(min, max);
    s->setValue(value);
    return s;
}

} // namespace

DesignerDistillationGroup::DesignerDistillationGroup(QWidget* parent)
    : QGroupBox(tr("Distillation (Router-KD)"), parent)
{
    setObjectName(QStringLiteral("distillationGroup"));
    setCheckable(true);
    setChecked(false);
    setToolTip(tr("Retrain only the router gates of the pruned model against the teacher's next-token "
                  "distribution, then evaluate it like the other arms"));
    const moecut::DistillationSettings d;
    auto* form = new QFormLayout(this);
    m_steps = spinBox("kdSteps", 1, 1 << 24, d.steps);
    form->addRow(tr("Steps:"), m_steps);
    m_lr = new QLineEdit(QString::number(d.lr));
    m_lr->setObjectName(QStringLiteral("kdLearningRate"));
    form->addRow(tr("Learning rate:"), m_lr);
    m_batch = spinBox("kdBatch", 1, 4096, d.batch);
    form->addRow(tr("Sequences per step:"), m_batch);
    m_evalEvery = spinBox("kdEvalEvery", 0, 1 << 24, d.eval_every);
    m_evalEvery->setSpecialValueText(tr("start and end only"));
    form->addRow(tr("Held-out KL every:"), m_evalEvery);
    m_topk = spinBox("kdTopk", 1, 1 << 16, d.topk);
    form->addRow(tr("Teacher top-k:"), m_topk);
    m_seqLen = spinBox("kdSeqLen", 16, 1 << 20, d.seq_len);
    form->addRow(tr("Cache sequence length:"), m_seqLen);
    m_data = new QLineEdit;
    m_data->setObjectName(QStringLiteral("kdData"));
    m_data->setPlaceholderText(tr("the calibration file of the ranking domain"));
    auto* browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Distillation Data"), m_data->text(),
                                                       tr("JSON lines (*.jsonl);;All files (*)"));
        if (!f.isEmpty())
            m_data->setText(f);
    });
    auto* dataRow = new QHBoxLayout;
    dataRow->addWidget(m_data);
    dataRow->addWidget(browse);
    form->addRow(tr("Teacher cache data:"), dataRow);

    connect(this, &QGroupBox::toggled, this, &DesignerDistillationGroup::changed);
    for (QSpinBox* box : {m_steps, m_batch, m_evalEvery, m_topk, m_seqLen})
        connect(box, &QSpinBox::valueChanged, this, &DesignerDistillationGroup::changed);
    for (QLineEdit* edit : {m_lr, m_data})
        connect(edit, &QLineEdit::textChanged, this, &DesignerDistillationGroup::changed);
}

void DesignerDistillationGroup::setDistillation(const moecut::DistillationSettings& d)
{
    m_kept = d;
    setChecked(d.enabled);
    m_steps->setValue(d.steps);
    m_lr->setText(QString::number(d.lr));
    m_batch->setValue(d.batch);
    m_evalEvery->setValue(d.eval_every);
    m_topk->setValue(d.topk);
    m_seqLen->setValue(d.seq_len);
    m_data->setText(QString::fromStdString(d.data.string()));
}

moecut::DistillationSettings DesignerDistillationGroup::distillation() const
{
    moecut::DistillationSettings d = m_kept;
    d.enabled = isChecked();
    d.steps = m_steps->value();
    bool ok = false;
    const double lr = m_lr->text().trimmed().toDouble(&ok);
    d.lr = ok ? lr : 0; // 0: the problems list names the bad learning rate
    d.batch = m_batch->value();
    d.eval_every = m_evalEvery->value();
    d.topk = m_topk->value();
    d.seq_len = m_seqLen->value();
    d.data = m_data->text().trimmed().toStdString();
    return d;
}

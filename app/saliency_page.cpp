#include "saliency_page.h"

#include "plan_editor.h"
#include "saliency_distribution_model.h"
#include "saliency_model.h"
#include "saliency_view.h"

#include <QDateTime>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

SaliencyPage::SaliencyPage(QWidget* parent)
    : QWidget(parent)
    , m_model(new SaliencyModel(this))
    , m_editor(new PlanEditor(this))
{
    m_editor->setSaliencyModel(m_model);
    auto* distribution = new SaliencyDistributionModel(this);
    distribution->setSourceModel(m_model);
    m_view = new SaliencyView;
    m_view->setModels(m_model, m_editor, distribution);
    m_status = new QLabel(tr("No saliency yet: launch the experiment, its first step measures it."));
    m_status->setObjectName(QStringLiteral("saliencyStatus"));
    m_save = new QPushButton(tr("Save Plan"));
    m_save->setObjectName(QStringLiteral("savePlanButton"));
    m_prune = new QPushButton(tr("Prune and Evaluate with This Plan"));
    m_prune->setObjectName(QStringLiteral("prunePlanButton"));
    connect(m_save, &QPushButton::clicked, this, [this] { savePlan(); });
    connect(m_prune, &QPushButton::clicked, this, [this] {
        const QString file = savePlan();
        if (!file.isEmpty())
            emit pruneRequested(file);
    });
    connect(m_editor, &PlanEditor::editFailed, m_status, &QLabel::setText);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_save);
    buttons->addWidget(m_prune);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 1);
    layout->addLayout(buttons);
    setSaliencyFile({}, {});
}

bool SaliencyPage::setSaliencyFile(const QString& file, const QString& planDir)
{
    m_file = file;
    m_planDir = planDir;
    bool ok = false;
    if (file.isEmpty()) {
        m_status->setText(tr("No saliency yet: launch the experiment, its first step measures it."));
    } else if (m_model->loadFile(file)) {
        m_status->setText(tr("Saliency of %1").arg(QDir::toNativeSeparators(file)));
        ok = true;
    } else {
        m_status->setText(m_model->errorString());
    }
    m_save->setEnabled(ok);
    m_prune->setEnabled(ok);
    return ok;
}

void SaliencyPage::setPlanSettings(qint64 keep, const QString& criterion, const QString& domain,
                                   const QString& swapDomain, qint64 swaps)
{
    if (!m_editor->hasTable())
        return;
    m_editor->setCriterion(criterion);
    m_editor->setDomain(domain);
    if (!swapDomain.isEmpty())
        m_editor->setSwapDomain(swapDomain, swaps);
    m_editor->setKeep(m_editor->nearestValidKeep(keep));
    // Starting values are not edits to undo.
    m_editor->undoStack()->clear();
}

QString SaliencyPage::savePlan()
{
    if (!m_editor->hasPlan() || m_planDir.isEmpty())
        return {};
    QDir().mkpath(m_planDir);
    const QString file = QDir(m_planDir).filePath(
        QStringLiteral("plan-%1.json").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"))));
    if (!m_editor->savePlan(file)) {
        m_status->setText(m_editor->lastError());
        return {};
    }
    m_status->setText(tr("Saved %1").arg(QDir::toNativeSeparators(file)));
    emit planSaved(file);
    return file;
}

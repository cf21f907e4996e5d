#include "saliency_view.h"

#include "saliency_distribution_plot.h"
#include "saliency_heatmap.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include <utility>

namespace {

void fillDomains(QComboBox* combo, const QStringList& domains, const QString& current, bool withNone)
{
    const QSignalBlocker block(combo);
    combo->clear();
    if (withNone)
        combo->addItem(SaliencyView::tr("none"), QString());
    for (const QString& d : domains)
        combo->addItem(d, d);
    const int i = combo->findData(current);
    combo->setCurrentIndex(i >= 0 ? i : 0);
}

void select(QComboBox* combo, const QString& data)
{
    const QSignalBlocker block(combo);
    const int i = combo->findData(data);
    if (i >= 0)
        combo->setCurrentIndex(i);
}

} // namespace

SaliencyView::SaliencyView(QWidget* parent)
    : QWidget(parent)
    , m_statistic(new QComboBox(this))
    , m_domain(new QComboBox(this))
    , m_difference(new QCheckBox(tr("minus"), this))
    , m_minusDomain(new QComboBox(this))
    , m_sort(new QCheckBox(tr("Sort within layer"), this))
    , m_criterion(new QComboBox(this))
    , m_planDomain(new QComboBox(this))
    , m_swapDomain(new QComboBox(this))
    , m_swaps(new QSpinBox(this))
    , m_protect(new QCheckBox(tr("Protect super experts"), this))
    , m_keepSlider(new QSlider(Qt::Horizontal, this))
    , m_keepSpin(new QSpinBox(this))
    , m_dropLabel(new QLabel(this))
    , m_undo(new QToolButton(this))
    , m_redo(new QToolButton(this))
    , m_save(new QPushButton(tr("Save plan…"), this))
    , m_message(new QLabel(this))
    , m_heatmap(new SaliencyHeatmap(this))
    , m_distributionPlot(new SaliencyDistributionPlot(this))
{
    for (const QString& s : SaliencyModel::statistics())
        m_statistic->addItem(s, s);
    for (const char* c : {"reap", "frequency", "ean"})
        m_criterion->addItem(QString::fromLatin1(c), QString::fromLatin1(c));
    m_difference->setToolTip(tr("Show the statistic in the first domain minus the second"));
    m_swaps->setRange(0, 1'000'000);
    m_swaps->setToolTip(tr("Knowledge swaps per layer: the experts the swap domain rates highest that the ranking "
                           "dropped replace the weakest kept ones"));
    m_protect->setToolTip(tr("Always keep super experts (REAP's norm_max outlier rule)"));
    m_keepSlider->setToolTip(tr("Experts kept in every MoE and MTP layer"));
    m_undo->setText(tr("Undo"));
    m_redo->setText(tr("Redo"));
    m_message->setWordWrap(true);

    auto* display = new QHBoxLayout;
    display->addWidget(new QLabel(tr("Show"), this));
    display->addWidget(m_statistic);
    display->addWidget(new QLabel(tr("in"), this));
    display->addWidget(m_domain);
    display->addWidget(m_difference);
    display->addWidget(m_minusDomain);
    display->addWidget(m_sort);
    display->addStretch(1);

    auto* plan = new QGridLayout;
    plan->addWidget(new QLabel(tr("Plan: rank by"), this), 0, 0);
    plan->addWidget(m_criterion, 0, 1);
    plan->addWidget(new QLabel(tr("on"), this), 0, 2);
    plan->addWidget(m_planDomain, 0, 3);
    plan->addWidget(new QLabel(tr("swaps from"), this), 0, 4);
    plan->addWidget(m_swapDomain, 0, 5);
    plan->addWidget(m_swaps, 0, 6);
    plan->addWidget(m_protect, 0, 7);
    plan->addWidget(new QLabel(tr("Keep"), this), 1, 0);
    plan->addWidget(m_keepSlider, 1, 1, 1, 4);
    plan->addWidget(m_keepSpin, 1, 5);
    plan->addWidget(m_dropLabel, 1, 6, 1, 2);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_undo);
    buttons->addWidget(m_redo);
    buttons->addWidget(m_save);
    plan->addLayout(buttons, 1, 8);
    plan->setColumnStretch(9, 1);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_heatmap);
    splitter->addWidget(m_distributionPlot);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(display);
    layout->addLayout(plan);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_message);

    connect(m_statistic, &QComboBox::currentIndexChanged, this, &SaliencyView::applyDisplay);
    connect(m_domain, &QComboBox::currentIndexChanged, this, &SaliencyView::applyDisplay);
    connect(m_minusDomain, &QComboBox::currentIndexChanged, this, &SaliencyView::applyDisplay);
    connect(m_difference, &QCheckBox::toggled, this, &SaliencyView::applyDisplay);
    connect(m_sort, &QCheckBox::toggled, this, &SaliencyView::applyDisplay);

    connect(m_criterion, &QComboBox::currentIndexChanged, this, [this] {
        if (m_editor)
            m_editor->setCriterion(m_criterion->currentData().toString());
    });
    connect(m_planDomain, &QComboBox::currentIndexChanged, this, [this] {
        if (m_editor)
            m_editor->setDomain(m_planDomain->currentData().toString());
    });
    auto applySwaps = [this] {
        if (m_editor && !m_editor->setSwapDomain(m_swapDomain->currentData().toString(), m_swaps->value()))
            syncPlan();
    };
    connect(m_swapDomain, &QComboBox::currentIndexChanged, this, applySwaps);
    connect(m_swaps, &QSpinBox::valueChanged, this, applySwaps);
    connect(m_protect, &QCheckBox::toggled, this, [this](bool on) {
        if (m_editor && !m_editor->setProtectSuperExperts(on))
            syncPlan();
    });
    connect(m_keepSlider, &QSlider::valueChanged, this, [this](int v) {
        if (m_editor && !m_editor->setKeep(v * m_editor->keepStep()))
            syncPlan();
    });
    connect(m_keepSpin, &QSpinBox::valueChanged, this, [this](int k) {
        if (m_editor && !m_editor->setKeep(m_editor->nearestValidKeep(k)))
            syncPlan();
    });
    for (auto [button, keys] : {std::pair{m_undo, QKeySequence::Undo}, std::pair{m_redo, QKeySequence::Redo}}) {
        auto* shortcut = new QAction(this);
        shortcut->setShortcut(keys);
        shortcut->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QAction::triggered, button, &QToolButton::click);
        addAction(shortcut);
    }
    connect(m_save, &QPushButton::clicked, this, &SaliencyView::savePlanRequested);
    connect(m_heatmap, &SaliencyHeatmap::expertClicked, this, &SaliencyView::toggleExpert);
    connect(m_heatmap, &SaliencyHeatmap::rowHovered, this, [this](int row) {
        if (m_distribution)
            m_distribution->setLayerRow(row);
    });
    setModels(nullptr, nullptr, nullptr);
}

void SaliencyView::setModels(SaliencyModel* saliency, PlanEditor* editor, SaliencyDistributionModel* distribution)
{
    if (m_saliency)
        disconnect(m_saliency, nullptr, this, nullptr);
    if (m_editor) {
        disconnect(m_editor, nullptr, this, nullptr);
        disconnect(m_undo, nullptr, m_editor->undoStack(), nullptr);
        disconnect(m_redo, nullptr, m_editor->undoStack(), nullptr);
        disconnect(m_editor->undoStack(), nullptr, m_undo, nullptr);
        disconnect(m_editor->undoStack(), nullptr, m_redo, nullptr);
    }
    m_undo->setEnabled(false);
    m_redo->setEnabled(false);
    m_saliency = saliency;
    m_editor = editor;
    m_distribution = distribution;
    m_heatmap->setModel(saliency);
    m_distributionPlot->setModel(distribution);
    if (editor) {
        QUndoStack* stack = editor->undoStack();
        connect(m_undo, &QToolButton::clicked, stack, &QUndoStack::undo);
        connect(m_redo, &QToolButton::clicked, stack, &QUndoStack::redo);
        connect(stack, &QUndoStack::canUndoChanged, m_undo, &QWidget::setEnabled);
        connect(stack, &QUndoStack::canRedoChanged, m_redo, &QWidget::setEnabled);
        connect(stack, &QUndoStack::undoTextChanged, m_undo, [this](const QString& text) {
            m_undo->setToolTip(text.isEmpty() ? QString() : tr("Undo: %1").arg(text));
        });
        connect(stack, &QUndoStack::redoTextChanged, m_redo, [this](const QString& text) {
            m_redo->setToolTip(text.isEmpty() ? QString() : tr("Redo: %1").arg(text));
        });
        m_undo->setEnabled(stack->canUndo());
        m_redo->setEnabled(stack->canRedo());
        connect(editor, &PlanEditor::planChanged, this, &SaliencyView::syncPlan);
        connect(editor, &PlanEditor::editFailed, this, &SaliencyView::showMessage);
    }
    if (saliency) {
        connect(saliency, &SaliencyModel::tableChanged, this, &SaliencyView::tableChanged);
        connect(saliency, &SaliencyModel::displayChanged, this, &SaliencyView::syncDisplay);
        connect(saliency, &SaliencyModel::loadFailed, this, &SaliencyView::showMessage);
    }
    if (distribution && saliency && distribution->sourceModel() != saliency)
        distribution->setSourceModel(saliency);
    tableChanged();
}

void SaliencyView::tableChanged()
{
    const QStringList domains = m_saliency ? m_saliency->domains() : QStringList();
    fillDomains(m_domain, domains, m_saliency ? m_saliency->domain() : QString(), false);
    fillDomains(m_minusDomain, domains, m_saliency ? m_saliency->differenceB() : QString(), false);
    fillDomains(m_planDomain, domains, m_editor ? m_editor->state().domain : QString(), false);
    fillDomains(m_swapDomain, domains, m_editor ? m_editor->state().swapDomain : QString(), true);
    const bool loaded = m_saliency && !m_saliency->isEmpty();
    for (QWidget* w : {static_cast<QWidget*>(m_statistic), static_cast<QWidget*>(m_domain),
                       static_cast<QWidget*>(m_difference), static_cast<QWidget*>(m_minusDomain),
                       static_cast<QWidget*>(m_sort)})
        w->setEnabled(loaded);
    if (m_distribution && loaded && m_distribution->layerRow() < 0)
        m_distribution->setLayerRow(0);
    m_message->clear();
    syncDisplay();
    syncPlan();
}

void SaliencyView::syncDisplay()
{
    if (!m_saliency)
        return;
    select(m_statistic, m_saliency->statistic());
    select(m_domain, m_saliency->isDifference() ? m_saliency->differenceA() : m_saliency->domain());
    if (m_saliency->isDifference())
        select(m_minusDomain, m_saliency->differenceB());
    const QSignalBlocker b1(m_difference), b2(m_sort);
    m_difference->setChecked(m_saliency->isDifference());
    m_sort->setChecked(m_saliency->isSortedWithinLayer());
    m_minusDomain->setEnabled(m_saliency->isDifference());
}

void SaliencyView::applyDisplay()
{
    if (!m_saliency || m_saliency->isEmpty())
        return;
    m_saliency->setStatistic(m_statistic->currentData().toString());
    if (m_difference->isChecked())
        m_saliency->setDifference(m_domain->currentData().toString(), m_minusDomain->currentData().toString());
    else {
        m_saliency->clearDifference();
        m_saliency->setDomain(m_domain->currentData().toString());
    }
    m_saliency->setSortedWithinLayer(m_sort->isChecked());
    syncDisplay();
}

void SaliencyView::syncPlan()
{
    const bool ready = m_editor && m_editor->hasTable();
    for (QWidget* w : {static_cast<QWidget*>(m_criterion), static_cast<QWidget*>(m_planDomain),
                       static_cast<QWidget*>(m_swapDomain), static_cast<QWidget*>(m_swaps),
                       static_cast<QWidget*>(m_protect), static_cast<QWidget*>(m_keepSlider),
                       static_cast<QWidget*>(m_keepSpin), static_cast<QWidget*>(m_save)})
        w->setEnabled(ready);
    if (!ready) {
        m_dropLabel->clear();
        return;
    }
    const PlanEditor::State& s = m_editor->state();
    const qint64 step = m_editor->keepStep();
    {
        const QSignalBlocker b1(m_keepSlider), b2(m_keepSpin), b3(m_swaps), b4(m_protect);
        m_keepSlider->setRange(static_cast<int>(m_editor->minimumKeep() / step),
                               static_cast<int>(m_editor->maximumKeep() / step));
        m_keepSlider->setValue(static_cast<int>(s.keep / step));
        m_keepSpin->setRange(static_cast<int>(m_editor->minimumKeep()), static_cast<int>(m_editor->maximumKeep()));
        m_keepSpin->setSingleStep(static_cast<int>(step));
        m_keepSpin->setValue(static_cast<int>(s.keep));
        m_swaps->setValue(static_cast<int>(s.autoSwaps));
        m_protect->setChecked(s.protectSuperExperts);
    }
    select(m_criterion, s.criterion);
    select(m_planDomain, s.domain);
    select(m_swapDomain, s.swapDomain);
    const qint64 experts = m_editor->experts();
    const qint64 dropped = experts - s.keep;
    m_dropLabel->setText(tr("drops %1 experts per layer (%2%)")
                             .arg(dropped)
                             .arg(experts > 0 ? 100.0 * static_cast<double>(dropped) / static_cast<double>(experts) : 0.0,
                                  0, 'f', 1));
}

void SaliencyView::setSavePlanButtonVisible(bool visible)
{
    m_save->setVisible(visible);
}

void SaliencyView::toggleExpert(int row, int expert)
{
    if (!m_saliency || !m_editor || row < 0 || row >= m_saliency->rowCount())
        return;
    if (m_distribution)
        m_distribution->setLayerRow(row);
    if (m_editor->toggleSwap(m_saliency->layerOfRow(row), expert))
        m_message->clear();
}

void SaliencyView::showMessage(const QString& text)
{
    m_message->setText(text);
}

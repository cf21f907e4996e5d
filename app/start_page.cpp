#include "start_page.h"

#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

StartPage::StartPage(QWidget* parent)
    : QWidget(parent)
{
    auto* title = new QLabel(tr("moecut studio"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 2);
    titleFont.setBold(true);
    title->setFont(titleFont);

    auto* subtitle = new QLabel(tr("Expert pruning and honest evaluation of Mixture-of-Experts models."), this);
    subtitle->setWordWrap(true);

    auto* demo = new QPushButton(tr("Open the Demo Project"), this);
    demo->setObjectName(QStringLiteral("startDemoButton"));
    demo->setDefault(true);
    connect(demo, &QPushButton::clicked, this, &StartPage::demoRequested);
    auto* demoText = new QLabel(tr("A tiny Mixture-of-Experts model in GLM-5's layout, trained by moecut, with "
                                   "calibration data and held-out probes: saliency, plan, pruning and loop "
                                   "evaluation run on this computer's CPU in a few minutes."),
                                this);
    demoText->setWordWrap(true);
    m_demo = new QWidget(this);
    auto* demoBox = new QVBoxLayout(m_demo);
    demoBox->setContentsMargins(0, 0, 0, 0);
    demoBox->addWidget(demo, 0, Qt::AlignLeft);
    demoBox->addWidget(demoText);

    auto* newProject = new QPushButton(tr("New Project…"), this);
    newProject->setObjectName(QStringLiteral("startNewProjectButton"));
    connect(newProject, &QPushButton::clicked, this, &StartPage::newProjectRequested);
    auto* openProject = new QPushButton(tr("Open Project…"), this);
    openProject->setObjectName(QStringLiteral("startOpenProjectButton"));
    connect(openProject, &QPushButton::clicked, this, &StartPage::openProjectRequested);
    auto* open = new QPushButton(tr("Open Checkpoint…"), this);
    open->setObjectName(QStringLiteral("startOpenButton"));
    connect(open, &QPushButton::clicked, this, &StartPage::openRequested);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(newProject);
    buttons->addWidget(openProject);
    buttons->addWidget(open);
    buttons->addStretch(1);

    auto* recentTitle = new QLabel(tr("Recent folders"), this);
    QFont bold = recentTitle->font();
    bold.setBold(true);
    recentTitle->setFont(bold);

    auto* column = new QVBoxLayout;
    column->addWidget(title);
    column->addWidget(subtitle);
    column->addSpacing(12);
    column->addWidget(m_demo);
    column->addSpacing(12);
    column->addLayout(buttons);
    column->addSpacing(18);
    column->addWidget(recentTitle);
    m_recentLayout = new QVBoxLayout;
    m_recentLayout->setSpacing(2);
    column->addLayout(m_recentLayout);
    column->addStretch(1);

    auto* outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 3);
    outer->addStretch(1);
    outer->setContentsMargins(24, 48, 24, 24);
}

void StartPage::setDemoAvailable(bool available)
{
    m_demo->setVisible(available);
}

void StartPage::setRecentFolders(const QStringList& folders)
{
    while (QLayoutItem* item = m_recentLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (folders.isEmpty()) {
        auto* none = new QLabel(tr("None yet."), this);
        none->setEnabled(false);
        m_recentLayout->addWidget(none);
        return;
    }
    for (const QString& folder : folders) {
        auto* button = new QPushButton(QDir::toNativeSeparators(folder), this);
        button->setFlat(true);
        button->setToolTip(tr("Open %1").arg(QDir::toNativeSeparators(folder)));
        button->setStyleSheet(QStringLiteral("text-align: left; padding: 2px 4px;"));
        connect(button, &QPushButton::clicked, this, [this, folder] { emit recentRequested(folder); });
        m_recentLayout->addWidget(button, 0, Qt::AlignLeft);
    }
}

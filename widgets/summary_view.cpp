#include "summary_view.h"

#include "summary_model.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

SummaryView::SummaryView(QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_fields(new QTreeView(this))
    , m_problems(new QLabel(this))
{
    m_title->setObjectName(QStringLiteral("summaryTitle"));
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_fields->setObjectName(QStringLiteral("summaryFields"));
    m_fields->setRootIsDecorated(false);
    m_fields->setUniformRowHeights(true);
    m_fields->setAlternatingRowColors(true);
    m_fields->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_fields->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_fields->header()->setStretchLastSection(true);

    m_problems->setObjectName(QStringLiteral("summaryProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_fields, 1);
    layout->addWidget(m_problems);

    applyStyle();
    refresh();
}

void SummaryView::setModel(SummaryModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_fields->setModel(model);
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &SummaryView::refresh);
        connect(model, &QAbstractItemModel::dataChanged, this, &SummaryView::refresh);
    }
    refresh();
}

QString SummaryView::titleText() const
{
    return m_title->text();
}

QString SummaryView::problemsText() const
{
    return m_problems->isHidden() ? QString() : m_problems->text();
}

void SummaryView::refresh()
{
    const bool empty = !m_model || m_model->isEmpty();
    m_fields->setVisible(!empty);
    if (empty) {
        m_title->setText(tr("No checkpoint open"));
        m_problems->hide();
        return;
    }
    const QString title = m_model->title();
    m_title->setText(title.isEmpty() ? tr("Unknown model") : title);
    m_fields->resizeColumnToContents(SummaryModel::FieldColumn);

    const QStringList problems = m_model->problems();
    m_problems->setVisible(!problems.isEmpty());
    m_problems->setText(problems.isEmpty() ? QString()
                                           : tr("Problems found:") + QLatin1Char('\n') + problems.join(QLatin1Char('\n')));
}

void SummaryView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        applyStyle();
    QWidget::changeEvent(event);
}

void SummaryView::applyStyle()
{
    QFont titleFont = font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_title->setFont(titleFont);

    QPalette problemsPalette = palette();
    problemsPalette.setColor(QPalette::WindowText, QColor(0xb0, 0x30, 0x20));
    m_problems->setPalette(problemsPalette);
}

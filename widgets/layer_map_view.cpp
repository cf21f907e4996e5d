#include "layer_map_view.h"

#include "layer_table_model.h"

#include <QAbstractItemModel>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

namespace {

constexpr int kCell = 36;
constexpr int kGap = 4;
constexpr int kMargin = 8;

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
const QColor kDense(0xe6, 0x9f, 0x00);
const QColor kMoe(0x56, 0xb4, 0xe9);
const QColor kMtp(0xcc, 0x79, 0xa7);
const QColor kMarker(0x1a, 0x1a, 0x1a);

QColor fillFor(const QString& kind, bool mtp)
{
    if (mtp)
        return kMtp;
    return kind == QLatin1String("moe") ? kMoe : kDense;
}

} // namespace

LayerMapView::LayerMapView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void LayerMapView::setModel(QAbstractItemModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &LayerMapView::modelChanged);
        connect(model, &QAbstractItemModel::rowsInserted, this, &LayerMapView::modelChanged);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &LayerMapView::modelChanged);
        connect(model, &QAbstractItemModel::dataChanged, this, qOverload<>(&QWidget::update));
    }
    modelChanged();
}

void LayerMapView::modelChanged()
{
    if (m_currentRow >= rowCount())
        m_currentRow = -1;
    updateGeometry();
    update();
}

void LayerMapView::setCurrentRow(int row)
{
    if (row < -1 || row >= rowCount() || row == m_currentRow)
        return;
    m_currentRow = row;
    update();
}

int LayerMapView::rowCount() const
{
    return m_model ? m_model->rowCount() : 0;
}

int LayerMapView::columnsFor(int width) const
{
    return qMax(1, (width - 2 * kMargin + kGap) / (kCell + kGap));
}

QList<LayerMapView::LegendEntry> LayerMapView::legendEntries() const
{
    return {
        {LegendEntry::Swatch, kDense, tr("Dense")},
        {LegendEntry::Swatch, kMoe, tr("MoE")},
        {LegendEntry::Swatch, kMtp, tr("MTP")},
        {LegendEntry::FilledDot, {}, tr("indexer (full)")},
        {LegendEntry::HollowDot, {}, tr("indexer (shared)")},
    };
}

// Places the entries left to right, wrapping to a new line when one would
// pass the right margin; returns the legend's height (margins included).
int LayerMapView::layoutLegend(int width, QList<QRect>* rects) const
{
    const QFontMetrics metrics = fontMetrics();
    const int lineHeight = metrics.height();
    int x = kMargin, y = kMargin;
    for (const LegendEntry& entry : legendEntries()) {
        const int entryWidth = lineHeight + metrics.horizontalAdvance(entry.label);
        if (x > kMargin && x + entryWidth > width - kMargin) {
            x = kMargin;
            y += lineHeight + 4;
        }
        if (rects)
            rects->append(QRect(x, y, entryWidth, lineHeight));
        x += entryWidth + 14;
    }
    return y + lineHeight + kMargin;
}

int LayerMapView::legendHeight(int width) const
{
    return layoutLegend(width, nullptr);
}

int LayerMapView::heightForWidth(int width) const
{
    const int columns = columnsFor(width);
    const int lines = (rowCount() + columns - 1) / columns;
    return legendHeight(width) + kMargin + lines * (kCell + kGap);
}

QSize LayerMapView::sizeHint() const
{
    const int width = 2 * kMargin + 16 * (kCell + kGap);
    return {width, heightForWidth(width)};
}

QSize LayerMapView::minimumSizeHint() const
{
    const int width = 2 * kMargin + 4 * (kCell + kGap);
    return {width, legendHeight(width) + kCell + 2 * kMargin};
}

QRect LayerMapView::cellRect(int row, int columns) const
{
    const int x = kMargin + (row % columns) * (kCell + kGap);
    const int y = legendHeight(width()) + (row / columns) * (kCell + kGap);
    return {x, y, kCell, kCell};
}

int LayerMapView::rowAt(const QPoint& pos) const
{
    const int columns = columnsFor(width());
    for (int row = 0; row < rowCount(); ++row) {
        if (cellRect(row, columns).contains(pos))
            return row;
    }
    return -1;
}

void LayerMapView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    paintLegend(painter);
    const int columns = columnsFor(width());
    for (int row = 0; row < rowCount(); ++row)
        paintCell(painter, row, cellRect(row, columns));
}

void LayerMapView::paintLegend(QPainter& painter) const
{
    QList<QRect> rects;
    layoutLegend(width(), &rects);
    const QList<LegendEntry> entries = legendEntries();
    const int swatch = fontMetrics().height() - 4;
    const QColor text = palette().color(QPalette::WindowText);
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const LegendEntry& entry = entries[i];
        const QRect symbol(rects[i].left(), rects[i].top() + 2, swatch, swatch);
        painter.setPen(text);
        if (entry.kind == LegendEntry::Swatch) {
            painter.fillRect(symbol, entry.color);
        } else {
            const int r = swatch / 3;
            painter.setBrush(entry.kind == LegendEntry::FilledDot ? QBrush(text) : QBrush(Qt::NoBrush));
            painter.drawEllipse(symbol.center(), r, r);
        }
        painter.drawText(rects[i].adjusted(swatch + 4, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, entry.label);
    }
}

void LayerMapView::paintCell(QPainter& painter, int row, const QRect& rect) const
{
    auto raw = [&](int column) { return m_model->index(row, column).data(LayerTableModel::RawRole); };
    const QString kind = raw(LayerTableModel::KindColumn).toString();
    const bool mtp = raw(LayerTableModel::MtpColumn).toBool();
    const QString indexer = raw(LayerTableModel::IndexerColumn).toString();
    const int index = raw(LayerTableModel::IndexColumn).toInt();

    QPainterPath path;
    path.addRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
    painter.fillPath(path, fillFor(kind, mtp));
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(kMarker.lighter(250), 1));
    painter.drawPath(path);
    if (row == m_currentRow) {
        painter.setPen(QPen(palette().color(QPalette::WindowText), 2.5));
        painter.drawRoundedRect(QRectF(rect).adjusted(-2, -2, 2, 2), 5, 5);
    }

    painter.setPen(kMarker);
    painter.drawText(rect, Qt::AlignCenter, QString::number(index));

    if (indexer == QLatin1String("full") || indexer == QLatin1String("shared")) {
        const QPointF centre(rect.right() - 7, rect.top() + 7);
        painter.setBrush(indexer == QLatin1String("full") ? QBrush(kMarker) : QBrush(Qt::NoBrush));
        painter.setPen(QPen(kMarker, 1.2));
        painter.drawEllipse(centre, 3.5, 3.5);
    }
}

QString LayerMapView::toolTipFor(int row) const
{
    QStringList parts;
    for (int column = 0; column < m_model->columnCount(); ++column) {
        const QString header = m_model->headerData(column, Qt::Horizontal).toString();
        const QString value = m_model->index(row, column).data().toString();
        if (!value.isEmpty())
            parts << QStringLiteral("%1: %2").arg(header, value);
    }
    return parts.join(QLatin1Char('\n'));
}

void LayerMapView::mousePressEvent(QMouseEvent* event)
{
    const int row = rowAt(event->position().toPoint());
    if (row >= 0 && event->button() == Qt::LeftButton) {
        setCurrentRow(row);
        emit rowClicked(row);
    }
    QWidget::mousePressEvent(event);
}

bool LayerMapView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int row = rowAt(help->pos());
        if (row >= 0)
            QToolTip::showText(help->globalPos(), toolTipFor(row), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

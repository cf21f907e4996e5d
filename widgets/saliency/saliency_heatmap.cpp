#include "saliency_heatmap.h"

#include "qcustomplot_include.h"
#include "saliency_gradients.h"

#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

namespace {

constexpr unsigned char kDimmed = 70; // alpha of dropped experts

} // namespace

SaliencyHeatmap::SaliencyHeatmap(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMouseTracking(true);

    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_map->setColorScale(m_scale);
    m_map->setGradient(saliency::cividisGradient());
    auto* margins = new QCPMarginGroup(m_plot);
    m_plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    m_swappedIn = m_plot->addGraph();
    m_swappedIn->setLineStyle(QCPGraph::lsNone);
    m_swappedIn->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::black, 1.5), QBrush(Qt::white), 7));
    m_swappedIn->setName(tr("swapped in"));
    m_swappedOut = m_plot->addGraph();
    m_swappedOut->setLineStyle(QCPGraph::lsNone);
    m_swappedOut->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QPen(QColor(0xd5, 0x5e, 0x00), 2), Qt::NoBrush, 7));
    m_swappedOut->setName(tr("swapped out"));
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->grid()->setVisible(false);
    m_plot->yAxis->setRangeReversed(true);
    m_plot->xAxis->setLabel(tr("Expert"));
    m_plot->yAxis->setLabel(tr("Layer"));
    connect(m_plot, &QCustomPlot::mouseMove, this, &SaliencyHeatmap::onMouseMove);
    connect(m_plot, &QCustomPlot::mousePress, this, &SaliencyHeatmap::onMousePress);
    rebuild();
}

void SaliencyHeatmap::setModel(SaliencyModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &SaliencyHeatmap::rebuild);
        connect(model, &QAbstractItemModel::dataChanged, this, &SaliencyHeatmap::rebuild);
        connect(model, &SaliencyModel::displayChanged, this, &SaliencyHeatmap::rebuild);
    }
    rebuild();
}

void SaliencyHeatmap::rebuild()
{
    const int rows = m_model ? m_model->rowCount() : 0;
    const int columns = m_model ? m_model->columnCount() : 0;
    QVector<double> inX, inY, outX, outY;
    auto* data = new QCPColorMapData(std::max(1, columns), std::max(1, rows), QCPRange(0, std::max(0, columns - 1)),
                                     QCPRange(0, std::max(0, rows - 1)));
    double maxAbs = 0;
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const int every = std::max(1, rows / 24);
    for (int r = 0; r < rows; ++r) {
        if (r % every == 0 || r == rows - 1)
            ticker->addTick(r, m_model->headerData(r, Qt::Vertical).toString());
        for (int c = 0; c < columns; ++c) {
            const QModelIndex index = m_model->index(r, c);
            const double v = index.data(SaliencyModel::ValueRole).toDouble();
            maxAbs = std::max(maxAbs, std::abs(v));
            data->setCell(c, r, v);
            const auto status = static_cast<SaliencyModel::PlanStatus>(index.data(SaliencyModel::PlanStatusRole).toInt());
            if (status == SaliencyModel::Dropped || status == SaliencyModel::SwappedOut)
                data->setAlpha(c, r, kDimmed);
            if (status == SaliencyModel::SwappedIn) {
                inX << c;
                inY << r;
            } else if (status == SaliencyModel::SwappedOut) {
                outX << c;
                outY << r;
            }
        }
    }
    m_map->setData(data, false);
    m_swappedIn->setData(inX, inY, true);
    m_swappedOut->setData(outX, outY, true);
    m_plot->yAxis->setTicker(ticker);
    m_plot->xAxis->setRange(-0.5, std::max(0, columns) - 0.5);
    m_plot->yAxis->setRange(-0.5, std::max(0, rows) - 0.5);
    const bool difference = m_model && m_model->isDifference();
    m_map->setGradient(difference ? saliency::divergingGradient() : saliency::cividisGradient());
    if (difference)
        m_map->setDataRange(QCPRange(-(maxAbs > 0 ? maxAbs : 1), maxAbs > 0 ? maxAbs : 1));
    else
        m_map->rescaleDataRange(true);
    m_scale->axis()->setLabel(m_model ? m_model->valueLabel() : QString());
    m_plot->xAxis->setLabel(m_model && m_model->isSortedWithinLayer() ? tr("Rank within layer") : tr("Expert"));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QPoint SaliencyHeatmap::cellAt(const QPoint& pos) const
{
    if (!m_model || m_model->rowCount() == 0 || !m_plot->axisRect()->rect().contains(pos))
        return {-1, -1};
    const double x = m_plot->xAxis->pixelToCoord(pos.x());
    const double y = m_plot->yAxis->pixelToCoord(pos.y());
    const int column = static_cast<int>(std::floor(x + 0.5));
    const int row = static_cast<int>(std::floor(y + 0.5));
    if (column < 0 || column >= m_model->columnCount() || row < 0 || row >= m_model->rowCount())
        return {-1, -1};
    return {column, row};
}

QPoint SaliencyHeatmap::pixelOf(int row, int column) const
{
    return QPoint(static_cast<int>(std::lround(m_plot->xAxis->coordToPixel(column))),
                  static_cast<int>(std::lround(m_plot->yAxis->coordToPixel(row))));
}

void SaliencyHeatmap::onMouseMove(QMouseEvent* event)
{
    const QPoint cell = cellAt(event->position().toPoint());
    if (cell.y() != m_hoveredRow && cell.y() >= 0) {
        m_hoveredRow = cell.y();
        emit rowHovered(m_hoveredRow);
    }
    if (cell.x() < 0) {
        QToolTip::hideText();
        return;
    }
    const QString tip = m_model->index(cell.y(), cell.x()).data(Qt::ToolTipRole).toString();
    QToolTip::showText(event->globalPosition().toPoint(), tip, m_plot);
}

void SaliencyHeatmap::onMousePress(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    const QPoint cell = cellAt(event->position().toPoint());
    if (cell.x() < 0)
        return;
    emit expertClicked(cell.y(), m_model->index(cell.y(), cell.x()).data(SaliencyModel::ExpertRole).toInt());
}

#include "saliency_distribution_plot.h"

#include "qcustomplot_include.h"

#include <QVBoxLayout>

namespace {

// Okabe-Ito colours.
const QColor kKept(0x00, 0x72, 0xb2);
const QColor kDropped(0x99, 0x99, 0x99);
const QColor kSwappedIn(0xe6, 0x9f, 0x00);

QCPBars* makeBars(QCustomPlot* plot, const QColor& color, const QString& name)
{
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setWidth(0.8);
    bars->setPen(Qt::NoPen);
    bars->setBrush(color);
    bars->setName(name);
    return bars;
}

} // namespace

SaliencyDistributionPlot::SaliencyDistributionPlot(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_kept = makeBars(m_plot, kKept, tr("kept"));
    m_dropped = makeBars(m_plot, kDropped, tr("dropped"));
    m_swappedIn = makeBars(m_plot, kSwappedIn, tr("swapped in"));
    m_threshold = new QCPItemStraightLine(m_plot);
    m_threshold->setPen(QPen(Qt::black, 1.5, Qt::DashLine));
    m_thresholdLabel = new QCPItemText(m_plot);
    m_thresholdLabel->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_thresholdLabel->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_plot->plotLayout()->insertRow(0);
    m_title = new QCPTextElement(m_plot, QString());
    m_plot->plotLayout()->addElement(0, 0, m_title);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(font());
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_plot->xAxis->setLabel(tr("Rank within layer"));
    rebuild();
}

void SaliencyDistributionPlot::setModel(SaliencyDistributionModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::modelReset, this, &SaliencyDistributionPlot::rebuild);
        connect(model, &QAbstractItemModel::dataChanged, this, &SaliencyDistributionPlot::rebuild);
    }
    rebuild();
}

void SaliencyDistributionPlot::rebuild()
{
    QVector<double> keptX, keptY, droppedX, droppedY, inX, inY;
    const int n = m_model ? m_model->rowCount() : 0;
    double top = 0, bottom = 0;
    for (int r = 0; r < n; ++r) {
        const QModelIndex index = m_model->index(r, 0);
        const double v = index.data(SaliencyDistributionModel::ValueRole).toDouble();
        top = std::max(top, v);
        bottom = std::min(bottom, v);
        switch (static_cast<SaliencyModel::PlanStatus>(index.data(SaliencyDistributionModel::PlanStatusRole).toInt())) {
        case SaliencyModel::Dropped:
        case SaliencyModel::SwappedOut:
            droppedX << r + 1;
            droppedY << v;
            break;
        case SaliencyModel::SwappedIn:
            inX << r + 1;
            inY << v;
            break;
        default:
            keptX << r + 1;
            keptY << v;
        }
    }
    m_kept->setData(keptX, keptY, true);
    m_dropped->setData(droppedX, droppedY, true);
    m_swappedIn->setData(inX, inY, true);
    const int k = m_model ? m_model->keepCount() : 0;
    const bool showThreshold = n > 0 && k > 0 && k < n;
    m_threshold->setVisible(showThreshold);
    m_thresholdLabel->setVisible(showThreshold);
    if (showThreshold) {
        m_threshold->point1->setCoords(k + 0.5, 0);
        m_threshold->point2->setCoords(k + 0.5, 1);
        m_thresholdLabel->position->setCoords(k + 0.7, 0.02);
        m_thresholdLabel->setText(tr("keep %1").arg(k));
    }
    m_title->setText(m_model ? m_model->title() : QString());
    m_plot->yAxis->setLabel(m_model && m_model->sourceModel() ? m_model->sourceModel()->valueLabel() : QString());
    m_plot->xAxis->setRange(0.5, std::max(1, n) + 0.5);
    m_plot->yAxis->setRange(bottom < 0 ? bottom * 1.05 : 0, top > 0 ? top * 1.05 : 1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

double SaliencyDistributionPlot::thresholdPosition() const
{
    return m_threshold->visible() ? m_threshold->point1->coords().x() : -1;
}

int SaliencyDistributionPlot::keptBarCount() const
{
    return m_kept->dataCount();
}

int SaliencyDistributionPlot::droppedBarCount() const
{
    return m_dropped->dataCount();
}

int SaliencyDistributionPlot::swappedInBarCount() const
{
    return m_swappedIn->dataCount();
}

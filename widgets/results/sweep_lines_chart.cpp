#include "sweep_lines_chart.h"

#include "qcustomplot_include.h"
#include "results_roles.h"
#include "sweep_model.h"

SweepLinesChart::SweepLinesChart(QWidget* parent)
    : ResultsChart(parent)
{
}

void SweepLinesChart::setModel(SweepModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model)
        connect(model, &SweepModel::axesChanged, this, &ResultsChart::refresh);
    watchModel(model);
}

QString SweepLinesChart::title() const
{
    return tr("Sweep: loop rate by setting (95% CI bands)");
}

void SweepLinesChart::rebuild()
{
    QCustomPlot* p = plot();
    p->yAxis->setLabel(tr("Loop rate (%)"));
    if (!m_model || m_model->rowCount() == 0)
        return;
    const QList<double> xs = m_model->xValues(), ys = m_model->yValues();
    if (xs.isEmpty())
        return;
    p->xAxis->setLabel(m_model->xKey());
    auto raw = [&](int row, int column) {
        return m_model->data(m_model->index(row, column), ResultsRoles::RawRole);
    };
    double top = 1;
    for (int yi = 0; yi < ys.size(); ++yi) {
        QVector<double> keys, rates, lower, upper;
        for (int xi = 0; xi < xs.size(); ++xi) {
            const int row = m_model->rowAt(xi, yi);
            const QVariant rate = row < 0 ? QVariant() : raw(row, SweepModel::LoopRateColumn);
            if (!rate.isValid())
                continue;
            keys << xs[xi];
            rates << 100.0 * rate.toDouble();
            lower << 100.0 * raw(row, SweepModel::LoopLowerColumn).toDouble();
            upper << 100.0 * raw(row, SweepModel::LoopUpperColumn).toDouble();
            top = std::max(top, upper.last());
            if (row == m_model->baseline()) {
                auto* mark = new QCPItemTracer(p);
                mark->position->setCoords(xs[xi], rates.last());
                mark->setStyle(QCPItemTracer::tsSquare);
                mark->setSize(12);
                mark->setPen(QPen(Qt::black, 1.5));
            }
        }
        if (keys.isEmpty())
            continue;
        const QColor color = seriesColor(yi);
        QColor band = color;
        band.setAlpha(50);
        QCPGraph* lo = p->addGraph();
        lo->setData(keys, lower, true);
        lo->setPen(Qt::NoPen);
        lo->removeFromLegend();
        QCPGraph* hi = p->addGraph();
        hi->setData(keys, upper, true);
        hi->setPen(Qt::NoPen);
        hi->setBrush(band);
        hi->setChannelFillGraph(lo);
        hi->removeFromLegend();
        QCPGraph* line = p->addGraph();
        line->setData(keys, rates, true);
        line->setPen(QPen(color, 2));
        line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, 7));
        line->setName(m_model->yKey().isEmpty() ? tr("loop rate")
                                                : QStringLiteral("%1 = %2").arg(m_model->yKey()).arg(ys[yi]));
    }
    const double span = xs.size() > 1 ? xs.last() - xs.first() : 1.0;
    p->xAxis->setRange(xs.first() - 0.05 * span, xs.last() + 0.05 * span);
    p->yAxis->setRange(0, top * 1.1);
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

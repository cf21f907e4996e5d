#include "sweep_heatmap.h"

#include "qcustomplot_include.h"
#include "results_format.h"
#include "results_roles.h"
#include "sweep_model.h"

#include <cmath>
#include <limits>

namespace {

// Viridis (matplotlib), sampled at nine stops: perceptually uniform and
// readable with the common colour-vision deficiencies.
QCPColorGradient viridis()
{
    QCPColorGradient g;
    g.clearColorStops();
    const QColor stops[] = {QColor(68, 1, 84),    QColor(71, 44, 122),  QColor(59, 81, 139),
                            QColor(44, 113, 142), QColor(33, 144, 141), QColor(39, 173, 129),
                            QColor(92, 200, 99),  QColor(170, 220, 50), QColor(253, 231, 37)};
    constexpr int n = sizeof(stops) / sizeof(stops[0]);
    for (int i = 0; i < n; ++i)
        g.setColorStopAt(double(i) / (n - 1), stops[i]);
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

QString axisText(double v)
{
    return QString::number(v, 'g', 6);
}

} // namespace

SweepHeatmap::SweepHeatmap(QWidget* parent)
    : ResultsChart(parent)
{
}

SweepHeatmap::~SweepHeatmap() = default;

void SweepHeatmap::setModel(SweepModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model)
        connect(model, &SweepModel::axesChanged, this, &ResultsChart::refresh);
    watchModel(model);
}

QString SweepHeatmap::title() const
{
    return tr("Sweep: loop rate per grid cell");
}

QString SweepHeatmap::cellLabel(int xi, int yi) const
{
    if (!m_model)
        return {};
    const int row = m_model->rowAt(xi, yi);
    if (row < 0)
        return {};
    auto raw = [&](int column) { return m_model->data(m_model->index(row, column), ResultsRoles::RawRole); };
    const QVariant rate = raw(SweepModel::LoopRateColumn);
    if (!rate.isValid())
        return {};
    return QStringLiteral("%1\n%2\n%3")
        .arg(ResultsFormat::percent(rate.toDouble()),
             ResultsFormat::interval(raw(SweepModel::LoopLowerColumn).toDouble(), raw(SweepModel::LoopUpperColumn).toDouble()),
             m_model->data(m_model->index(row, SweepModel::MarkerColumn)).toString());
}

void SweepHeatmap::rebuild()
{
    QCustomPlot* p = plot();
    if (m_scale) {
        p->plotLayout()->remove(m_scale);
        p->plotLayout()->simplify();
        m_scale = nullptr;
    }
    if (!m_model || m_model->rowCount() == 0)
        return;
    const QList<double> xs = m_model->xValues(), ys = m_model->yValues();
    if (xs.isEmpty() || ys.isEmpty())
        return;
    p->xAxis->setLabel(m_model->xKey());
    p->yAxis->setLabel(m_model->yKey());

    auto* map = new QCPColorMap(p->xAxis, p->yAxis);
    map->data()->setSize(static_cast<int>(xs.size()), static_cast<int>(ys.size()));
    map->data()->setRange(QCPRange(0, xs.size() - 1), QCPRange(0, ys.size() - 1));
    map->setInterpolate(false);
    map->setTightBoundary(false);
    double hi = 0;
    for (int xi = 0; xi < xs.size(); ++xi) {
        for (int yi = 0; yi < ys.size(); ++yi) {
            const int row = m_model->rowAt(xi, yi);
            const QVariant rate = row < 0 ? QVariant()
                                          : m_model->data(m_model->index(row, SweepModel::LoopRateColumn), ResultsRoles::RawRole);
            const double v = rate.isValid() ? 100.0 * rate.toDouble() : std::numeric_limits<double>::quiet_NaN();
            map->data()->setCell(xi, yi, v);
            if (rate.isValid()) {
                hi = std::max(hi, v);
                auto* text = new QCPItemText(p);
                text->position->setCoords(xi, yi);
                text->setText(cellLabel(xi, yi));
                text->setTextAlignment(Qt::AlignCenter);
                text->setClipToAxisRect(true);
                // Dark text on the light (yellow-green) end of viridis, white on the dark end.
                text->setColor(v > 0.6 * std::max(1.0, hi) ? Qt::black : Qt::white);
                if (row == m_model->baseline()) {
                    text->setPen(QPen(Qt::white, 1, Qt::DashLine));
                    text->setPadding(QMargins(3, 2, 3, 2));
                }
            }
        }
    }
    // Text colour needs the final range: recolour against it.
    const double top = std::max(1.0, hi);
    for (int i = 0; i < p->itemCount(); ++i) {
        if (auto* text = qobject_cast<QCPItemText*>(p->item(i))) {
            const double v = map->data()->data(text->position->key(), text->position->value());
            text->setColor(v > 0.6 * top ? Qt::black : Qt::white);
        }
    }
    m_scale = new QCPColorScale(p);
    p->plotLayout()->addElement(0, 1, m_scale);
    m_scale->setType(QCPAxis::atRight);
    m_scale->axis()->setLabel(tr("Loop rate (%)"));
    map->setColorScale(m_scale);
    map->setGradient(viridis());
    map->setDataRange(QCPRange(0, top));
    auto margins = new QCPMarginGroup(p);
    p->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);

    QVector<double> xk, yk;
    QVector<QString> xl, yl;
    for (int i = 0; i < xs.size(); ++i) {
        xk << i;
        xl << axisText(xs[i]);
    }
    for (int i = 0; i < ys.size(); ++i) {
        yk << i;
        yl << (m_model->yKey().isEmpty() ? QString() : axisText(ys[i]));
    }
    setCategoryTicks(xk, xl);
    auto yTicker = QSharedPointer<QCPAxisTickerText>::create();
    yTicker->setTicks(yk, yl);
    p->yAxis->setTicker(yTicker);
    p->yAxis->setSubTicks(false);
    p->xAxis->setRange(-0.5, xs.size() - 0.5);
    p->yAxis->setRange(-0.5, ys.size() - 0.5);
}

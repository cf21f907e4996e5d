#include "run_comparison_chart.h"

#include "qcustomplot_include.h"
#include "results_roles.h"
#include "run_comparison_model.h"

RunComparisonChart::RunComparisonChart(Mode mode, QWidget* parent)
    : ResultsChart(parent)
    , m_mode(mode)
{
}

void RunComparisonChart::setModel(RunComparisonModel* model)
{
    m_model = model;
    watchModel(model);
}

QString RunComparisonChart::title() const
{
    return m_mode == Mode::Rates ? tr("Loop rate per source, two runs (95% CI)")
                                 : tr("Loop-rate difference per source, B − A (95% CI)");
}

void RunComparisonChart::rebuild()
{
    if (!m_model || m_model->rowCount() == 0 || !m_model->runA() || !m_model->runB())
        return;
    QVector<double> keys;
    QVector<QString> labels;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        keys << r + 1;
        labels << m_model->sources().at(r);
    }
    setCategoryTicks(keys, labels);
    plot()->xAxis->setRange(0.4, keys.size() + 0.6);
    if (m_mode == Mode::Rates)
        rebuildRates();
    else
        rebuildDifferences();
}

void RunComparisonChart::rebuildRates()
{
    QCustomPlot* p = plot();
    p->yAxis->setLabel(tr("Loop rate (%)"));
    auto raw = [&](int row, int column) {
        return m_model->data(m_model->index(row, column), ResultsRoles::RawRole);
    };
    auto* group = new QCPBarsGroup(p);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(2);
    double top = 1;
    const int columns[2][3] = {{RunComparisonModel::RateAColumn, RunComparisonModel::LowerAColumn, RunComparisonModel::UpperAColumn},
                               {RunComparisonModel::RateBColumn, RunComparisonModel::LowerBColumn, RunComparisonModel::UpperBColumn}};
    for (int arm = 0; arm < 2; ++arm) {
        BarSeries s{arm == 0 ? m_model->runA()->label : m_model->runB()->label, {}, {}, {}, {},
                    arm == 0 ? baselineColor() : seriesColor(0)};
        for (int r = 0; r < m_model->rowCount(); ++r) {
            const QVariant rate = raw(r, columns[arm][0]);
            if (!rate.isValid())
                continue;
            s.keys << r + 1;
            s.values << 100.0 * rate.toDouble();
            s.lower << 100.0 * raw(r, columns[arm][1]).toDouble();
            s.upper << 100.0 * raw(r, columns[arm][2]).toDouble();
            top = std::max(top, s.upper.last());
        }
        addBars(s, 0.38)->setBarsGroup(group);
    }
    p->yAxis->setRange(0, top * 1.15);
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

void RunComparisonChart::rebuildDifferences()
{
    QCustomPlot* p = plot();
    p->yAxis->setLabel(tr("Δ loop rate, B − A (points)"));
    QVector<double> keys, diffs, minus, plus;
    double lo = -1, hi = 1;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QVariant d = m_model->data(m_model->index(r, RunComparisonModel::DiffColumn), ResultsRoles::RawRole);
        if (!d.isValid())
            continue;
        const double l = 100.0 * m_model->data(m_model->index(r, RunComparisonModel::DiffLowerColumn), ResultsRoles::RawRole).toDouble();
        const double u = 100.0 * m_model->data(m_model->index(r, RunComparisonModel::DiffUpperColumn), ResultsRoles::RawRole).toDouble();
        keys << r + 1;
        diffs << 100.0 * d.toDouble();
        minus << std::max(0.0, diffs.last() - l);
        plus << std::max(0.0, u - diffs.last());
        lo = std::min(lo, l);
        hi = std::max(hi, u);
        auto* text = new QCPItemText(p);
        text->position->setCoords(r + 1, u);
        text->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        text->setText(m_model->data(m_model->index(r, RunComparisonModel::MarkerColumn)).toString());
        text->setPadding(QMargins(0, 0, 0, 3));
    }
    auto* zero = new QCPItemStraightLine(p);
    zero->point1->setCoords(0, 0);
    zero->point2->setCoords(1, 0);
    zero->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    QCPGraph* g = p->addGraph();
    g->setData(keys, diffs, true);
    g->setLineStyle(QCPGraph::lsNone);
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, seriesColor(0), 8));
    auto* errors = new QCPErrorBars(p->xAxis, p->yAxis);
    errors->setDataPlottable(g);
    errors->setData(minus, plus);
    errors->setWhiskerWidth(8);
    errors->setPen(QPen(seriesColor(0), 1.5));
    const double pad = 0.15 * (hi - lo);
    p->yAxis->setRange(lo - pad, hi + pad);
}

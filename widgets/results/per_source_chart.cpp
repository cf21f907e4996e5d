#include "per_source_chart.h"

#include "per_source_model.h"
#include "qcustomplot_include.h"
#include "results_roles.h"

PerSourceChart::PerSourceChart(QWidget* parent)
    : ResultsChart(parent)
{
}

void PerSourceChart::setModel(PerSourceModel* model)
{
    m_model = model;
    watchModel(model);
}

QString PerSourceChart::title() const
{
    return tr("Loop rate per source (95% CI)");
}

void PerSourceChart::rebuild()
{
    QCustomPlot* p = plot();
    p->yAxis->setLabel(tr("Loop rate (%)"));
    if (!m_model || m_model->rowCount() == 0)
        return;
    const QStringList sources = m_model->sources();
    const int runs = static_cast<int>(m_model->runs().size());
    auto* group = new QCPBarsGroup(p);
    group->setSpacingType(QCPBarsGroup::stAbsolute);
    group->setSpacing(2);
    const double width = 0.8 / std::max(1, runs);
    double top = 1;
    for (int run = 0; run < runs; ++run) {
        BarSeries s{m_model->runs().at(run)->label, {}, {}, {}, {}, seriesColor(run)};
        for (int i = 0; i < sources.size(); ++i) {
            const int row = m_model->rowOf(run, sources[i]);
            if (row < 0)
                continue;
            const QVariant rate = m_model->data(m_model->index(row, PerSourceModel::LoopRateColumn), ResultsRoles::RawRole);
            if (!rate.isValid())
                continue;
            s.keys << i + 1;
            s.values << 100.0 * rate.toDouble();
            s.lower << 100.0 * m_model->data(m_model->index(row, PerSourceModel::LoopLowerColumn), ResultsRoles::RawRole).toDouble();
            s.upper << 100.0 * m_model->data(m_model->index(row, PerSourceModel::LoopUpperColumn), ResultsRoles::RawRole).toDouble();
            top = std::max(top, s.upper.last());
        }
        QCPBars* bars = addBars(s, width);
        bars->setBarsGroup(group);
    }
    QVector<double> keys;
    QVector<QString> labels;
    for (int i = 0; i < sources.size(); ++i) {
        keys << i + 1;
        labels << sources[i];
    }
    setCategoryTicks(keys, labels);
    p->xAxis->setRange(0.4, sources.size() + 0.6);
    p->yAxis->setRange(0, top * 1.15);
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

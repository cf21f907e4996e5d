#include "loop_rate_chart.h"

#include "leaderboard_model.h"
#include "qcustomplot_include.h"
#include "results_roles.h"

LoopRateChart::LoopRateChart(QWidget* parent)
    : ResultsChart(parent)
{
}

void LoopRateChart::setModel(LeaderboardModel* model)
{
    m_model = model;
    watchModel(model);
}

QString LoopRateChart::title() const
{
    return tr("Loop rate per model / configuration (95% CI)");
}

void LoopRateChart::rebuild()
{
    QCustomPlot* p = plot();
    p->yAxis->setLabel(tr("Loop rate (%)"));
    if (!m_model || m_model->rowCount() == 0)
        return;
    auto value = [this](int row, int column) {
        return m_model->data(m_model->index(row, column), ResultsRoles::RawRole);
    };
    QVector<double> keys;
    QVector<QString> labels;
    BarSeries runs{tr("Runs"), {}, {}, {}, {}, seriesColor(0)};
    BarSeries base{tr("Baseline"), {}, {}, {}, {}, baselineColor()};
    double top = 1;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const double key = r + 1;
        keys << key;
        labels << value(r, LeaderboardModel::LabelColumn).toString();
        const QVariant rate = value(r, LeaderboardModel::LoopRateColumn);
        if (!rate.isValid())
            continue;
        BarSeries& s = r == m_model->baseline() ? base : runs;
        s.keys << key;
        s.values << 100.0 * rate.toDouble();
        s.lower << 100.0 * value(r, LeaderboardModel::LoopLowerColumn).toDouble();
        s.upper << 100.0 * value(r, LeaderboardModel::LoopUpperColumn).toDouble();
        top = std::max(top, s.upper.last());
        if (r != m_model->baseline()) {
            auto* text = new QCPItemText(p);
            text->position->setCoords(key, s.upper.last());
            text->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            text->setText(value(r, LeaderboardModel::MarkerColumn).toString());
            text->setPadding(QMargins(0, 0, 0, 3));
        }
    }
    if (!runs.keys.isEmpty())
        addBars(runs, 0.6);
    if (!base.keys.isEmpty()) {
        addBars(base, 0.6);
        auto* line = new QCPItemStraightLine(p);
        line->point1->setCoords(0, base.values.first());
        line->point2->setCoords(1, base.values.first());
        line->setPen(QPen(baselineColor().darker(150), 1, Qt::DashLine));
    }
    setCategoryTicks(keys, labels);
    p->xAxis->setRange(0.4, keys.size() + 0.6);
    p->yAxis->setRange(0, top * 1.15);
}

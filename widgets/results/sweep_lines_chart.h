// A sweep as lines: loop rate (%) against the x axis key (min_p by default),
// one line per value of the y key (rep_pen), each with its 95% interval as a
// translucent band (a QCPGraph channel fill between the lower and upper
// bounds). The baseline cell is drawn as a hollow square.
#pragma once

#include "results_chart.h"

#include "sweep_model.h"

class SweepLinesChart : public ResultsChart
{
    Q_OBJECT

public:
    explicit SweepLinesChart(QWidget* parent = nullptr);
    void setModel(SweepModel* model);
    SweepModel* model() const { return m_model; }
    QString title() const override;

protected:
    void rebuild() override;

private:
    QPointer<SweepModel> m_model;
};

// Loop rate per prompt source: grouped bars (one colour per run) with 95%
// interval error bars, a legend naming the runs.
#pragma once

#include "results_chart.h"

#include "per_source_model.h"

class PerSourceChart : public ResultsChart
{
    Q_OBJECT

public:
    explicit PerSourceChart(QWidget* parent = nullptr);
    void setModel(PerSourceModel* model);
    PerSourceModel* model() const { return m_model; }
    QString title() const override;

protected:
    void rebuild() override;

private:
    QPointer<PerSourceModel> m_model;
};

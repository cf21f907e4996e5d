// The plots of a two-run comparison (RunComparisonModel): Rates draws both
// runs' loop rates per source as paired bars with 95% intervals; Differences
// draws B - A per source in points with Newcombe's 95% interval, a zero line
// and each source's significance marker.
#pragma once

#include "results_chart.h"

#include "run_comparison_model.h"

class RunComparisonChart : public ResultsChart
{
    Q_OBJECT

public:
    enum class Mode { Rates, Differences };
    explicit RunComparisonChart(Mode mode, QWidget* parent = nullptr);
    void setModel(RunComparisonModel* model);
    RunComparisonModel* model() const { return m_model; }
    Mode mode() const { return m_mode; }
    QString title() const override;

protected:
    void rebuild() override;

private:
    void rebuildRates();
    void rebuildDifferences();

    Mode m_mode;
    QPointer<RunComparisonModel> m_model;
};

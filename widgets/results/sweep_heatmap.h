// A sweep's grid as a heatmap: loop rate (%) of every cell on the two grid
// axes (min_p x rep_pen by default), no interpolation, a colour-blind-safe
// gradient (viridis) with its colour scale, and each cell labelled with its
// rate, interval and significance marker against the baseline cell.
#pragma once

#include "results_chart.h"

class QCPColorScale;
#include "sweep_model.h"

class SweepHeatmap : public ResultsChart
{
    Q_OBJECT

public:
    explicit SweepHeatmap(QWidget* parent = nullptr);
    ~SweepHeatmap() override;
    void setModel(SweepModel* model);
    SweepModel* model() const { return m_model; }
    QString title() const override;

    // The text drawn in the cell at (xi, yi); empty for an empty cell (for tests).
    QString cellLabel(int xi, int yi) const;

protected:
    void rebuild() override;

private:
    QPointer<SweepModel> m_model;
    QCPColorScale* m_scale = nullptr;
};

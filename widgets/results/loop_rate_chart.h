// The leaderboard as bars: each run's loop rate (%) with its 95% interval as
// error bars, the baseline bar in grey with a dashed line at its rate, and
// each other bar marked with its significance against the baseline.
#pragma once

#include "results_chart.h"

#include "leaderboard_model.h"

class LoopRateChart : public ResultsChart
{
    Q_OBJECT

public:
    explicit LoopRateChart(QWidget* parent = nullptr);
    void setModel(LeaderboardModel* model);
    LeaderboardModel* model() const { return m_model; }
    QString title() const override;

protected:
    void rebuild() override;

private:
    QPointer<LeaderboardModel> m_model;
};

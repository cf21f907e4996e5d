// Two runs side by side: their per-source loop rates (bars with 95%
// intervals), the differences B - A with Newcombe intervals and test markers,
// and the RunComparisonModel table below. Takes the model; owns no data.
#pragma once

#include <QWidget>

class QTableView;
class RunComparisonChart;
class RunComparisonModel;

class RunComparisonView : public QWidget
{
    Q_OBJECT

public:
    explicit RunComparisonView(QWidget* parent = nullptr);
    void setModel(RunComparisonModel* model);
    RunComparisonModel* model() const { return m_model; }

    RunComparisonChart* ratesChart() const { return m_rates; }
    RunComparisonChart* differencesChart() const { return m_differences; }
    QTableView* table() const { return m_table; }

private:
    RunComparisonModel* m_model = nullptr;
    RunComparisonChart* m_rates;
    RunComparisonChart* m_differences;
    QTableView* m_table;
};

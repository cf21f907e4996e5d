#include "run_comparison_view.h"

#include "run_comparison_chart.h"
#include "run_comparison_model.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

RunComparisonView::RunComparisonView(QWidget* parent)
    : QWidget(parent)
    , m_rates(new RunComparisonChart(RunComparisonChart::Mode::Rates, this))
    , m_differences(new RunComparisonChart(RunComparisonChart::Mode::Differences, this))
    , m_table(new QTableView(this))
{
    auto* charts = new QSplitter(Qt::Horizontal);
    charts->addWidget(m_rates);
    charts->addWidget(m_differences);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(charts);
    split->addWidget(m_table);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
}

void RunComparisonView::setModel(RunComparisonModel* model)
{
    m_model = model;
    m_rates->setModel(model);
    m_differences->setModel(model);
    m_table->setModel(model);
}

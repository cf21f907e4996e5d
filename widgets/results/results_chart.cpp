#include "results_chart.h"

#include "qcustomplot_include.h"

#include <algorithm>

#include <QAbstractItemModel>
#include <QVBoxLayout>

ResultsChart::ResultsChart(QWidget* parent)
    : QWidget(parent)
    , m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMinimumSize(320, 220);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
}

bool ResultsChart::exportTo(const QString& file, PlotExporter::Format format, QSize size, QString* error)
{
    m_plot->setObjectName(title());
    return PlotExporter::exportPlot(m_plot, file, format, size, error);
}

bool ResultsChart::exportTo(const QString& file, QString* error)
{
    const auto format = PlotExporter::formatForFile(file);
    if (!format) {
        if (error)
            *error = tr("%1: unknown plot format (use .png, .svg or .pdf)").arg(file);
        return false;
    }
    return exportTo(file, *format, PlotExporter::kDefaultSize, error);
}

QColor ResultsChart::seriesColor(int index)
{
    static const QColor colors[] = {QColor(0x00, 0x72, 0xB2), QColor(0xE6, 0x9F, 0x00), QColor(0x00, 0x9E, 0x73),
                                    QColor(0xCC, 0x79, 0xA7), QColor(0x56, 0xB4, 0xE9), QColor(0xD5, 0x5E, 0x00),
                                    QColor(0xF0, 0xE4, 0x42), QColor(0x00, 0x00, 0x00)};
    constexpr int n = sizeof(colors) / sizeof(colors[0]);
    return colors[((index % n) + n) % n];
}

QColor ResultsChart::baselineColor()
{
    return QColor(0x99, 0x99, 0x99);
}

void ResultsChart::refresh()
{
    clearPlot();
    rebuild();
    m_plot->replot();
}

void ResultsChart::watchModel(QAbstractItemModel* model)
{
    for (const auto& c : m_connections)
        disconnect(c);
    m_connections.clear();
    if (model) {
        m_connections << connect(model, &QAbstractItemModel::modelReset, this, &ResultsChart::refresh)
                      << connect(model, &QAbstractItemModel::dataChanged, this, &ResultsChart::refresh)
                      << connect(model, &QAbstractItemModel::rowsInserted, this, &ResultsChart::refresh)
                      << connect(model, &QAbstractItemModel::rowsRemoved, this, &ResultsChart::refresh)
                      << connect(model, &QAbstractItemModel::layoutChanged, this, &ResultsChart::refresh)
                      << connect(model, &QObject::destroyed, this, [this] { watchModel(nullptr); });
    }
    refresh();
}

void ResultsChart::clearPlot()
{
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_plot->clearGraphs();
    // Colour scales and extra layout elements are removed by the charts that add them.
    m_plot->legend->setVisible(false);
    m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    m_plot->xAxis->setSubTicks(true);
    m_plot->yAxis->setSubTicks(true);
    m_plot->xAxis->setLabel(QString());
    m_plot->yAxis->setLabel(QString());
}

QCPBars* ResultsChart::addBars(const BarSeries& s, double width)
{
    auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    bars->setName(s.name);
    bars->setWidth(width);
    bars->setPen(QPen(s.color.darker(130)));
    bars->setBrush(s.color);
    bars->setData(s.keys, s.values, true);
    QVector<double> minus(s.values.size()), plus(s.values.size());
    for (int i = 0; i < s.values.size(); ++i) {
        minus[i] = std::max(0.0, s.values[i] - s.lower.value(i, s.values[i]));
        plus[i] = std::max(0.0, s.upper.value(i, s.values[i]) - s.values[i]);
    }
    auto* errors = new QCPErrorBars(m_plot->xAxis, m_plot->yAxis);
    errors->removeFromLegend();
    errors->setDataPlottable(bars);
    errors->setErrorType(QCPErrorBars::etValueError);
    errors->setData(minus, plus);
    errors->setWhiskerWidth(8);
    errors->setPen(QPen(Qt::black, 1.2));
    return bars;
}

void ResultsChart::setCategoryTicks(const QVector<double>& keys, const QVector<QString>& labels)
{
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->setTicks(keys, labels);
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setSubTicks(false);
    m_plot->xAxis->setTickLength(0, 4);
}

// The base of the results plots: a QCustomPlot that is rebuilt from a model
// whenever the model changes, exported alone as PNG, SVG or PDF, and drawn
// in a colour-blind-safe palette (Okabe & Ito).
#pragma once

#include "plot_exporter.h"

#include <QColor>
#include <QMetaObject>
#include <QPointer>
#include <QVector>
#include <QWidget>

class QAbstractItemModel;
class QCPBars;
class QCustomPlot;

class ResultsChart : public QWidget
{
    Q_OBJECT

public:
    explicit ResultsChart(QWidget* parent = nullptr);

    QCustomPlot* plot() const { return m_plot; }
    // The chart's title (also the exported file's title).
    virtual QString title() const = 0;
    bool exportTo(const QString& file, PlotExporter::Format format, QSize size = PlotExporter::kDefaultSize,
                  QString* error = nullptr);
    // The format from the file's suffix (png, svg, pdf).
    bool exportTo(const QString& file, QString* error = nullptr);

    // Okabe-Ito colours, cycling; index 0 is blue.
    static QColor seriesColor(int index);
    static QColor baselineColor();

public slots:
    void refresh();

protected:
    // Clears the plot and draws the model's current content.
    virtual void rebuild() = 0;
    // Rebuild on every change of model (disconnects the previous one).
    void watchModel(QAbstractItemModel* model);
    void clearPlot();
    // Bars at keys with value error bars from lower to upper (all in the
    // plot's units), in color; name goes to the legend.
    struct BarSeries
    {
        QString name;
        QVector<double> keys, values, lower, upper;
        QColor color;
    };
    QCPBars* addBars(const BarSeries& series, double width);
    // X tick labels at 1..n (or the given keys).
    void setCategoryTicks(const QVector<double>& keys, const QVector<QString>& labels);

private:
    QCustomPlot* m_plot;
    QList<QMetaObject::Connection> m_connections;
};

// The saliency of every (MoE layer, expert) as a colour map: rows are the
// model's MoE blocks (first layer at the top, MTP last), columns the experts
// (or ranks, when the model sorts within layers). No smoothing; cividis, or a
// purple-white-orange diverging gradient for differences. With a plan, dropped
// experts are dimmed, swapped-in ones ringed and swapped-out ones crossed.
// Hovering shows the model's tooltip for the cell; a click emits
// expertClicked. Reads a SaliencyModel; the model owns the data.
#pragma once

#include "saliency_model.h"

#include <QPointer>
#include <QWidget>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QMouseEvent;

class SaliencyHeatmap : public QWidget
{
    Q_OBJECT

public:
    explicit SaliencyHeatmap(QWidget* parent = nullptr);

    void setModel(SaliencyModel* model);
    SaliencyModel* model() const { return m_model; }

    // The model cell (row, column) under a position in plot() coordinates,
    // or (-1, -1); and the pixel at a cell's centre.
    QPoint cellAt(const QPoint& pos) const; // x = column, y = row
    QPoint pixelOf(int row, int column) const;
    int hoveredRow() const { return m_hoveredRow; }

    QCustomPlot* plot() const { return m_plot; }
    QCPColorMap* colorMap() const { return m_map; }
    QCPColorScale* colorScale() const { return m_scale; }

signals:
    // The real expert id (ExpertRole), also when the model is sorted.
    void expertClicked(int row, int expert);
    void rowHovered(int row);

private:
    void rebuild();
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);

    QPointer<SaliencyModel> m_model;
    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    QCPColorScale* m_scale;
    QCPGraph* m_swappedIn;
    QCPGraph* m_swappedOut;
    int m_hoveredRow = -1;
};

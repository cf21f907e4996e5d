// One layer's experts sorted by saliency, strongest first, as bars coloured by
// what the plan does with them (kept, dropped, swapped in), with the keep
// threshold after the K-th bar. Reads a SaliencyDistributionModel; the model
// owns the data.
#pragma once

#include "saliency_distribution_model.h"

#include <QPointer>
#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;

class SaliencyDistributionPlot : public QWidget
{
    Q_OBJECT

public:
    explicit SaliencyDistributionPlot(QWidget* parent = nullptr);

    void setModel(SaliencyDistributionModel* model);
    SaliencyDistributionModel* model() const { return m_model; }

    QCustomPlot* plot() const { return m_plot; }
    // The threshold line's x (K + 0.5, bars at ranks 1..E), or -1 when hidden.
    double thresholdPosition() const;
    // Bars per plan status: kept, dropped, swapped in (dropped includes swapped out).
    int keptBarCount() const;
    int droppedBarCount() const;
    int swappedInBarCount() const;

private:
    void rebuild();

    QPointer<SaliencyDistributionModel> m_model;
    QCustomPlot* m_plot;
    QCPBars* m_kept;
    QCPBars* m_dropped;
    QCPBars* m_swappedIn;
    QCPItemStraightLine* m_threshold;
    QCPItemText* m_thresholdLabel;
    QCPTextElement* m_title;
};

// A map of a model's layers: one cell per layer, coloured by kind (dense,
// MoE, MTP), with a marker for the sparse-attention indexer (filled: own
// weights, hollow: shared). Reads a LayerTableModel (or any model with its
// columns and RawRole); the model owns the data.
#pragma once

#include <QAbstractItemModel>
#include <QPointer>
#include <QWidget>

class LayerMapView : public QWidget
{
    Q_OBJECT

public:
    explicit LayerMapView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model);
    QAbstractItemModel* model() const { return m_model; }

    // The highlighted model row, or -1.
    int currentRow() const { return m_currentRow; }
    void setCurrentRow(int row);

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void rowClicked(int row);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    int rowCount() const;
    int columnsFor(int width) const;
    QRect cellRect(int row, int columns) const;
    int rowAt(const QPoint& pos) const;
    struct LegendEntry
    {
        enum Kind { Swatch, FilledDot, HollowDot } kind;
        QColor color;
        QString label;
    };
    QList<LegendEntry> legendEntries() const;
    int layoutLegend(int width, QList<QRect>* rects) const;
    int legendHeight(int width) const;
    void paintLegend(QPainter& painter) const;
    void paintCell(QPainter& painter, int row, const QRect& rect) const;
    QString toolTipFor(int row) const;
    void modelChanged();

    QPointer<QAbstractItemModel> m_model;
    int m_currentRow = -1;
};

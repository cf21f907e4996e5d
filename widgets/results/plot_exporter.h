// Writes one QCustomPlot to a file: PNG (savePng at an explicit size and
// scale), SVG (QSvgGenerator + QCPPainter through toPainter) or PDF
// (savePdf, cosmetic pens kept). The plot never needs to be shown.
//
//   QString error;
//   PlotExporter::exportPlot(chart->plot(), "rates.svg", PlotExporter::Format::Svg, {800, 500}, &error);
#pragma once

#include <QCoreApplication>
#include <QSize>
#include <QString>

#include <optional>

class QCustomPlot;

class PlotExporter
{
    Q_DECLARE_TR_FUNCTIONS(PlotExporter)

public:
    enum class Format { Png, Svg, Pdf };
    static constexpr QSize kDefaultSize{800, 500};

    // From a file name's suffix (png, svg, pdf; any case); nullopt otherwise.
    static std::optional<Format> formatForFile(const QString& file);
    static QString suffix(Format format);
    // The file dialog filter of the three formats.
    static QString fileFilter();

    // size: the plot's logical size in pixels (PNG: scaled by `scale`).
    // false with a one-line error naming the file.
    static bool exportPlot(QCustomPlot* plot, const QString& file, Format format, QSize size = kDefaultSize,
                           QString* error = nullptr, double scale = 1.0);
    static bool savePng(QCustomPlot* plot, const QString& file, QSize size, double scale = 1.0,
                        QString* error = nullptr);
    static bool saveSvg(QCustomPlot* plot, const QString& file, QSize size, QString* error = nullptr);
    static bool savePdf(QCustomPlot* plot, const QString& file, QSize size, QString* error = nullptr);
    // The plot as SVG text / PNG bytes (for reports).
    static QByteArray svgBytes(QCustomPlot* plot, QSize size);
    static QByteArray pngBytes(QCustomPlot* plot, QSize size, double scale = 1.0);
};

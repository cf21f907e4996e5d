#include "plot_exporter.h"

#include "qcustomplot_include.h"

#include <QBuffer>
#include <QFileInfo>
#include <QSaveFile>
#include <QSvgGenerator>

namespace {

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

bool writeAtomically(const QString& file, const QByteArray& bytes, QString* error)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        return fail(error, PlotExporter::tr("%1: cannot write (%2)").arg(file, out.errorString()));
    return true;
}

} // namespace

std::optional<PlotExporter::Format> PlotExporter::formatForFile(const QString& file)
{
    const QString s = QFileInfo(file).suffix().toLower();
    if (s == QLatin1String("png"))
        return Format::Png;
    if (s == QLatin1String("svg"))
        return Format::Svg;
    if (s == QLatin1String("pdf"))
        return Format::Pdf;
    return std::nullopt;
}

QString PlotExporter::suffix(Format format)
{
    switch (format) {
    case Format::Png: return QStringLiteral("png");
    case Format::Svg: return QStringLiteral("svg");
    case Format::Pdf: return QStringLiteral("pdf");
    }
    return {};
}

QString PlotExporter::fileFilter()
{
    return tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)");
}

bool PlotExporter::exportPlot(QCustomPlot* plot, const QString& file, Format format, QSize size, QString* error,
                              double scale)
{
    switch (format) {
    case Format::Png: return savePng(plot, file, size, scale, error);
    case Format::Svg: return saveSvg(plot, file, size, error);
    case Format::Pdf: return savePdf(plot, file, size, error);
    }
    return false;
}

QByteArray PlotExporter::pngBytes(QCustomPlot* plot, QSize size, double scale)
{
    if (!plot || size.isEmpty())
        return {};
    plot->deselectAll();
    const QPixmap pixmap = plot->toPixmap(size.width(), size.height(), scale);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    pixmap.save(&buffer, "PNG");
    return bytes;
}

bool PlotExporter::savePng(QCustomPlot* plot, const QString& file, QSize size, double scale, QString* error)
{
    if (!plot || size.isEmpty())
        return fail(error, tr("%1: nothing to export (no plot or an empty size)").arg(file));
    const QByteArray bytes = pngBytes(plot, size, scale);
    if (bytes.isEmpty())
        return fail(error, tr("%1: could not render the plot as PNG").arg(file));
    return writeAtomically(file, bytes, error);
}

QByteArray PlotExporter::svgBytes(QCustomPlot* plot, QSize size)
{
    if (!plot || size.isEmpty())
        return {};
    plot->deselectAll();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(plot->objectName());
    {
        QCPPainter painter(&generator);
        plot->toPainter(&painter, size.width(), size.height());
    }
    return bytes;
}

bool PlotExporter::saveSvg(QCustomPlot* plot, const QString& file, QSize size, QString* error)
{
    if (!plot || size.isEmpty())
        return fail(error, tr("%1: nothing to export (no plot or an empty size)").arg(file));
    const QByteArray bytes = svgBytes(plot, size);
    if (bytes.isEmpty())
        return fail(error, tr("%1: could not render the plot as SVG").arg(file));
    return writeAtomically(file, bytes, error);
}

bool PlotExporter::savePdf(QCustomPlot* plot, const QString& file, QSize size, QString* error)
{
    if (!plot || size.isEmpty())
        return fail(error, tr("%1: nothing to export (no plot or an empty size)").arg(file));
    plot->deselectAll();
    // savePdf writes through QPrinter straight to the file: write a sibling
    // temporary and rename it into place so a failed export leaves nothing half-written.
    const QString tmp = file + QStringLiteral(".part.pdf");
    QFile::remove(tmp);
    if (!plot->savePdf(tmp, size.width(), size.height(), QCP::epAllowCosmetic, QCoreApplication::applicationName(),
                       plot->objectName())) {
        QFile::remove(tmp);
        return fail(error, tr("%1: could not write the PDF").arg(file));
    }
    QFile::remove(file);
    if (!QFile::rename(tmp, file)) {
        QFile::remove(tmp);
        return fail(error, tr("%1: cannot write (rename failed)").arg(file));
    }
    return true;
}

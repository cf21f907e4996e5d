#include "csv_exporter.h"

#include <QSaveFile>

QString CsvExporter::field(const QString& text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n'))
        && !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

static QString cellText(const QVariant& v)
{
    if (v.typeId() == QMetaType::Double)
        return QString::number(v.toDouble(), 'g', 17);
    return v.toString();
}

QString CsvExporter::toCsv(const QAbstractItemModel& model, int role, bool header)
{
    QString out;
    const int columns = model.columnCount();
    const QLatin1String crlf("\r\n");
    if (header) {
        for (int c = 0; c < columns; ++c) {
            if (c)
                out += QLatin1Char(',');
            out += field(model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
        }
        out += crlf;
    }
    for (int r = 0; r < model.rowCount(); ++r) {
        for (int c = 0; c < columns; ++c) {
            if (c)
                out += QLatin1Char(',');
            const QModelIndex index = model.index(r, c);
            QVariant v = model.data(index, role);
            if (!v.isValid())
                v = model.data(index, Qt::DisplayRole);
            out += field(cellText(v));
        }
        out += crlf;
    }
    return out;
}

bool CsvExporter::writeFile(const QAbstractItemModel& model, const QString& file, QString* error, int role,
                            bool header)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        if (error)
            *error = tr("%1: cannot write (%2)").arg(file, out.errorString());
        return false;
    }
    out.write(toCsv(model, role, header).toUtf8());
    if (!out.commit()) {
        if (error)
            *error = tr("%1: cannot write (%2)").arg(file, out.errorString());
        return false;
    }
    return true;
}

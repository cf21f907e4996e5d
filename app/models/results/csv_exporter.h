// Any table model as CSV (RFC 4180): comma separated, CRLF line ends, a
// field quoted when it holds a comma, a quote, CR or LF, quotes doubled. The
// header row is the model's horizontal header. Cells are read at `role`,
// falling back to Qt::DisplayRole where that is invalid (pass
// ResultsRoles::RawRole for unformatted numbers).
#pragma once

#include <QAbstractItemModel>
#include <QCoreApplication>
#include <QString>

class CsvExporter
{
    Q_DECLARE_TR_FUNCTIONS(CsvExporter)

public:
    static QString field(const QString& text);
    static QString toCsv(const QAbstractItemModel& model, int role = Qt::DisplayRole, bool header = true);
    // Written atomically (QSaveFile), UTF-8. false with a one-line error naming the file.
    static bool writeFile(const QAbstractItemModel& model, const QString& file, QString* error = nullptr,
                          int role = Qt::DisplayRole, bool header = true);
};

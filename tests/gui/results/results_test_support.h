// Helpers of the results tests: the fixture runs and a small RFC 4180 reader.
#pragma once

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QList>
#include <QString>
#include <QStringList>

namespace resultstest {

inline QString fixture(const QString& name)
{
    return QDir(QStringLiteral(MOECUT_EVAL_RUNS)).filePath(name);
}

inline nlohmann::json readJson(const QString& file)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = in.readAll();
    return nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
}

inline nlohmann::json results(const QString& run)
{
    return readJson(QDir(fixture(run)).filePath(QStringLiteral("results.json")));
}

// RFC 4180: records end in CRLF (a bare LF is accepted), fields are separated
// by commas, a quoted field may hold commas, CR, LF and doubled quotes.
// Returns false on a malformed quoted field.
inline bool parseCsv(const QString& text, QList<QStringList>* rows)
{
    rows->clear();
    QStringList row;
    QString field;
    bool quoted = false, wasQuoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text[i + 1] == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"')) {
            if (!field.isEmpty() || wasQuoted)
                return false; // a quote inside an unquoted field
            quoted = wasQuoted = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
            wasQuoted = false;
        } else if (c == QLatin1Char('\r') || c == QLatin1Char('\n')) {
            if (c == QLatin1Char('\r') && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n'))
                ++i;
            row << field;
            rows->append(row);
            row.clear();
            field.clear();
            wasQuoted = false;
        } else {
            if (wasQuoted)
                return false; // text after a closing quote
            field += c;
        }
    }
    if (quoted)
        return false;
    if (!field.isEmpty() || !row.isEmpty()) {
        row << field;
        rows->append(row);
    }
    return true;
}

} // namespace resultstest

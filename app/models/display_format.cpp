#include "display_format.h"

#include <QLocale>

#include <algorithm>
#include <cstdlib>

QString DisplayFormat::count(qint64 value)
{
    const QLocale locale;
    const double magnitude = std::abs(static_cast<double>(value));
    if (magnitude < 10000)
        return locale.toString(value);
    if (magnitude < 1e6)
        return tr("%1 K", "thousand").arg(locale.toString(value / 1e3, 'f', 1));
    if (magnitude < 1e9)
        return tr("%1 M", "million").arg(locale.toString(value / 1e6, 'f', 1));
    return tr("%1 B", "billion").arg(locale.toString(value / 1e9, 'f', 1));
}

QString DisplayFormat::exact(qint64 value)
{
    return QLocale().toString(value);
}

QString DisplayFormat::bytes(qint64 value)
{
    return QLocale().formattedDataSize(value, 2, QLocale::DataSizeIecFormat);
}

QString DisplayFormat::indexList(const QList<int>& indices)
{
    if (indices.isEmpty())
        return tr("none");
    QList<int> sorted = indices;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());

    QStringList parts;
    qsizetype start = 0;
    while (start < sorted.size()) {
        qsizetype end = start;
        while (end + 1 < sorted.size() && sorted[end + 1] == sorted[end] + 1)
            ++end;
        if (end - start >= 2) {
            parts << QStringLiteral("%1–%2").arg(sorted[start]).arg(sorted[end]);
        } else {
            for (qsizetype i = start; i <= end; ++i)
                parts << QString::number(sorted[i]);
        }
        start = end + 1;
    }
    return parts.join(QStringLiteral(", "));
}

QString DisplayFormat::yesNo(bool value)
{
    return value ? tr("yes") : tr("no");
}

// How numbers from a checkpoint report are shown: parameter counts, byte
// sizes and lists of layer indices, in the user's locale.
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>

class DisplayFormat
{
    Q_DECLARE_TR_FUNCTIONS(DisplayFormat)

public:
    // 1234 -> "1,234"; 12'345'678 -> "12.3 M"; 7.5e11 -> "750.0 B".
    static QString count(qint64 value);
    // The exact value with group separators: "753,864,139,008".
    static QString exact(qint64 value);
    // 1536 -> "1.50 KiB" (IEC units).
    static QString bytes(qint64 value);
    // {0,1,2,5,7,8,9} -> "0–2, 5, 7–9" (runs of three or more joined);
    // empty -> "none".
    static QString indexList(const QList<int>& indices);
    static QString yesNo(bool value);
};

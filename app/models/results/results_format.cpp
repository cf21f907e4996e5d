#include "results_format.h"

QString ResultsFormat::percent(double rate, int decimals)
{
    return tr("%1%").arg(rate * 100.0, 0, 'f', decimals);
}

QString ResultsFormat::interval(double lower, double upper, int decimals)
{
    return QStringLiteral("[%1, %2]").arg(lower * 100.0, 0, 'f', decimals).arg(upper * 100.0, 0, 'f', decimals);
}

QString ResultsFormat::points(double diff, int decimals)
{
    const QString sign = diff > 0 ? QStringLiteral("+") : QString();
    return tr("%1%2 pts").arg(sign).arg(diff * 100.0, 0, 'f', decimals);
}

QString ResultsFormat::pValue(double p)
{
    if (p < 0.001)
        return QStringLiteral("<0.001");
    return QString::number(p, 'f', 3);
}

QString ResultsFormat::number(const std::optional<double>& value, int decimals)
{
    return value ? QString::number(*value, 'f', decimals) : QStringLiteral("–");
}

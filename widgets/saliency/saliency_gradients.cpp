#include "saliency_gradients.h"

namespace saliency {

QCPColorGradient cividisGradient()
{
    QCPColorGradient g;
    g.clearColorStops();
    // Samples of matplotlib's cividis at ninths.
    g.setColorStopAt(0.000, QColor(0x00, 0x22, 0x4e));
    g.setColorStopAt(0.125, QColor(0x12, 0x35, 0x70));
    g.setColorStopAt(0.250, QColor(0x3b, 0x49, 0x6c));
    g.setColorStopAt(0.375, QColor(0x57, 0x5d, 0x6d));
    g.setColorStopAt(0.500, QColor(0x70, 0x71, 0x73));
    g.setColorStopAt(0.625, QColor(0x8a, 0x86, 0x78));
    g.setColorStopAt(0.750, QColor(0xa5, 0x9c, 0x74));
    g.setColorStopAt(0.875, QColor(0xc3, 0xb3, 0x69));
    g.setColorStopAt(1.000, QColor(0xfe, 0xe8, 0x38));
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(256);
    return g;
}

QCPColorGradient divergingGradient()
{
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.00, QColor(0x2d, 0x00, 0x4b));
    g.setColorStopAt(0.25, QColor(0x80, 0x73, 0xac));
    g.setColorStopAt(0.50, QColor(0xf7, 0xf7, 0xf7));
    g.setColorStopAt(0.75, QColor(0xe0, 0x82, 0x14));
    g.setColorStopAt(1.00, QColor(0x7f, 0x3b, 0x08));
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(256);
    return g;
}

} // namespace saliency

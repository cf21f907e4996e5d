// Colour-blind-safe gradients for the saliency plots. QCustomPlot 2.1 has no
// viridis/cividis preset, so they are built from colour stops.
#pragma once

#include "qcustomplot_include.h"

namespace saliency {

// Cividis (Nuñez, Anderton and Renslow 2018): sequential, readable with
// red-green colour-vision deficiency and in greyscale.
QCPColorGradient cividisGradient();
// Purple - white - orange (ColorBrewer PuOr): diverging around 0, for
// differences between domains.
QCPColorGradient divergingGradient();

} // namespace saliency

// The one way to include QCustomPlot in moecut-studio. QCustomPlot 2.1 still
// uses Qt's foreach; keep it available to that header alone.
#pragma once

#ifdef QT_NO_FOREACH
#undef QT_NO_FOREACH
#define MOECUT_RESTORE_NO_FOREACH
#endif
#include <qcustomplot.h>
#ifdef MOECUT_RESTORE_NO_FOREACH
#define QT_NO_FOREACH
#undef MOECUT_RESTORE_NO_FOREACH
#endif

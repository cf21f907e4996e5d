// Renders a window to a PNG once its pending work has shown (results loaded,
// plots replotted): for the README's screenshots and `--screenshot`.
#pragma once

#include <QString>

class QWidget;

// Lets the event loop settle (up to settleMs), grabs window and writes file;
// false with a message on stderr when the file cannot be written.
bool saveScreenshot(QWidget& window, const QString& file, int settleMs = 1500);

#include "screenshot.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QImageWriter>
#include <QPixmap>
#include <QTextStream>
#include <QThread>
#include <QWidget>

bool saveScreenshot(QWidget& window, const QString& file, int settleMs)
{
    // Background loads and coalesced replots land within the settle time.
    QDeadlineTimer deadline(settleMs);
    while (!deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
    const QPixmap pixmap = window.grab();
    QImageWriter writer(file, "png");
    if (!writer.write(pixmap.toImage())) {
        QTextStream(stderr) << QCoreApplication::translate("main", "moecut-studio: cannot write %1: %2")
                                   .arg(file, writer.errorString())
                            << '\n';
        return false;
    }
    return true;
}

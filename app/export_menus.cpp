#include "export_menus.h"

#include "csv_exporter.h"
#include "plot_exporter.h"
#include "qcustomplot_include.h"

#include <QAbstractItemView>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QTableView>

namespace {

void exportPlot(QCustomPlot* plot)
{
    const QString file = QFileDialog::getSaveFileName(plot, QCoreApplication::translate("ExportMenus", "Export Plot"),
                                                      QString(), PlotExporter::fileFilter());
    if (file.isEmpty())
        return;
    const auto format = PlotExporter::formatForFile(file);
    QString error;
    if (!format || !PlotExporter::exportPlot(plot, file, *format, plot->size(), &error))
        QMessageBox::warning(plot, QCoreApplication::translate("ExportMenus", "Export Plot"),
                             error.isEmpty() ? QCoreApplication::translate("ExportMenus", "Unknown file type: %1").arg(file)
                                             : error);
}

void exportTable(QAbstractItemView* view)
{
    if (!view->model())
        return;
    const QString file = QFileDialog::getSaveFileName(view, QCoreApplication::translate("ExportMenus", "Export Table"),
                                                      QString(), QCoreApplication::translate("ExportMenus", "CSV (*.csv)"));
    QString error;
    if (!file.isEmpty() && !CsvExporter::writeFile(*view->model(), file, &error))
        QMessageBox::warning(view, QCoreApplication::translate("ExportMenus", "Export Table"), error);
}

} // namespace

void installExportMenus(QWidget* root)
{
    for (QCustomPlot* plot : root->findChildren<QCustomPlot*>()) {
        if (plot->contextMenuPolicy() == Qt::CustomContextMenu)
            continue; // has its own menu
        plot->setContextMenuPolicy(Qt::CustomContextMenu);
        QObject::connect(plot, &QWidget::customContextMenuRequested, plot, [plot](const QPoint& at) {
            QMenu menu;
            menu.addAction(QCoreApplication::translate("ExportMenus", "Export Plot…"), plot, [plot] { exportPlot(plot); });
            menu.exec(plot->mapToGlobal(at));
        });
    }
    for (QAbstractItemView* view : root->findChildren<QAbstractItemView*>()) {
        if (view->contextMenuPolicy() == Qt::CustomContextMenu || !qobject_cast<QTableView*>(view))
            continue;
        view->setContextMenuPolicy(Qt::CustomContextMenu);
        QObject::connect(view, &QWidget::customContextMenuRequested, view, [view](const QPoint& at) {
            QMenu menu;
            menu.addAction(QCoreApplication::translate("ExportMenus", "Export Table as CSV…"), view,
                           [view] { exportTable(view); });
            menu.exec(view->viewport()->mapToGlobal(at));
        });
    }
}

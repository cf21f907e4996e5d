// "Export Plot…" and "Export Table as CSV…" on the context menu of every plot
// (QCustomPlot) and table view under a widget, so each plot exports alone as
// PNG, SVG or PDF and each table as CSV, on every page.
#pragma once

class QWidget;

// Installs the menus on the plots and tables below root (call once the page
// is built; plots and tables made later are not covered).
void installExportMenus(QWidget* root);

// MainWindow end to end: opening a real tiny checkpoint on the worker thread,
// the docks' contents, errors for folders that are not checkpoints, stale
// results, recent folders.
#include "gui_test_support.h"

#include "checkpoint_loader.h"
#include "layer_table_model.h"
#include "main_window.h"
#include "recent_folders.h"
#include "summary_model.h"
#include "summary_view.h"
#include "qcustomplot_include.h"

#include "moecut/arch.h"

#include <QDockWidget>
#include <QFile>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>

namespace {
constexpr int kLoadTimeoutMs = 60000;
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_temp;
    QString m_tiny;

private slots:
    void initTestCase()
    {
        QVERIFY(m_temp.isValid());
        m_tiny = m_temp.filePath(QStringLiteral("glm-tiny"));
        guitest::makeTinyCheckpoint(m_tiny);
    }

    void init()
    {
        QSettings().clear();
    }

    void hasMenusAndDocks()
    {
        MainWindow window;
        QStringList menus;
        for (QAction* action : window.menuBar()->actions())
            menus << action->text();
        QCOMPARE(menus, (QStringList{QStringLiteral("&File"), QStringLiteral("&View"), QStringLiteral("&Help")}));
        QVERIFY(window.findChild<QDockWidget*>(QStringLiteral("summaryDock")));
        QVERIFY(window.findChild<QDockWidget*>(QStringLiteral("layersDock")));
        QCOMPARE(window.summaryView()->titleText(), QStringLiteral("No checkpoint open"));
        QCOMPARE(window.layerTable()->model()->rowCount(), 0);
    }

    void opensTinyCheckpoint()
    {
        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::checkpointLoaded);
        QSignalSpy failed(&window, &MainWindow::checkpointFailed);
        window.openCheckpoint(m_tiny);
        QVERIFY(window.loader()->isBusy()); // the UI thread is not blocked
        QVERIFY(loaded.wait(kLoadTimeoutMs));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(loaded.at(0).at(0).toString(), m_tiny);
        QVERIFY(!window.loader()->isBusy());

        const moecut::ArchDescriptor arch =
            moecut::ArchDescriptor::from_file(guitest::toPath(m_tiny + QStringLiteral("/config.json")));
        QTableView* table = window.layerTable();
        QCOMPARE(table->model()->rowCount(), static_cast<int>(arch.layers.size()));
        QCOMPARE(table->model()->rowCount(), static_cast<int>(guitest::inspect(m_tiny).at("layer_table").size()));
        QCOMPARE(table->model()->index(0, LayerTableModel::IndexColumn).data().toInt(), 0);

        SummaryView* summary = window.summaryView();
        QVERIFY2(summary->titleText().startsWith(QStringLiteral("glm_moe_dsa · ")), qPrintable(summary->titleText()));
        QCOMPARE(window.summaryModel()->folder(), m_tiny);
        QCOMPARE(window.summaryModel()->displayValue(QStringLiteral("routed_experts")),
                 QLocale().toString(qint64(arch.router.n_experts)));
        QVERIFY(window.windowTitle().contains(QStringLiteral("glm-tiny")));
        QCOMPARE(window.recentFolders()->folders().value(0), m_tiny);
        QCOMPARE(window.errorBox(), nullptr);

        // Sorting the view goes by the raw values: the biggest layer first.
        table->sortByColumn(LayerTableModel::ParamsColumn, Qt::DescendingOrder);
        qint64 previous = std::numeric_limits<qint64>::max();
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            const qint64 params = table->model()->index(row, LayerTableModel::ParamsColumn)
                                      .data(LayerTableModel::RawRole).toLongLong();
            QVERIFY(params <= previous);
            previous = params;
        }
    }

    void showsErrorForNonCheckpointFolder_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QByteArray>("weights");
        QTest::newRow("empty folder") << QStringLiteral("empty") << QByteArray() << QByteArray();
        QTest::newRow("config not json") << QStringLiteral("badjson") << QByteArrayLiteral("{not json") << QByteArray();
        QTest::newRow("truncated shard") << QStringLiteral("truncated") << QByteArray()
                                         << QByteArrayLiteral("\xff\xff\x00\x00\x00\x00\x00\x00{\"a\":");
    }

    void showsErrorForNonCheckpointFolder()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, config);
        QFETCH(QByteArray, weights);
        const QString folder = m_temp.filePath(name);
        QVERIFY(QDir().mkpath(folder));
        if (!config.isEmpty() || !weights.isEmpty()) {
            QFile configFile(folder + QStringLiteral("/config.json"));
            QVERIFY(configFile.open(QIODevice::WriteOnly));
            if (config.isEmpty()) { // a valid config with broken weights
                QFile tinyConfig(m_tiny + QStringLiteral("/config.json"));
                QVERIFY(tinyConfig.open(QIODevice::ReadOnly));
                config = tinyConfig.readAll();
            }
            configFile.write(config);
        }
        if (!weights.isEmpty()) {
            QFile shard(folder + QStringLiteral("/model.safetensors"));
            QVERIFY(shard.open(QIODevice::WriteOnly));
            shard.write(weights);
        }

        MainWindow window;
        window.show();
        QSignalSpy failed(&window, &MainWindow::checkpointFailed);
        QSignalSpy loaded(&window, &MainWindow::checkpointLoaded);
        window.openCheckpoint(folder);
        QVERIFY(failed.wait(kLoadTimeoutMs));
        QCOMPARE(loaded.count(), 0);
        const QString message = failed.at(0).at(1).toString();
        QVERIFY(!message.isEmpty());
        QVERIFY2(!message.contains(QLatin1Char('\n')), qPrintable(message)); // InputError: one line

        QMessageBox* box = window.errorBox();
        QVERIFY(box);
        QVERIFY(box->isVisible());
        QCOMPARE(box->informativeText(), message);
        QVERIFY(box->text().contains(folder));
        QCOMPARE(window.layerTable()->model()->rowCount(), 0);
        QVERIFY(window.recentFolders()->folders().isEmpty());
        box->close();

        // The window still works after the error.
        QSignalSpy loadedAfter(&window, &MainWindow::checkpointLoaded);
        window.openCheckpoint(m_tiny);
        QVERIFY(loadedAfter.wait(kLoadTimeoutMs));
        QVERIFY(window.layerTable()->model()->rowCount() > 0);
    }

    void newerRequestWins()
    {
        MainWindow window;
        QSignalSpy loaded(&window, &MainWindow::checkpointLoaded);
        QSignalSpy failed(&window, &MainWindow::checkpointFailed);
        const QString missing = m_temp.filePath(QStringLiteral("does-not-exist"));
        window.openCheckpoint(missing);
        window.openCheckpoint(m_tiny);
        QVERIFY(loaded.wait(kLoadTimeoutMs));
        QTest::qWait(200); // give a stale result the chance to arrive
        QCOMPARE(failed.count(), 0);
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(window.errorBox(), nullptr);
    }

    void everyPlotAndTableHasTheExportMenu()
    {
        MainWindow window;
        const auto plots = window.findChildren<QCustomPlot*>();
        QVERIFY(plots.size() >= 8); // saliency, monitor and results plots
        for (QCustomPlot* plot : plots)
            QCOMPARE(plot->contextMenuPolicy(), Qt::CustomContextMenu);
        const auto tables = window.findChildren<QTableView*>();
        QVERIFY(tables.size() >= 5);
        for (QTableView* table : tables)
            QCOMPARE(table->contextMenuPolicy(), Qt::CustomContextMenu);
    }

    void remembersRecentFoldersAndWindowState()
    {
        {
            MainWindow window;
            window.show();
            QSignalSpy loaded(&window, &MainWindow::checkpointLoaded);
            window.openCheckpoint(m_tiny);
            QVERIFY(loaded.wait(kLoadTimeoutMs));
            window.findChild<QDockWidget*>(QStringLiteral("layersDock"))->hide();
            window.close();
        }
        MainWindow again;
        QCOMPARE(again.recentFolders()->folders(), QStringList{m_tiny});
        QVERIFY(again.findChild<QDockWidget*>(QStringLiteral("layersDock"))->isHidden());
    }
};

MOECUT_GUITEST_MAIN(TestMainWindow)
#include "test_main_window.moc"

// The embedded translations: both languages load from :/i18n and translate
// the shell's menus, dock titles and table headers.
#include "gui_test_support.h"

#include "layer_table_model.h"
#include "main_window.h"
#include "translation_loader.h"

#include <QDockWidget>
#include <QMenuBar>
#include <QTranslator>

class TestTranslations : public QObject
{
    Q_OBJECT

private:
    static QStringList menuTitles(const MainWindow& window)
    {
        QStringList titles;
        for (QAction* action : window.menuBar()->actions())
            titles << action->text();
        return titles;
    }

    static QString dockTitle(const MainWindow& window, const char* name)
    {
        return window.findChild<QDockWidget*>(QString::fromLatin1(name))->windowTitle();
    }

private slots:
    void cleanup()
    {
        for (QTranslator* translator : qApp->findChildren<QTranslator*>()) {
            QCoreApplication::removeTranslator(translator);
            delete translator;
        }
    }

    void shipsGermanAndChinese()
    {
        const QStringList languages = availableLanguages();
        QVERIFY2(languages.contains(QStringLiteral("de")), qPrintable(languages.join(QLatin1Char(' '))));
        QVERIFY2(languages.contains(QStringLiteral("zh_CN")), qPrintable(languages.join(QLatin1Char(' '))));
    }

    void englishNeedsNoTranslation()
    {
        QVERIFY(!installTranslations(*qApp, QLocale(QLocale::English, QLocale::UnitedStates)));
        MainWindow window;
        QCOMPARE(menuTitles(window), (QStringList{QStringLiteral("&File"), QStringLiteral("&View"), QStringLiteral("&Help")}));
    }

    void german()
    {
        QVERIFY(installTranslations(*qApp, QLocale(QLocale::German, QLocale::Germany)));
        MainWindow window;
        QCOMPARE(menuTitles(window), (QStringList{QStringLiteral("&Datei"), QStringLiteral("&Ansicht"), QStringLiteral("&Hilfe")}));
        QCOMPARE(dockTitle(window, "summaryDock"), QStringLiteral("Übersicht"));
        QCOMPARE(dockTitle(window, "layersDock"), QStringLiteral("Schichten"));
        LayerTableModel model;
        QCOMPARE(model.headerData(LayerTableModel::IndexColumn, Qt::Horizontal).toString(), QStringLiteral("Schicht"));
        QCOMPARE(model.headerData(LayerTableModel::ParamsColumn, Qt::Horizontal).toString(), QStringLiteral("Parameter"));
    }

    void simplifiedChinese()
    {
        QVERIFY(installTranslations(*qApp, QLocale(QLocale::Chinese, QLocale::SimplifiedHanScript, QLocale::China)));
        MainWindow window;
        QCOMPARE(menuTitles(window), (QStringList{QStringLiteral("文件(&F)"), QStringLiteral("视图(&V)"), QStringLiteral("帮助(&H)")}));
        QCOMPARE(dockTitle(window, "summaryDock"), QStringLiteral("概要"));
        QCOMPARE(dockTitle(window, "layersDock"), QStringLiteral("层"));
        LayerTableModel model;
        QCOMPARE(model.headerData(LayerTableModel::IndexColumn, Qt::Horizontal).toString(), QStringLiteral("层"));
        QCOMPARE(model.headerData(LayerTableModel::KindColumn, Qt::Horizontal).toString(), QStringLiteral("类型"));
    }
};

MOECUT_GUITEST_MAIN(TestTranslations)
#include "test_translations.moc"

// The embedded translations: both languages load from :/i18n and translate
// the shell's menus, dock titles, table headers and the pages (Designer,
// Saliency, Monitor, Results); the .ts sources hold a finished translation,
// with the same placeholders, for every message.
#include "gui_test_support.h"

#include "layer_table_model.h"
#include "main_window.h"
#include "translation_loader.h"

#include <QDockWidget>
#include <QFile>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QTabWidget>
#include <QTranslator>
#include <QXmlStreamReader>

namespace {

// One <message> of a .ts file: its context, source, translation type and
// the translation text (one entry per numerus form).
struct TsMessage
{
    QString context;
    QString source;
    QString type;
    QStringList translations;
};

QList<TsMessage> readTs(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = path + QStringLiteral(": cannot open");
        return {};
    }
    QList<TsMessage> messages;
    QString context;
    TsMessage message;
    bool inMessage = false;
    QXmlStreamReader xml(&file);
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            messages.append(message);
            inMessage = false;
        }
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == QLatin1String("TS") || name == QLatin1String("context")) {
            continue;
        } else if (name == QLatin1String("name") && !inMessage) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            message = TsMessage{context, {}, {}, {}};
            inMessage = true;
        } else if (name == QLatin1String("source")) {
            message.source = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            message.type = xml.attributes().value(QLatin1String("type")).toString();
            bool numerus = false;
            QString text;
            while (xml.readNext() != QXmlStreamReader::EndElement || xml.name() != QLatin1String("translation")) {
                if (xml.isStartElement() && xml.name() == QLatin1String("numerusform")) {
                    numerus = true;
                    message.translations << xml.readElementText();
                } else if (xml.isCharacters()) {
                    text += xml.text();
                }
                if (xml.atEnd())
                    break;
            }
            if (!numerus)
                message.translations << text;
        } else {
            xml.skipCurrentElement();
        }
    }
    if (xml.hasError())
        *error = QStringLiteral("%1: line %2: %3").arg(path).arg(xml.lineNumber()).arg(xml.errorString());
    return messages;
}

QSet<QString> placeholders(const QString& text)
{
    static const QRegularExpression pattern(QStringLiteral("%(?:n|[1-9][0-9]?)"));
    QSet<QString> found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured());
    return found;
}

QString tsPath(const char* file)
{
    // The .ts files live in translations/ of the source tree, two levels above this test.
    return QFINDTESTDATA(QStringLiteral("../../translations/") + QLatin1String(file));
}

} // namespace

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

    static QString buttonText(const MainWindow& window, const char* name)
    {
        auto* button = window.findChild<QPushButton*>(QString::fromLatin1(name));
        return button ? button->text() : QStringLiteral("<no button %1>").arg(QString::fromLatin1(name));
    }

    // The titles of every tab in the window: the pages and the Results tabs.
    static QStringList tabTitles(const MainWindow& window)
    {
        QStringList titles;
        for (QTabWidget* tabs : window.findChildren<QTabWidget*>())
            for (int i = 0; i < tabs->count(); ++i)
                titles << tabs->tabText(i);
        return titles;
    }

    static void checkTsFile(const char* file)
    {
        const QString path = tsPath(file);
        QVERIFY2(!path.isEmpty() && QFile::exists(path), file);
        QString error;
        const QList<TsMessage> messages = readTs(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(messages.size() > 400, qPrintable(QStringLiteral("%1: only %2 messages").arg(path).arg(messages.size())));
        QStringList problems;
        for (const TsMessage& m : messages) {
            const QString where = QStringLiteral("%1 [%2] \"%3\"").arg(QString::fromLatin1(file), m.context, m.source);
            if (!m.type.isEmpty())
                problems << where + QStringLiteral(": type=") + m.type;
            if (m.translations.isEmpty())
                problems << where + QStringLiteral(": no translation");
            for (const QString& t : m.translations) {
                if (t.trimmed().isEmpty())
                    problems << where + QStringLiteral(": empty translation");
                else if (placeholders(t) != placeholders(m.source))
                    problems << where + QStringLiteral(": placeholders differ in \"%1\"").arg(t);
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

private slots:
    void cleanup()
    {
        for (QTranslator* translator : qApp->findChildren<QTranslator*>()) {
            QCoreApplication::removeTranslator(translator);
            delete translator;
        }
    }

    void tsFilesAreComplete_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("de") << QStringLiteral("moecut_de.ts");
        QTest::newRow("zh_CN") << QStringLiteral("moecut_zh_CN.ts");
    }

    void tsFilesAreComplete()
    {
        QFETCH(QString, file);
        checkTsFile(file.toLatin1().constData());
    }

    void placeholderCheckCatchesMismatch()
    {
        QCOMPARE(placeholders(QStringLiteral("%1 of %2 %3 (%n), 95%")),
                 (QSet<QString>{QStringLiteral("%1"), QStringLiteral("%2"), QStringLiteral("%3"), QStringLiteral("%n")}));
        QVERIFY(placeholders(QStringLiteral("%1 vs %2")) != placeholders(QStringLiteral("%1 对 %3")));
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

    void germanPages()
    {
        QVERIFY(installTranslations(*qApp, QLocale(QLocale::German, QLocale::Germany)));
        MainWindow window;
        QCOMPARE(buttonText(window, "launchButton"), QStringLiteral("Experiment starten"));
        QCOMPARE(buttonText(window, "cancelJobButton"), QStringLiteral("Job abbrechen"));
        QCOMPARE(buttonText(window, "savePlanButton"), QStringLiteral("Plan speichern"));
        QCOMPARE(buttonText(window, "startDemoButton"), QStringLiteral("Demoprojekt öffnen"));
        const QStringList tabs = tabTitles(window);
        for (const char* title : {"Modell", "Ergebnisse", "Rangliste", "Pro Quelle", "Vergleich"})
            QVERIFY2(tabs.contains(QString::fromUtf8(title)), qPrintable(tabs.join(QLatin1Char('|'))));
    }

    void simplifiedChinesePages()
    {
        QVERIFY(installTranslations(*qApp, QLocale(QLocale::Chinese, QLocale::SimplifiedHanScript, QLocale::China)));
        MainWindow window;
        QCOMPARE(buttonText(window, "launchButton"), QStringLiteral("启动实验"));
        QCOMPARE(buttonText(window, "cancelJobButton"), QStringLiteral("取消作业"));
        QCOMPARE(buttonText(window, "savePlanButton"), QStringLiteral("保存方案"));
        QCOMPARE(buttonText(window, "startDemoButton"), QStringLiteral("打开演示项目"));
        const QStringList tabs = tabTitles(window);
        for (const char* title : {"模型", "结果", "排行榜", "按来源", "对比"})
            QVERIFY2(tabs.contains(QString::fromUtf8(title)), qPrintable(tabs.join(QLatin1Char('|'))));
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

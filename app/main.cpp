// moecut-studio [DIR]: the desktop workbench. Opens DIR at start when given
// (a project folder, or a checkpoint folder). --demo opens the demo project;
// --screenshot FILE.png [--view saliency|monitor|results|...] renders that
// page of the opened project to FILE.png and exits.
#include "translation_loader.h"
#include "main_window.h"
#include "screenshot.h"
#include "settings_dialog.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QLocale>
#include <QTextStream>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("moecut"));
    QApplication::setApplicationName(QStringLiteral("moecut-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("moecut studio"));
    QApplication::setApplicationVersion(QStringLiteral(MOECUT_VERSION));

    // --lang is read before the translated help texts are built.
    QCommandLineParser early;
    const QCommandLineOption langOption(QStringLiteral("lang"), {}, QStringLiteral("LANG"));
    early.addOption(langOption);
    early.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    early.parse(QApplication::arguments());
    // --lang, else the language chosen in the settings, else the system's.
    QString lang = early.value(langOption);
    if (lang.isEmpty())
        lang = SettingsDialog::language();
    installTranslations(app, lang.isEmpty() ? QLocale::system() : QLocale(lang));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "moecut studio: expert pruning workbench for Mixture-of-Experts models"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(QCommandLineOption(
        QStringLiteral("lang"), QCoreApplication::translate("main", "User interface language (e.g. de, zh_CN)."),
        QStringLiteral("LANG")));
    const QCommandLineOption demoOption(
        QStringLiteral("demo"), QCoreApplication::translate("main", "Open the embedded demo project."));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Render a page to FILE (PNG) and exit."), QStringLiteral("FILE"));
    const QCommandLineOption viewOption(
        QStringLiteral("view"),
        QCoreApplication::translate("main", "The page to show: start, designer, saliency, monitor, results, model."),
        QStringLiteral("VIEW"));
    const QCommandLineOption launchOption(
        QStringLiteral("launch"), QCoreApplication::translate("main", "Launch the current experiment at start."));
    const QCommandLineOption waitOption(
        QStringLiteral("wait"),
        QCoreApplication::translate("main", "With --screenshot: wait until the project's jobs have finished."));
    parser.addOptions({demoOption, screenshotOption, viewOption, launchOption, waitOption});
    parser.addPositionalArgument(
        QStringLiteral("DIR"), QCoreApplication::translate("main", "Project or checkpoint folder to open at start."),
        QStringLiteral("[DIR]"));
    parser.process(app);

    MainWindow window;
    window.show();
    const QStringList positional = parser.positionalArguments();
    bool opened = true;
    if (parser.isSet(demoOption)) {
        opened = window.openDemoProject(positional.value(0));
    } else if (!positional.isEmpty()) {
        const QString dir = positional.first();
        if (QFileInfo::exists(dir + QStringLiteral("/project.json")) || !QFileInfo::exists(dir + QStringLiteral("/config.json")))
            opened = window.openProject(dir);
        else
            window.openCheckpoint(dir);
    }
    if (parser.isSet(viewOption) && !window.showPage(parser.value(viewOption))) {
        QTextStream(stderr) << QCoreApplication::translate("main", "moecut-studio: unknown view %1").arg(parser.value(viewOption)) << '\n';
        return 2;
    }
    if (parser.isSet(launchOption) && (!opened || window.launchExperiment().empty()))
        return 2;
    if (parser.isSet(screenshotOption)) {
        if (!opened)
            return 2;
        if (parser.isSet(waitOption))
            window.waitForJobs();
        return saveScreenshot(window, parser.value(screenshotOption)) ? 0 : 1;
    }
    return QApplication::exec();
}

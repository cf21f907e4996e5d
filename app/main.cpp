// moecut-studio [DIR]: the desktop workbench. Opens DIR at start when given.
#include "translation_loader.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLocale>

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
    const QString lang = early.value(langOption);
    installTranslations(app, lang.isEmpty() ? QLocale::system() : QLocale(lang));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "moecut studio: expert pruning workbench for Mixture-of-Experts models"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(QCommandLineOption(
        QStringLiteral("lang"), QCoreApplication::translate("main", "User interface language (e.g. de, zh_CN)."),
        QStringLiteral("LANG")));
    parser.addPositionalArgument(QStringLiteral("DIR"),
                                 QCoreApplication::translate("main", "Checkpoint folder to open at start."),
                                 QStringLiteral("[DIR]"));
    parser.process(app);

    MainWindow window;
    window.show();
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty())
        window.openCheckpoint(positional.first());
    return QApplication::exec();
}

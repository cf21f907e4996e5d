// Helpers shared by the moecut-studio Qt Tests.
#pragma once

#include "moecut/inspect.h"
#include "moecut/tiny_checkpoint.h"

#include <nlohmann/json.hpp>

#include <QApplication>
#include <QByteArray>
#include <QStandardPaths>
#include <QString>
#include <QtTest>

#include <filesystem>

namespace guitest {

inline std::filesystem::path toPath(const QString& path)
{
    return std::filesystem::path(path.toStdString());
}

// Writes the tiny checkpoint of family into folder (which must not exist yet)
// with moecut_core, as `moecut make-tiny` does.
inline void makeTinyCheckpoint(const QString& folder, moecut::Family family = moecut::Family::GlmMoeDsa)
{
    moecut::TinyOptions options;
    options.family = family;
    moecut::make_tiny_checkpoint(options, toPath(folder));
}

inline nlohmann::json inspect(const QString& folder)
{
    return moecut::inspect_checkpoint(toPath(folder));
}

// Headless by default, QSettings and standard paths in a test location.
inline void prepareEnvironment()
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", QByteArrayLiteral("offscreen"));
    QStandardPaths::setTestModeEnabled(true);
}

} // namespace guitest

// A QTEST_MAIN that sets up the headless test environment first.
#define MOECUT_GUITEST_MAIN(TestClass)                                                                                \
    int main(int argc, char** argv)                                                                                    \
    {                                                                                                                  \
        guitest::prepareEnvironment();                                                                                 \
        QApplication app(argc, argv);                                                                                  \
        QApplication::setOrganizationName(QStringLiteral("moecut-tests"));                                            \
        QApplication::setApplicationName(QStringLiteral(#TestClass));                                                 \
        TestClass test;                                                                                                \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return QTest::qExec(&test, argc, argv);                                                                        \
    }

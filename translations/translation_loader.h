// Installs the translators for a language: Qt's own strings and moecut's
// (embedded as :/i18n/moecut_<lang>.qm by translations/CMakeLists.txt).
#pragma once

#include <QLocale>
#include <QStringList>

class QCoreApplication;

// Returns true when moecut's own translation for locale was found (English,
// the source language, needs none and returns false).
bool installTranslations(QCoreApplication& app, const QLocale& locale);

// The languages moecut ships translations for ("de", "zh_CN"), from the
// embedded .qm files.
QStringList availableLanguages();

// Preferences: the user-interface language (system, English, or a shipped
// translation), stored in QSettings under "ui/language" and used from the
// next start (`--lang` overrides it).
#pragma once

#include <QDialog>

class QComboBox;

class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    // The stored language: "" (the system's), "en", "de", "zh_CN", ...
    static QString language();
    static void setLanguage(const QString& language);

    QComboBox* languageBox() const { return m_language; }
    void accept() override;

private:
    QComboBox* m_language = nullptr;
};

#include "settings_dialog.h"

#include "translation_loader.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QSettings>
#include <QVBoxLayout>

namespace {
const QString kLanguageKey = QStringLiteral("ui/language");
} // namespace

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    m_language = new QComboBox;
    m_language->setObjectName(QStringLiteral("languageBox"));
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    for (const QString& code : availableLanguages()) {
        const QLocale locale(code);
        m_language->addItem(locale.nativeLanguageName(), code);
    }
    m_language->setCurrentIndex(std::max(0, m_language->findData(language())));
    auto* form = new QFormLayout;
    form->addRow(tr("Language:"), m_language);
    auto* note = new QLabel(tr("The language changes at the next start of moecut studio."));
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

QString SettingsDialog::language()
{
    return QSettings().value(kLanguageKey).toString();
}

void SettingsDialog::setLanguage(const QString& language)
{
    QSettings().setValue(kLanguageKey, language);
}

void SettingsDialog::accept()
{
    setLanguage(m_language->currentData().toString());
    QDialog::accept();
}

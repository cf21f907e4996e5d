#include "designer_export_group.h"

#include "export_size_estimator.h"
#include "gguf_type_rules_model.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <initializer_list>

DesignerExportGroup::DesignerExportGroup(QWidget* parent)
    : QGroupBox(tr("Export"), parent)
    , m_rules(new GgufTypeRulesModel(this))
    , m_estimator(new ExportSizeEstimator(this))
{
    setObjectName(QStringLiteral("exportGroup"));
    setCheckable(true);
    setChecked(false);
    const moecut::ExportSettings defaults;
    auto* form = new QFormLayout(this);
    m_format = new QComboBox;
    m_format->setObjectName(QStringLiteral("exportFormat"));
    m_format->addItem(tr("GGUF (llama.cpp)"), QStringLiteral("gguf"));
    m_format->addItem(tr("NVFP4 checkpoint (vLLM, ModelOpt format)"), QStringLiteral("nvfp4"));
    form->addRow(tr("Format:"), m_format);
    m_type = new QComboBox;
    m_type->setObjectName(QStringLiteral("exportType"));
    for (const char* t : {"f32", "f16", "bf16", "q8_0", "q4_0", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k"})
        m_type->addItem(QString::fromLatin1(t));
    m_type->setCurrentText(QString::fromStdString(defaults.type));
    form->addRow(tr("Base type:"), m_type);

    m_rulesView = new QTableView;
    m_rulesView->setObjectName(QStringLiteral("exportRules"));
    m_rulesView->setModel(m_rules);
    m_rulesView->verticalHeader()->hide();
    m_rulesView->horizontalHeader()->setSectionResizeMode(GgufTypeRulesModel::PatternColumn, QHeaderView::Stretch);
    m_rulesView->setMinimumHeight(80);
    m_rulesView->setToolTip(tr("Tensors whose GGUF name matches the pattern get the type; the first match wins"));
    auto* add = new QPushButton(tr("Add Rule"));
    add->setObjectName(QStringLiteral("addExportRule"));
    auto* remove = new QPushButton(tr("Remove Rule"));
    remove->setObjectName(QStringLiteral("removeExportRule"));
    connect(add, &QPushButton::clicked, this, &DesignerExportGroup::addRule);
    connect(remove, &QPushButton::clicked, this, &DesignerExportGroup::removeRule);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto* rules = new QVBoxLayout;
    rules->addWidget(m_rulesView);
    rules->addLayout(buttons);
    form->addRow(tr("Type rules:"), rules);

    m_mtp = new QComboBox;
    m_mtp->setObjectName(QStringLiteral("exportMtp"));
    m_mtp->addItem(tr("drop (most portable)"), QStringLiteral("drop"));
    m_mtp->addItem(tr("keep"), QStringLiteral("keep"));
    form->addRow(tr("MTP layers:"), m_mtp);
    m_fill = new QCheckBox(tr("Fill shared indexer layers (llama.cpp without indexer types)"));
    m_fill->setObjectName(QStringLiteral("exportFillIndexer"));
    form->addRow(QString(), m_fill);
    m_size = new QLabel(tr("Size: choose a model"));
    m_size->setObjectName(QStringLiteral("exportSize"));
    m_size->setWordWrap(true);
    form->addRow(tr("Estimated size:"), m_size);

    // The type, rules, MTP and indexer options are GGUF's; NVFP4 uses the CLI's defaults.
    auto ggufOnly = [this, add, remove] {
        const bool gguf = m_format->currentData().toString() == QLatin1String("gguf");
        for (QWidget* w : std::initializer_list<QWidget*>{m_type, m_rulesView, add, remove, m_mtp, m_fill})
            w->setEnabled(gguf);
    };
    connect(m_format, &QComboBox::currentIndexChanged, this, ggufOnly);
    connect(this, &QGroupBox::toggled, this, &DesignerExportGroup::changed);
    for (QComboBox* box : {m_format, m_type, m_mtp})
        connect(box, &QComboBox::currentIndexChanged, this, &DesignerExportGroup::changed);
    connect(m_fill, &QCheckBox::toggled, this, &DesignerExportGroup::changed);
    connect(m_rules, &GgufTypeRulesModel::rulesChanged, this, &DesignerExportGroup::changed);
    connect(m_estimator, &ExportSizeEstimator::estimateAvailable, this, &DesignerExportGroup::showEstimate);
    connect(m_estimator, &ExportSizeEstimator::estimateFailed, this,
            [this](const QString& message) { m_size->setText(tr("Size unknown: %1").arg(message)); });
}

void DesignerExportGroup::setExportSettings(const moecut::ExportSettings& e)
{
    setChecked(e.enabled);
    m_format->setCurrentIndex(std::max(0, m_format->findData(QString::fromStdString(e.format))));
    m_type->setCurrentText(QString::fromStdString(e.type));
    m_rules->setRules(e.tensor_types);
    m_mtp->setCurrentIndex(std::max(0, m_mtp->findData(QString::fromStdString(e.mtp))));
    m_fill->setChecked(e.fill_shared_indexer);
}

moecut::ExportSettings DesignerExportGroup::exportSettings() const
{
    moecut::ExportSettings e;
    e.enabled = isChecked();
    e.format = m_format->currentData().toString().toStdString();
    e.type = m_type->currentText().toStdString();
    e.tensor_types = m_rules->rules();
    e.mtp = m_mtp->currentData().toString().toStdString();
    e.fill_shared_indexer = m_fill->isChecked();
    return e;
}

void DesignerExportGroup::estimateFor(const QString& moecut, const QString& model, int keep)
{
    if (isChecked() && m_format->currentData().toString() != QLatin1String("gguf")) {
        m_estimator->cancel();
        m_size->setText(tr("Estimated for GGUF only"));
        return;
    }
    if (!isChecked() || model.isEmpty()) {
        m_estimator->cancel();
        m_size->setText(isChecked() ? tr("Size: choose a model") : tr("Export is off"));
        return;
    }
    QStringList options;
    for (const auto& o : moecut::export_options(exportSettings()))
        options << QString::fromStdString(o);
    m_size->setText(tr("Estimating…"));
    m_estimator->request(moecut, model, options, keep);
}

void DesignerExportGroup::addRule()
{
    const int row = m_rules->addRule(QStringLiteral("ffn_.*_exps"), m_type->currentText());
    m_rulesView->setCurrentIndex(m_rules->index(row, GgufTypeRulesModel::PatternColumn));
    m_rulesView->edit(m_rulesView->currentIndex());
}

void DesignerExportGroup::removeRule()
{
    const QModelIndex current = m_rulesView->currentIndex();
    if (current.isValid())
        m_rules->removeRows(current.row(), 1);
}

void DesignerExportGroup::showEstimate(const ExportSizeEstimate& e)
{
    m_size->setText(ExportSizeEstimator::describe(e));
}

#include "designer_page.h"

#include "checkpoint_loader.h"
#include "designer_distillation_group.h"
#include "designer_export_group.h"
#include "recipe_steps_model.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace {

QSpinBox* spin(int min, int max, int value)
{
    auto* s = new QSpinBox;
    s->setRange(min, max);
    s->setValue(value);
    return s;
}

// "0, 0.05, 0.1" -> values; bad is set to the first token that is not a number.
std::vector<double> parseList(const QString& text, QString* bad)
{
    std::vector<double> values;
    for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.toDouble(&ok);
        if (!ok && bad && bad->isEmpty())
            *bad = part;
        if (ok)
            values.push_back(v);
    }
    return values;
}

QString joinList(const std::vector<double>& values)
{
    QStringList parts;
    for (double v : values)
        parts << QString::number(v);
    return parts.join(QStringLiteral(", "));
}

QString toQ(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}

} // namespace

DesignerPage::DesignerPage(QWidget* parent)
    : QWidget(parent)
    , m_loader(new CheckpointLoader(this))
    , m_steps(new RecipeStepsModel(this))
{
    auto* form = new QWidget;
    auto* columns = new QHBoxLayout(form);
    auto* left = new QVBoxLayout;
    left->addWidget(createModelGroup());
    left->addWidget(createPlanGroup());
    left->addStretch();
    auto* right = new QVBoxLayout;
    right->addWidget(createEvalGroup());
    m_distillation = new DesignerDistillationGroup;
    right->addWidget(m_distillation);
    m_export = new DesignerExportGroup;
    right->addWidget(m_export);
    right->addStretch();
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(scroll, 3);
    layout->addWidget(createStepsGroup(), 2);

    connect(m_loader, &CheckpointLoader::loaded, this, &DesignerPage::onModelLoaded);
    connect(m_loader, &CheckpointLoader::failed, this, &DesignerPage::onModelFailed);
    connect(m_launch, &QPushButton::clicked, this, [this] { emit launchRequested(settings()); });
    for (QLineEdit* edit : {m_name, m_model, m_planFile, m_probes, m_gridMinP, m_gridRepPen})
        connect(edit, &QLineEdit::textChanged, this, &DesignerPage::updatePreview);
    for (QSpinBox* box : findChildren<QSpinBox*>())
        connect(box, &QSpinBox::valueChanged, this, &DesignerPage::updatePreview);
    for (QComboBox* box : findChildren<QComboBox*>())
        connect(box, &QComboBox::currentTextChanged, this, &DesignerPage::updatePreview);
    for (QCheckBox* box : findChildren<QCheckBox*>())
        connect(box, &QCheckBox::toggled, this, &DesignerPage::updatePreview);
    connect(m_calibration, &QTableWidget::cellChanged, this, &DesignerPage::updatePreview);
    connect(m_distillation, &DesignerDistillationGroup::changed, this, &DesignerPage::updatePreview);
    connect(m_export, &DesignerExportGroup::changed, this, &DesignerPage::updatePreview);
    connect(m_keep, &QSpinBox::valueChanged, this, &DesignerPage::updateKeepLabel);
    connect(m_model, &QLineEdit::editingFinished, this, [this] {
        if (!m_model->text().isEmpty())
            m_loader->open(m_model->text());
    });
    updatePreview();
}

QWidget* DesignerPage::createModelGroup()
{
    auto* group = new QGroupBox(tr("Model and calibration"));
    auto* form = new QFormLayout(group);
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("experimentName"));
    form->addRow(tr("Experiment name:"), m_name);
    m_model = new QLineEdit;
    m_model->setObjectName(QStringLiteral("modelFolder"));
    auto* browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, &DesignerPage::browseModel);
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model);
    modelRow->addWidget(browse);
    form->addRow(tr("Model folder:"), modelRow);
    m_modelSummary = new QLabel(tr("No model chosen."));
    m_modelSummary->setObjectName(QStringLiteral("modelSummary"));
    m_modelSummary->setWordWrap(true);
    form->addRow(QString(), m_modelSummary);

    m_calibration = new QTableWidget(0, 2);
    m_calibration->setHorizontalHeaderLabels({tr("Domain"), tr("Calibration file (JSONL)")});
    m_calibration->horizontalHeader()->setStretchLastSection(true);
    m_calibration->verticalHeader()->hide();
    m_calibration->setMinimumHeight(90);
    auto* add = new QPushButton(tr("Add…"));
    auto* remove = new QPushButton(tr("Remove"));
    connect(add, &QPushButton::clicked, this, &DesignerPage::addCalibration);
    connect(remove, &QPushButton::clicked, this, &DesignerPage::removeCalibration);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    auto* calib = new QVBoxLayout;
    calib->addWidget(m_calibration);
    calib->addLayout(buttons);
    form->addRow(tr("Calibration:"), calib);
    m_seqLen = spin(16, 1 << 20, 256);
    form->addRow(tr("Sequence length:"), m_seqLen);
    m_maxTokens = spin(0, 1 << 30, 16384);
    m_maxTokens->setSpecialValueText(tr("all data"));
    form->addRow(tr("Token budget:"), m_maxTokens);
    return group;
}

QWidget* DesignerPage::createPlanGroup()
{
    auto* group = new QGroupBox(tr("Plan"));
    auto* form = new QFormLayout(group);
    m_keep = spin(1, 1 << 16, 1);
    m_keep->setObjectName(QStringLiteral("keepK"));
    m_keepLabel = new QLabel;
    auto* keepRow = new QHBoxLayout;
    keepRow->addWidget(m_keep);
    keepRow->addWidget(m_keepLabel, 1);
    form->addRow(tr("Keep K experts per layer:"), keepRow);
    m_criterion = new QComboBox;
    m_criterion->addItems({QStringLiteral("reap"), QStringLiteral("frequency"), QStringLiteral("ean")});
    form->addRow(tr("Criterion:"), m_criterion);
    m_domain = new QComboBox;
    m_domain->setEditable(true);
    form->addRow(tr("Rank on domain:"), m_domain);
    m_swapDomain = new QComboBox;
    m_swapDomain->setEditable(true);
    form->addRow(tr("Swap in from domain:"), m_swapDomain);
    m_swaps = spin(0, 1 << 16, 0);
    form->addRow(tr("Swaps per layer:"), m_swaps);
    m_protect = new QCheckBox(tr("Always keep super experts"));
    form->addRow(QString(), m_protect);
    m_planFile = new QLineEdit;
    m_planFile->setObjectName(QStringLiteral("planFile"));
    m_planFile->setPlaceholderText(tr("computed from saliency (or a plan edited in the Saliency view)"));
    form->addRow(tr("Edited plan:"), m_planFile);
    return group;
}

QWidget* DesignerPage::createEvalGroup()
{
    auto* group = new QGroupBox(tr("Evaluation"));
    auto* form = new QFormLayout(group);
    m_probes = new QLineEdit;
    m_probes->setObjectName(QStringLiteral("probesFile"));
    auto* browse = new QPushButton(tr("Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Probe File"), m_probes->text(),
                                                       tr("JSON lines (*.jsonl);;All files (*)"));
        if (!f.isEmpty())
            m_probes->setText(f);
    });
    auto* probesRow = new QHBoxLayout;
    probesRow->addWidget(m_probes);
    probesRow->addWidget(browse);
    form->addRow(tr("Probes:"), probesRow);
    m_n = spin(0, 1 << 24, 48);
    m_n->setSpecialValueText(tr("all"));
    form->addRow(tr("Probes to sample (n):"), m_n);
    m_cap = spin(1, 1 << 24, 192);
    form->addRow(tr("Token cap:"), m_cap);
    m_batch = spin(1, 4096, 16);
    form->addRow(tr("Batch size:"), m_batch);
    m_seed = spin(0, 1 << 30, 0);
    form->addRow(tr("Seed:"), m_seed);
    m_evalTeacher = new QCheckBox(tr("Also evaluate the unpruned teacher (baseline)"));
    m_evalTeacher->setChecked(true);
    form->addRow(QString(), m_evalTeacher);
    m_gridMinP = new QLineEdit;
    m_gridMinP->setObjectName(QStringLiteral("gridMinP"));
    m_gridMinP->setPlaceholderText(tr("e.g. 0, 0.05, 0.1 (empty: no sweep)"));
    form->addRow(tr("Guardrail grid min_p:"), m_gridMinP);
    m_gridRepPen = new QLineEdit;
    m_gridRepPen->setObjectName(QStringLiteral("gridRepPen"));
    m_gridRepPen->setPlaceholderText(tr("e.g. 1, 1.1"));
    form->addRow(tr("Guardrail grid rep_pen:"), m_gridRepPen);
    m_device = new QComboBox;
    m_device->addItems({QStringLiteral("cpu"), QStringLiteral("cuda")});
    form->addRow(tr("Device:"), m_device);
    m_target = new QComboBox;
    m_target->addItem(tr("This computer"), QStringLiteral("local"));
    form->addRow(tr("Run on:"), m_target);
    return group;
}

QWidget* DesignerPage::createStepsGroup()
{
    auto* group = new QGroupBox(tr("Commands this experiment runs"));
    auto* layout = new QVBoxLayout(group);
    m_stepsView = new QTableView;
    m_stepsView->setObjectName(QStringLiteral("stepsView"));
    m_stepsView->setModel(m_steps);
    m_stepsView->verticalHeader()->hide();
    m_stepsView->horizontalHeader()->setStretchLastSection(true);
    m_stepsView->setWordWrap(false);
    m_stepsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    layout->addWidget(m_stepsView);
    m_problems = new QLabel;
    m_problems->setObjectName(QStringLiteral("designerProblems"));
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #b35806;"));
    layout->addWidget(m_problems);
    auto* buttons = new QHBoxLayout;
    auto* copy = new QPushButton(tr("Copy Commands"));
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_steps->script()); });
    m_launch = new QPushButton(tr("Launch Experiment"));
    m_launch->setObjectName(QStringLiteral("launchButton"));
    m_launch->setDefault(true);
    buttons->addWidget(copy);
    buttons->addStretch();
    buttons->addWidget(m_launch);
    layout->addLayout(buttons);
    return group;
}

void DesignerPage::setSettings(const moecut::ExperimentSettings& s)
{
    m_filling = true;
    m_name->setText(QString::fromStdString(s.name));
    m_model->setText(toQ(s.model));
    m_calibration->setRowCount(0);
    for (const auto& c : s.calibration) {
        const int row = m_calibration->rowCount();
        m_calibration->insertRow(row);
        m_calibration->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(c.domain)));
        m_calibration->setItem(row, 1, new QTableWidgetItem(toQ(c.file)));
    }
    m_seqLen->setValue(s.seq_len);
    m_maxTokens->setValue(static_cast<int>(s.max_tokens));
    m_keep->setValue(s.keep);
    m_criterion->setCurrentText(QString::fromStdString(s.criterion));
    m_domain->setCurrentText(QString::fromStdString(s.domain));
    m_swapDomain->setCurrentText(QString::fromStdString(s.swap_domain));
    m_swaps->setValue(s.swaps);
    m_protect->setChecked(s.protect_super_experts);
    m_planFile->setText(s.plan_file ? toQ(*s.plan_file) : QString());
    m_probes->setText(toQ(s.probes));
    m_n->setValue(s.n);
    m_cap->setValue(s.cap);
    m_batch->setValue(s.batch_size);
    m_seed->setValue(static_cast<int>(s.seed));
    m_evalTeacher->setChecked(s.eval_teacher);
    m_gridMinP->setText(joinList(s.grid_min_p));
    m_gridRepPen->setText(joinList(s.grid_rep_pen));
    m_device->setCurrentText(QString::fromStdString(s.device));
    m_distillation->setDistillation(s.distillation);
    m_export->setExportSettings(s.export_model);
    m_filling = false;
    if (!s.model.empty())
        m_loader->open(toQ(s.model));
    updatePreview();
}

moecut::ExperimentSettings DesignerPage::settings() const
{
    moecut::ExperimentSettings s;
    s.name = m_name->text().trimmed().toStdString();
    s.model = m_model->text().trimmed().toStdString();
    for (int row = 0; row < m_calibration->rowCount(); ++row) {
        const auto* domain = m_calibration->item(row, 0);
        const auto* file = m_calibration->item(row, 1);
        s.calibration.push_back({domain ? domain->text().trimmed().toStdString() : std::string(),
                                 file ? file->text().trimmed().toStdString() : std::string()});
    }
    s.seq_len = m_seqLen->value();
    s.max_tokens = static_cast<std::uint64_t>(m_maxTokens->value());
    s.keep = m_keep->value();
    s.criterion = m_criterion->currentText().toStdString();
    s.domain = m_domain->currentText().trimmed().toStdString();
    s.swap_domain = m_swapDomain->currentText().trimmed().toStdString();
    s.swaps = m_swaps->value();
    s.protect_super_experts = m_protect->isChecked();
    if (!m_planFile->text().trimmed().isEmpty())
        s.plan_file = m_planFile->text().trimmed().toStdString();
    s.probes = m_probes->text().trimmed().toStdString();
    s.n = m_n->value();
    s.cap = m_cap->value();
    s.batch_size = m_batch->value();
    s.seed = static_cast<unsigned>(m_seed->value());
    s.eval_teacher = m_evalTeacher->isChecked();
    s.grid_min_p = parseList(m_gridMinP->text(), nullptr);
    s.grid_rep_pen = parseList(m_gridRepPen->text(), nullptr);
    s.device = m_device->currentText().toStdString();
    s.target = m_target->currentData().toString().toStdString();
    s.distillation = m_distillation->distillation();
    s.export_model = m_export->exportSettings();
    return s;
}

void DesignerPage::setExperimentDir(const QString& dir)
{
    m_experimentDir = dir;
    updatePreview();
}

void DesignerPage::setMoecutBinary(const QString& path)
{
    m_moecut = path;
    updatePreview();
}

void DesignerPage::setStepPlanner(StepPlanner planner)
{
    m_planner = std::move(planner);
    updatePreview();
}

void DesignerPage::setPlanFile(const QString& plan)
{
    m_planFile->setText(plan);
}

void DesignerPage::browseModel()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Model Folder"), m_model->text());
    if (folder.isEmpty())
        return;
    m_model->setText(folder);
    m_loader->open(folder);
}

void DesignerPage::addCalibration()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("Calibration File"), QString(),
                                                      tr("JSON lines (*.jsonl);;All files (*)"));
    if (file.isEmpty())
        return;
    const int row = m_calibration->rowCount();
    m_calibration->insertRow(row);
    m_calibration->setItem(row, 0, new QTableWidgetItem(QFileInfo(file).baseName()));
    m_calibration->setItem(row, 1, new QTableWidgetItem(file));
    updatePreview();
}

void DesignerPage::removeCalibration()
{
    const int row = m_calibration->currentRow();
    if (row >= 0)
        m_calibration->removeRow(row);
    updatePreview();
}

void DesignerPage::onModelLoaded(const QString& folder, const nlohmann::json& report)
{
    if (folder != QFileInfo(m_model->text()).absoluteFilePath() && folder != m_model->text())
        return;
    m_experts = report.value("routed_experts", 0);
    const int topK = report.value("experts_per_token", 0);
    m_modelSummary->setText(tr("%1 · %2 layers · %3 routed experts, top-%4 · %5 parameters")
                                .arg(QString::fromStdString(report.value("model_type", std::string())))
                                .arg(report.value("layers", 0))
                                .arg(m_experts)
                                .arg(topK)
                                .arg(report.value("params_total", 0LL)));
    if (m_experts > 0) {
        m_keep->setMaximum(m_experts);
        m_keep->setMinimum(std::max(1, topK));
    }
    updateKeepLabel();
}

void DesignerPage::onModelFailed(const QString& folder, const QString& message)
{
    Q_UNUSED(folder);
    m_experts = 0;
    m_modelSummary->setText(message);
    updateKeepLabel();
}

void DesignerPage::updateKeepLabel()
{
    if (m_experts <= 0) {
        m_keepLabel->clear();
        return;
    }
    const int dropped = m_experts - m_keep->value();
    m_keepLabel->setText(tr("of %1: drops %2 per layer (%3%)")
                             .arg(m_experts)
                             .arg(dropped)
                             .arg(100.0 * dropped / m_experts, 0, 'f', 1));
}

void DesignerPage::updatePreview()
{
    if (m_filling)
        return;
    m_filling = true; // the combo boxes refilled below must not call back
    // The domains offered for ranking and swaps are the calibration's.
    QStringList domains;
    for (int row = 0; row < m_calibration->rowCount(); ++row)
        if (const auto* item = m_calibration->item(row, 0); item && !item->text().isEmpty())
            domains << item->text();
    for (QComboBox* box : {m_domain, m_swapDomain}) {
        const QString current = box->currentText();
        const QSignalBlocker blocker(box);
        box->clear();
        box->addItems(QStringList{QStringLiteral("all")} + domains);
        box->setCurrentText(current);
    }
    const auto s = settings();
    const QString dir = m_experimentDir.isEmpty() ? QStringLiteral("experiments/%1").arg(QString::fromStdString(s.name))
                                                  : m_experimentDir;
    bool planned = false;
    if (m_planner) {
        try {
            m_steps->setSteps(m_planner(s), s);
            planned = true;
        } catch (const std::exception&) {
            planned = false; // e.g. a name the store refuses: settings_problems says why
        }
    }
    if (!planned)
        m_steps->setSettings(s, dir, m_moecut);
    m_filling = false;
    m_stepsView->resizeColumnsToContents();
    QStringList problems = m_steps->problems();
    QString bad;
    parseList(m_gridMinP->text() + QLatin1Char(' ') + m_gridRepPen->text(), &bad);
    if (!bad.isEmpty())
        problems << tr("the guardrail grid holds %1, which is not a number").arg(bad);
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());
    m_launch->setEnabled(problems.isEmpty());
    // The export's size: the teacher's dry run scaled to the kept experts (an
    // edited plan keeps its own counts: the teacher's size, unscaled).
    m_export->estimateFor(m_moecut, toQ(s.model), s.plan_file ? 0 : s.keep);
    emit settingsChanged();
}

// The designer's Export group: a GGUF of the experiment's final model (the
// distilled one with distillation, else the pruned one) in <run>/model.gguf,
// or an NVFP4 checkpoint (ModelOpt's format, the CLI's defaults) in <run>/model.
// Base type, per-tensor type rules (PATTERN=TYPE, first match wins), MTP and
// the shared-indexer fill; the estimated size comes from a child
// `moecut export gguf --dry-run --json` on the teacher, scaled to the kept
// experts (ExportSizeEstimator), and is shown before launch.
#pragma once

#include "moecut/experiment_recipe.h"

#include <QGroupBox>

class ExportSizeEstimator;
class GgufTypeRulesModel;
class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;
struct ExportSizeEstimate;

class DesignerExportGroup : public QGroupBox
{
    Q_OBJECT

public:
    explicit DesignerExportGroup(QWidget* parent = nullptr);

    void setExportSettings(const moecut::ExportSettings& e);
    moecut::ExportSettings exportSettings() const;
    // Asks for the size of exporting model (the teacher) pruned to keep
    // experts per layer with moecut; does nothing while the group is off or
    // model is empty. The newest request wins.
    void estimateFor(const QString& moecut, const QString& model, int keep);

    GgufTypeRulesModel* rulesModel() const { return m_rules; }
    ExportSizeEstimator* estimator() const { return m_estimator; }
    QLabel* sizeLabel() const { return m_size; }

signals:
    void changed();

private:
    void addRule();
    void removeRule();
    void showEstimate(const ExportSizeEstimate& e);

    GgufTypeRulesModel* m_rules = nullptr;
    ExportSizeEstimator* m_estimator = nullptr;
    QComboBox* m_format = nullptr;
    QComboBox* m_type = nullptr;
    QTableView* m_rulesView = nullptr;
    QComboBox* m_mtp = nullptr;
    QCheckBox* m_fill = nullptr;
    QLabel* m_size = nullptr;
};

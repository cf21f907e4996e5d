// The Saliency page: the experiment's saliency file as a heatmap with the
// keep-K slider and click-to-swap (SaliencyView over a SaliencyModel and a
// PlanEditor), and what to do with the plan: save it as the experiment's
// edited plan, or prune and evaluate with it now.
#pragma once

#include <QWidget>

class PlanEditor;
class QLabel;
class QPushButton;
class SaliencyModel;
class SaliencyView;

class SaliencyPage : public QWidget
{
    Q_OBJECT

public:
    explicit SaliencyPage(QWidget* parent = nullptr);

    // Loads the saliency file (empty: clears); plans are saved into planDir.
    bool setSaliencyFile(const QString& file, const QString& planDir);
    QString saliencyFile() const { return m_file; }
    // Starts the plan editor at the experiment's settings.
    void setPlanSettings(qint64 keep, const QString& criterion, const QString& domain, const QString& swapDomain,
                         qint64 swaps);

    SaliencyModel* model() const { return m_model; }
    PlanEditor* editor() const { return m_editor; }
    SaliencyView* view() const { return m_view; }
    QPushButton* pruneButton() const { return m_prune; }

    // Saves the current plan as a new file in the plan folder; empty on failure.
    QString savePlan();

signals:
    void planSaved(const QString& file);
    void pruneRequested(const QString& planFile);

private:
    SaliencyModel* m_model = nullptr;
    PlanEditor* m_editor = nullptr;
    SaliencyView* m_view = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_prune = nullptr;
    QString m_file;
    QString m_planDir;
};

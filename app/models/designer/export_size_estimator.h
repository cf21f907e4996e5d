// The size of an experiment's GGUF export, known before anything runs: a
// child `moecut export gguf --model TEACHER <options> --dry-run --json` plans
// the file from the teacher's headers (no tensor data is read), and the
// routed-expert tensors (ffn_*_exps, the router ffn_gate_inp and its
// exp_probs_b bias) are scaled by the kept-expert fraction keep/E, because the
// pruned model does not exist yet when the experiment is designed.
//
// Latest wins: a new request kills the child of an older one and its output is
// never reported. A request with the same teacher and options as the last
// finished one is answered at once from that plan (a new keep-K only rescales);
// one with the same teacher and options as the running child lets it run on
// and only takes the new keep-K.
#pragma once

#include <nlohmann/json.hpp>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

class QProcess;

struct ExportSizeEstimate {
    qint64 teacherBytes = 0;    // the teacher's GGUF file size at these options
    qint64 bytes = 0;           // the estimate for the pruned model
    int tensors = 0;            // tensors written
    int quantised = 0;          // of them, in a quantised (q*) type
    double keptFraction = 1;    // keep / routed experts (1: not scaled)
    QString architecture;
};
Q_DECLARE_METATYPE(ExportSizeEstimate)

class ExportSizeEstimator : public QObject
{
    Q_OBJECT

public:
    explicit ExportSizeEstimator(QObject* parent = nullptr);
    ~ExportSizeEstimator() override;

    // Plans the export of model with exportOptions (moecut::export_options)
    // and scales it to keep experts per layer (keep <= 0: no scaling).
    void request(const QString& moecut, const QString& model, const QStringList& exportOptions, int keep);
    // Drops a running request; nothing more is reported for it.
    void cancel();
    bool isRunning() const;

    // The estimate from a dry-run plan (the JSON of `--dry-run --json`).
    static ExportSizeEstimate fromPlan(const nlohmann::json& plan, int keep);
    // "~4.2 MB, 70 of 103 tensors quantised (scaled to 21 of 32 experts)".
    static QString describe(const ExportSizeEstimate& e);

signals:
    void estimateAvailable(const ExportSizeEstimate& estimate);
    void estimateFailed(const QString& message);
    void runningChanged(bool running);

private:
    void finish(QProcess* process, const QString& key);

    QPointer<QProcess> m_process;
    QString m_runningKey;       // moecut, model and options of m_process
    int m_runningKeep = 0;
    QString m_lastKey;          // moecut, model and options of m_lastPlan
    nlohmann::json m_lastPlan;
};

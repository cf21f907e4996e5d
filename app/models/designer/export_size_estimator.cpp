#include "export_size_estimator.h"

#include <QProcess>

#include <algorithm>

namespace {

bool scalesWithExperts(const std::string& name)
{
    return name.find("_exps.") != std::string::npos || name.find("ffn_gate_inp.") != std::string::npos ||
           name.find("exp_probs_b.") != std::string::npos;
}

// "<arch>.expert_count" of the plan's metadata, 0 when missing.
int expertCount(const nlohmann::json& plan)
{
    const auto arch = plan.value("architecture", std::string());
    const auto meta = plan.find("metadata");
    if (arch.empty() || meta == plan.end() || !meta->is_object())
        return 0;
    const auto it = meta->find(arch + ".expert_count");
    if (it == meta->end())
        return 0;
    const auto& v = it->is_object() && it->contains("value") ? (*it)["value"] : *it;
    return v.is_number_integer() ? v.get<int>() : 0;
}

} // namespace

ExportSizeEstimator::ExportSizeEstimator(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<ExportSizeEstimate>();
}

ExportSizeEstimator::~ExportSizeEstimator()
{
    cancel();
}

bool ExportSizeEstimator::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

void ExportSizeEstimator::cancel()
{
    if (!m_process)
        return;
    QProcess* old = m_process;
    m_process = nullptr;
    old->disconnect(this);
    if (old->state() != QProcess::NotRunning) {
        old->kill();
        old->waitForFinished(1000); // a dry run reads headers only; killed at once
    }
    old->deleteLater();
    emit runningChanged(false);
}

void ExportSizeEstimator::request(const QString& moecut, const QString& model, const QStringList& exportOptions,
                                  int keep)
{
    const QStringList args = QStringList{QStringLiteral("export"), QStringLiteral("gguf"), QStringLiteral("--model"),
                                         model} +
                             exportOptions + QStringList{QStringLiteral("--dry-run"), QStringLiteral("--json")};
    const QString key = moecut + QChar(0) + args.join(QChar(0));
    if (isRunning() && key == m_runningKey) {
        m_runningKeep = keep;
        return;
    }
    cancel();
    if (key == m_lastKey && !m_lastPlan.is_null()) {
        emit estimateAvailable(fromPlan(m_lastPlan, keep));
        return;
    }
    auto* process = new QProcess(this);
    m_process = process;
    m_runningKey = key;
    m_runningKeep = keep;
    connect(process, &QProcess::finished, this, [this, process, key] { finish(process, key); });
    connect(process, &QProcess::errorOccurred, this, [this, process, moecut](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart || process != m_process)
            return;
        m_process = nullptr;
        process->deleteLater();
        emit runningChanged(false);
        emit estimateFailed(tr("%1 could not be started: %2").arg(moecut, process->errorString()));
    });
    emit runningChanged(true);
    process->start(moecut, args);
}

void ExportSizeEstimator::finish(QProcess* process, const QString& key)
{
    const int keep = m_runningKeep;
    if (process != m_process)
        return;
    m_process = nullptr;
    process->deleteLater();
    emit runningChanged(false);
    const QByteArray out = process->readAllStandardOutput();
    if (process->exitStatus() != QProcess::NormalExit || process->exitCode() != 0) {
        QString message = QString::fromUtf8(process->readAllStandardError()).trimmed();
        message = message.section(QLatin1Char('\n'), -1); // the last line says why
        emit estimateFailed(message.isEmpty() ? tr("the export dry run failed (exit code %1)").arg(process->exitCode())
                                              : message);
        return;
    }
    auto plan = nlohmann::json::parse(out.constData(), out.constData() + out.size(), nullptr, false);
    if (plan.is_discarded() || !plan.is_object() || !plan.contains("tensors")) {
        emit estimateFailed(tr("the export dry run printed no plan"));
        return;
    }
    m_lastKey = key;
    m_lastPlan = std::move(plan);
    emit estimateAvailable(fromPlan(m_lastPlan, keep));
}

ExportSizeEstimate ExportSizeEstimator::fromPlan(const nlohmann::json& plan, int keep)
{
    ExportSizeEstimate e;
    e.architecture = QString::fromStdString(plan.value("architecture", std::string()));
    e.teacherBytes = plan.value("file_size", qint64(0));
    const int experts = expertCount(plan);
    if (keep > 0 && experts > 0 && keep < experts)
        e.keptFraction = static_cast<double>(keep) / experts;
    double removed = 0;
    const auto tensors = plan.find("tensors");
    if (tensors != plan.end() && tensors->is_array()) {
        for (const auto& t : *tensors) {
            ++e.tensors;
            const auto type = t.value("type", std::string());
            e.quantised += !type.empty() && (type[0] == 'q' || type[0] == 'Q');
            if (scalesWithExperts(t.value("name", std::string())))
                removed += static_cast<double>(t.value("nbytes", qint64(0))) * (1 - e.keptFraction);
        }
    }
    e.bytes = std::max<qint64>(0, e.teacherBytes - static_cast<qint64>(removed));
    return e;
}

QString ExportSizeEstimator::describe(const ExportSizeEstimate& e)
{
    const double mb = static_cast<double>(e.bytes) / (1024.0 * 1024.0);
    QString text = tr("~%1 MB, %2 of %3 tensors quantised")
                       .arg(QString::number(mb, 'f', mb < 10 ? 1 : 0))
                       .arg(e.quantised)
                       .arg(e.tensors);
    if (e.keptFraction < 1)
        text += QLatin1Char(' ') + tr("(teacher %1 MB scaled to the kept %2% of the experts)")
                                       .arg(QString::number(static_cast<double>(e.teacherBytes) / (1024.0 * 1024.0),
                                                            'f', 1))
                                       .arg(QString::number(100 * e.keptFraction, 'f', 0));
    return text;
}

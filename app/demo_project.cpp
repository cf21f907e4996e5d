#include "demo_project.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace demo {

namespace {

bool holdsModel(const QString& dir)
{
    return !dir.isEmpty() && QFileInfo::exists(dir + QStringLiteral("/models/tiny-glm5-moe/config.json"));
}

} // namespace

QString resourcesDir()
{
    const QString env = qEnvironmentVariable("MOECUT_RESOURCES");
    if (holdsModel(env))
        return QDir(env).absolutePath();
#ifdef MOECUT_SOURCE_RESOURCES
    if (holdsModel(QStringLiteral(MOECUT_SOURCE_RESOURCES)))
        return QStringLiteral(MOECUT_SOURCE_RESOURCES);
#endif
    const QString installed =
        QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("../share/moecut/resources"));
    if (holdsModel(installed))
        return QDir::cleanPath(installed);
    return {};
}

QString moecutBinary()
{
    const QString env = qEnvironmentVariable("MOECUT_BIN");
    if (!env.isEmpty())
        return env;
#ifdef MOECUT_BUILD_CLI
    if (QFileInfo(QStringLiteral(MOECUT_BUILD_CLI)).isExecutable())
        return QStringLiteral(MOECUT_BUILD_CLI);
#endif
    const QString beside = QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral("moecut"));
    if (QFileInfo(beside).isExecutable())
        return beside;
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("moecut"));
    return onPath.isEmpty() ? QStringLiteral("moecut") : onPath;
}

QString defaultProjectDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo-project");
}

moecut::ExperimentSettings settings(const QString& resources)
{
    const std::string r = resources.toStdString();
    moecut::ExperimentSettings s;
    s.name = "demo";
    s.model = r + "/models/tiny-glm5-moe";
    s.calibration = {{"code", r + "/corpus/calib_code.jsonl"}, {"knowledge", r + "/corpus/calib_knowledge.jsonl"}};
    s.seq_len = 256;
    s.max_tokens = 16384;
    s.keep = 21; // of 32: about two thirds, as scripts/demo.sh
    s.criterion = "reap";
    s.domain = "code";
    s.swap_domain = "knowledge";
    s.swaps = 2;
    s.probes = r + "/corpus/probes.jsonl";
    s.n = 48;
    s.cap = 192;
    s.batch_size = 16;
    s.grid_min_p = {0, 0.1};
    s.grid_rep_pen = {1, 1.1};
    // The full recipe, as scripts/demo.sh: Router-KD on the pruned model, then
    // the distilled model evaluated raw and at the grid's strongest guardrail.
    s.distillation.enabled = true;
    s.distillation.lr = 3e-4;
    s.distillation.steps = 200;
    s.distillation.batch = 4;
    s.distillation.eval_every = 50;
    return s;
}

} // namespace demo

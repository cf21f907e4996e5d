#include "project_session.h"

#include "job_controller.h"
#include "jobs_model.h"

#include "moecut/error.h"

#include <QDir>
#include <QFileInfo>

#include <cctype>

namespace {

std::filesystem::path toPath(const QString& s)
{
    return std::filesystem::path(s.toStdString());
}

// The number of a run folder "NN-step", or 0.
int runNumber(const std::string& name)
{
    int n = 0;
    std::size_t i = 0;
    for (; i < name.size() && i < 6 && std::isdigit(static_cast<unsigned char>(name[i])); ++i)
        n = n * 10 + (name[i] - '0');
    return i > 0 && i < name.size() && name[i] == '-' ? n : 0;
}

// argv without the value of --out, to compare two runs' commands.
std::vector<std::string> withoutOut(std::vector<std::string> argv)
{
    for (std::size_t i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == "--out")
            argv[i + 1].clear();
    return argv;
}

} // namespace

ProjectSession::ProjectSession(const QString& dir, const QString& moecut, QObject* parent)
    : QObject(parent)
    , m_dir(QDir::cleanPath(QFileInfo(dir).absoluteFilePath()))
    , m_moecut(moecut)
{
    const auto root = toPath(m_dir);
    std::filesystem::create_directories(root);
    const auto file = root / "project.sqlite";
    const bool hadStore = std::filesystem::exists(file);
    m_store = std::make_unique<moecut::ExperimentStore>(file);
    m_runner = std::make_unique<moecut::LocalJobRunner>(std::chrono::seconds(10), toPath(moecut));
    for (const auto& p : m_store->projects())
        if (p.dir == root)
            m_projectId = p.id;
    if (m_projectId == 0) {
        if (!hadStore && std::filesystem::exists(root / "project.json"))
            m_projectId = m_store->rebuild_project(root, *m_runner);
        else
            m_projectId = m_store->add_project(root, QFileInfo(m_dir).fileName().toStdString());
    }
    m_controller = std::make_unique<JobController>(*m_store, *m_runner);
    m_jobsModel = std::make_unique<JobsModel>(*m_controller);
}

ProjectSession::~ProjectSession()
{
    // The model listens to the controller; both go before the store.
    m_jobsModel.reset();
    m_controller.reset();
}

std::vector<moecut::Experiment> ProjectSession::experiments() const
{
    return m_store->experiments(m_projectId);
}

qint64 ProjectSession::experimentId(const QString& name) const
{
    for (const auto& e : experiments())
        if (e.name == name.toStdString())
            return e.id;
    return -1;
}

moecut::ExperimentSettings ProjectSession::settings(qint64 experimentId) const
{
    const auto e = m_store->experiment(experimentId);
    auto s = moecut::join_settings(e.plan, e.evaluation, m_store->file().string());
    s.name = e.name;
    s.model = e.model_dir;
    return s;
}

QString ProjectSession::experimentDir(qint64 experimentId) const
{
    return QString::fromStdString(m_store->experiment_dir(experimentId).string());
}

qint64 ProjectSession::saveExperiment(const moecut::ExperimentSettings& settings)
{
    const auto parts = moecut::split_settings(settings);
    moecut::Experiment e;
    e.name = settings.name;
    e.model_dir = settings.model;
    for (const auto& c : settings.calibration)
        e.calibration_files.push_back(c.file);
    e.plan = parts.plan;
    e.evaluation = parts.evaluation;
    qint64 id = experimentId(QString::fromStdString(settings.name));
    if (id < 0) {
        id = m_store->add_experiment(m_projectId, e);
    } else {
        e.id = id;
        e.project_id = m_projectId;
        m_store->update_experiment(e);
    }
    emit experimentsChanged();
    return id;
}

int ProjectSession::nextRunNumber(qint64 experimentId) const
{
    int highest = 0;
    for (const auto& j : m_store->jobs(experimentId))
        highest = std::max(highest, runNumber(j.run_dir.filename().string()));
    std::error_code ec;
    const auto runs = m_store->experiment_dir(experimentId) / "runs";
    for (std::filesystem::directory_iterator it(runs, ec), end; !ec && it != end; it.increment(ec))
        highest = std::max(highest, runNumber(it->path().filename().string()));
    return highest + 1;
}

std::optional<std::filesystem::path> ProjectSession::reusableTeacherRun(qint64 experimentId,
                                                                        const moecut::ExperimentSettings& s) const
{
    if (!s.eval_teacher || s.teacher_run)
        return s.teacher_run;
    return reusableOutput(experimentId, s, "eval-teacher");
}

std::optional<std::filesystem::path> ProjectSession::reusableTeacherCache(qint64 experimentId,
                                                                          const moecut::ExperimentSettings& s) const
{
    if (!s.distillation.enabled || s.distillation.teacher_cache)
        return s.distillation.teacher_cache;
    return reusableOutput(experimentId, s, "teacher-cache");
}

std::optional<std::filesystem::path> ProjectSession::reusableOutput(qint64 experimentId,
                                                                    const moecut::ExperimentSettings& s,
                                                                    const std::string& stepName) const
{
    const auto dir = m_store->experiment_dir(experimentId);
    auto fresh = s;
    fresh.plan_file = "-"; // the teacher's commands do not depend on the plan
    fresh.teacher_run.reset();
    fresh.distillation.teacher_cache.reset();
    for (const auto& step : moecut::recipe_steps(fresh, dir, m_moecut.toStdString())) {
        if (step.step != stepName)
            continue;
        const auto jobs = m_store->jobs(experimentId);
        for (auto it = jobs.rbegin(); it != jobs.rend(); ++it)
            if (it->step == stepName && it->state == moecut::JobState::Succeeded &&
                withoutOut(it->argv) == withoutOut(step.argv))
                return toPath(jobOutput(*it));
    }
    return std::nullopt;
}

std::vector<moecut::RecipeStep> ProjectSession::plannedSteps(const moecut::ExperimentSettings& settings) const
{
    const qint64 id = experimentId(QString::fromStdString(settings.name));
    if (id < 0) {
        const auto dir = toPath(m_dir) / "experiments" / settings.name;
        return moecut::recipe_steps(settings, dir, m_moecut.toStdString());
    }
    auto s = settings;
    s.teacher_run = reusableTeacherRun(id, settings);
    s.distillation.teacher_cache = reusableTeacherCache(id, settings);
    return moecut::recipe_steps(s, m_store->experiment_dir(id), m_moecut.toStdString(), nextRunNumber(id));
}

std::vector<qint64> ProjectSession::launch(const moecut::ExperimentSettings& settings)
{
    const auto problems = moecut::settings_problems(settings);
    if (!problems.empty())
        throw moecut::InputError(settings.name + ": " + problems.front());
    const qint64 id = saveExperiment(settings);
    const auto steps = plannedSteps(settings);
    std::vector<JobController::Step> chain;
    for (const auto& step : steps)
        chain.push_back({step.step, step.argv});
    const auto ids = m_controller->launchChain(id, chain);
    // The recipe named the run folders the store made; check, so a step never
    // writes into another step's folder.
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (m_store->job(ids[i]).run_dir.filename() != steps[i].folder)
            throw std::logic_error("run folder " + m_store->job(ids[i]).run_dir.string() + " is not " +
                                   steps[i].folder);
    return ids;
}

QString ProjectSession::jobOutput(const moecut::JobRecord& job)
{
    for (std::size_t i = 0; i + 1 < job.argv.size(); ++i)
        if (job.argv[i] == "--out")
            return QString::fromStdString(job.argv[i + 1]);
    return {};
}

QString ProjectSession::latestOutput(qint64 experimentId, const QString& step) const
{
    const auto jobs = m_store->jobs(experimentId);
    for (auto it = jobs.rbegin(); it != jobs.rend(); ++it)
        if (it->step == step.toStdString() && it->state == moecut::JobState::Succeeded)
            return jobOutput(*it);
    return {};
}

#include "job_controller.h"

#include "moecut/error.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>

namespace {

std::int64_t unixMsNow()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string stepLabel(const moecut::JobRecord& job)
{
    return job.run_dir.filename().string();
}

std::optional<double> lastProgress(const std::vector<nlohmann::json>& events)
{
    std::optional<double> fraction;
    for (const auto& e : events) {
        if (e.value("event", std::string()) != "progress")
            continue;
        if (e.contains("done") && e["done"].is_number() && e.contains("total") && e["total"].is_number()
            && e["total"].get<double>() > 0)
            fraction = std::clamp(e["done"].get<double>() / e["total"].get<double>(), 0.0, 1.0);
    }
    return fraction;
}

} // namespace

JobController::JobController(moecut::ExperimentStore& store, moecut::JobRunner& runner, QObject* parent)
    : QObject(parent), m_store(store), m_runner(runner)
{
    registerJobMetaTypes();
    // Reattach: follow each launched job from the offset the store holds; the
    // first poll reports what happened meanwhile.
    for (const auto& job : m_store.unfinished_jobs()) {
        if (!job.launched_unix_ms)
            continue;
        std::error_code ec;
        const auto logSize = std::filesystem::file_size(job.run_dir / "stderr.log", ec);
        m_followers.emplace(job.id, Active{m_runner.follow(job.run_dir, job.event_offset), job.state, ec ? 0 : logSize});
    }
    m_timer.setInterval(200);
    connect(&m_timer, &QTimer::timeout, this, &JobController::poll);
    m_timer.start();
}

JobController::~JobController() = default;

std::vector<qint64> JobController::launchChain(qint64 experimentId, const std::vector<Step>& steps,
                                               std::optional<qint64> after)
{
    m_store.experiment(experimentId); // throws for an unknown one
    std::vector<qint64> ids;
    std::optional<std::int64_t> previous = after;
    for (const auto& step : steps) {
        const auto id = m_store.add_job(experimentId, {step.name, step.argv, step.env, previous, step.folder});
        ids.push_back(id);
        previous = id;
    }
    emit jobsChanged();
    startWaiting();
    return ids;
}

std::vector<qint64> JobController::launchSteps(qint64 experimentId, const std::vector<Step>& steps)
{
    m_store.experiment(experimentId);
    for (std::size_t i = 0; i < steps.size(); ++i)
        if (steps[i].after && *steps[i].after >= i)
            throw moecut::InputError(fmt::format("step {} ({}) waits for step {}, which does not come before it", i,
                                                 steps[i].name, *steps[i].after));
    std::vector<qint64> ids;
    for (const auto& step : steps) {
        std::optional<std::int64_t> dependency;
        if (step.after)
            dependency = ids[*step.after];
        ids.push_back(m_store.add_job(experimentId, {step.name, step.argv, step.env, dependency, step.folder}));
    }
    emit jobsChanged();
    startWaiting();
    return ids;
}

void JobController::cancel(qint64 jobId)
{
    const auto job = m_store.job(jobId);
    if (moecut::is_final(job.state))
        return;
    if (job.launched_unix_ms) {
        try {
            m_runner.cancel(job.run_dir);
        } catch (const std::exception&) {
            // poll() reports what became of it (lost when the folder is gone).
        }
        return;
    }
    m_store.skip(jobId, moecut::JobState::Cancelled, "cancelled before it started");
    emit jobStateChanged(jobId, moecut::JobState::Cancelled);
    skipDependents(jobId, fmt::format("not run: step {} was cancelled", stepLabel(job)));
}

std::vector<nlohmann::json> JobController::replayEvents(qint64 jobId) const
{
    const auto job = m_store.job(jobId);
    const auto path = m_runner.follow(job.run_dir, 0).path();
    std::ifstream in(path, std::ios::binary);
    std::string data(job.event_offset, '\0');
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    std::vector<nlohmann::json> events;
    std::size_t begin = 0;
    for (std::size_t nl; (nl = data.find('\n', begin)) != std::string::npos; begin = nl + 1) {
        auto j = nlohmann::json::parse(data.begin() + static_cast<std::ptrdiff_t>(begin),
                                       data.begin() + static_cast<std::ptrdiff_t>(nl), nullptr, false);
        if (!j.is_discarded() && j.is_object())
            events.push_back(std::move(j));
    }
    return events;
}

std::vector<qint64> JobController::activeJobs() const
{
    std::vector<qint64> ids;
    for (const auto& [id, active] : m_followers)
        ids.push_back(id);
    return ids;
}

void JobController::poll()
{
    std::vector<qint64> ids = activeJobs();
    for (qint64 id : ids)
        pollJob(id);
    startWaiting();
}

void JobController::pollJob(qint64 id)
{
    auto it = m_followers.find(id);
    if (it == m_followers.end())
        return;
    const auto job = m_store.job(id);
    moecut::JobStatus status;
    try {
        status = m_runner.poll(job.run_dir);
    } catch (const std::exception& e) {
        status.state = moecut::JobState::Lost;
        status.message = e.what();
    }
    // After the status: a final status means every event is in the file.
    deliverStderr(id, job.run_dir, it->second);
    deliverEvents(id, it->second.follower);
    if (moecut::is_final(status.state)) {
        finish(id, status);
    } else if (status.state != it->second.state) {
        it->second.state = status.state;
        m_store.set_status(id, status);
        emit jobStateChanged(id, status.state);
    }
}

void JobController::deliverEvents(qint64 id, moecut::EventFollower& follower)
{
    const auto before = follower.offset();
    const auto batch = follower.read();
    if (batch.events.empty() && batch.offset == before)
        return;
    m_store.record_events(id, batch.events, batch.offset);
    if (batch.events.empty())
        return;
    emit eventsAvailable(id, batch.events);
    if (const auto fraction = lastProgress(batch.events))
        emit jobProgressChanged(id, *fraction);
}

void JobController::deliverStderr(qint64 id, const std::filesystem::path& runDir, Active& active)
{
    std::ifstream in(runDir / "stderr.log", std::ios::binary);
    if (!in)
        return;
    in.seekg(static_cast<std::streamoff>(active.stderrOffset));
    std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (chunk.empty())
        return;
    active.stderrOffset += chunk.size();
    emit stderrAvailable(id, QByteArray(chunk.data(), static_cast<qsizetype>(chunk.size())));
}

void JobController::finish(qint64 id, const moecut::JobStatus& status)
{
    const auto job = m_store.job(id);
    m_store.set_status(id, status);
    m_followers.erase(id);
    emit jobStateChanged(id, status.state);
    if (status.state != moecut::JobState::Succeeded)
        skipDependents(id, fmt::format("not run: step {} ended {}", stepLabel(job), moecut::to_string(status.state)));
}

void JobController::skipDependents(qint64 id, const std::string& why)
{
    for (const auto dependent : m_store.dependents(id)) {
        const auto job = m_store.job(dependent);
        if (job.state != moecut::JobState::Queued || job.launched_unix_ms)
            continue;
        m_store.skip(dependent, moecut::JobState::Cancelled, why);
        emit jobStateChanged(dependent, moecut::JobState::Cancelled);
        skipDependents(dependent, why);
    }
}

void JobController::startWaiting()
{
    for (const auto& listed : m_store.unfinished_jobs()) {
        const auto job = m_store.job(listed.id); // an earlier launch in this loop may have ended it
        if (job.launched_unix_ms || job.state != moecut::JobState::Queued)
            continue;
        if (!job.depends_on) {
            launch(job);
            continue;
        }
        const auto dep = m_store.job(*job.depends_on);
        if (dep.state == moecut::JobState::Succeeded) {
            launch(job);
        } else if (moecut::is_final(dep.state)) {
            // The dependency ended while no controller watched (or before
            // this job was queued after it).
            const auto why = fmt::format("not run: step {} ended {}", stepLabel(dep), moecut::to_string(dep.state));
            m_store.skip(job.id, moecut::JobState::Cancelled, why);
            emit jobStateChanged(job.id, moecut::JobState::Cancelled);
            skipDependents(job.id, why);
        }
    }
}

void JobController::launch(const moecut::JobRecord& job)
{
    m_store.set_launched(job.id, unixMsNow());
    try {
        m_runner.launch(moecut::JobSpec{job.argv, job.env, job.run_dir});
    } catch (const std::exception& e) {
        moecut::JobStatus status;
        status.state = moecut::JobState::Failed;
        status.message = std::string("cannot start: ") + e.what();
        status.ended_unix_ms = unixMsNow();
        m_store.set_status(job.id, status);
        emit launchFailed(job.id, QString::fromStdString(status.message));
        emit jobStateChanged(job.id, status.state);
        skipDependents(job.id, fmt::format("not run: step {} could not start", stepLabel(job)));
        return;
    }
    m_followers.emplace(job.id, Active{m_runner.follow(job.run_dir, 0), moecut::JobState::Queued});
    pollJob(job.id);
}

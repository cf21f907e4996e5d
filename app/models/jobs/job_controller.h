// Runs the steps of experiments as jobs and keeps the store up to date.
//
//   moecut::ExperimentStore store(projectDir / "project.sqlite");
//   moecut::LocalJobRunner runner(std::chrono::seconds(10), moecutBinary);
//   JobController jobs(store, runner);            // reattaches to what was running
//   auto ids = jobs.launchChain(experimentId, {{"saliency", argv1}, {"plan", argv2}});
//   connect(&jobs, &JobController::eventsAvailable, monitor, &MonitorSession::onEventsAvailable);
//
// A chain is a list of steps; step N+1 is queued with depends_on = step N and
// launched only once step N succeeded. When a step ends failed, cancelled or
// lost, every step after it ends cancelled without running, with a message
// naming the step that stopped the chain.
//
// Every pollInterval (200 ms) the controller polls each running job through
// the runner, reads the new complete lines of its events.jsonl from the
// stored byte offset, stores metrics, artifacts, progress and the new offset
// (one transaction per batch) and then emits eventsAvailable; a state change
// is stored and then emitted as jobStateChanged.
//
// Constructed over a store that has unfinished jobs (the app was closed or
// crashed), it re-emits nothing that was read before: on its first poll it
// goes on from each job's saved offset, so eventsAvailable carries only what
// was written meanwhile; replayEvents() gives the whole history up to that
// offset for a monitor that opens later. Jobs whose process vanished come
// out lost (the runner's rule), chains whose step finished meanwhile go on,
// and a step queued but never handed to the runner (the app closed while it
// waited for its dependency, or between queueing and launching) is launched
// when its dependency succeeded (or it has none) and ends cancelled when the
// dependency did not: no job stays queued for ever.
//
// Qt Core only; the store and the runner belong to the caller and must
// outlive the controller. Destroying the controller leaves the jobs running.
#pragma once

#include "job_metatypes.h"

#include "moecut/experiment_store.h"
#include "moecut/job_runner.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <map>
#include <optional>
#include <string>
#include <vector>

class JobController : public QObject
{
    Q_OBJECT

public:
    struct Step {
        std::string name;               // saliency, plan, prune, eval, sweep, report, ...
        std::vector<std::string> argv;  // argv[0] looked up on PATH
        std::vector<std::string> env = {}; // "KEY=VALUE" additions
        std::string folder = {};        // run folder "NN-step"; empty: the store numbers it
        // launchSteps only: the index (in steps, lower than this step's) of
        // the step it waits for; none: it may start at once.
        std::optional<std::size_t> after = {};
    };

    JobController(moecut::ExperimentStore& store, moecut::JobRunner& runner, QObject* parent = nullptr);
    ~JobController() override;

    moecut::ExperimentStore& store() { return m_store; }
    moecut::JobRunner& runner() { return m_runner; }

    // Queues steps as a chain, each waiting for the one before it (the first
    // for `after` when given, e.g. a job of an earlier chain; Step::after is
    // not used) and launches the first when it may start.
    // Returns the job ids in order. Throws moecut::InputError for a bad step
    // or an unknown experiment.
    std::vector<qint64> launchChain(qint64 experimentId, const std::vector<Step>& steps,
                                    std::optional<qint64> after = std::nullopt);
    // Queues steps that wait as their Step::after says (a tree, e.g.
    // moecut::recipe_steps(): folder and after map one to one) and launches
    // those that may start. Returns the job ids in order. InputError for an
    // `after` that does not name an earlier step, or a taken folder.
    std::vector<qint64> launchSteps(qint64 experimentId, const std::vector<Step>& steps);
    // A running job: asks the runner to stop it (SIGTERM, SIGKILL after the
    // grace period); it ends cancelled on a later poll. A job waiting in its
    // chain ends cancelled at once. The steps after it end cancelled.
    void cancel(qint64 jobId);
    // The job's events from the start of events.jsonl up to the offset the
    // store holds (what eventsAvailable has delivered so far): together with
    // the later eventsAvailable signals, every event exactly once.
    std::vector<nlohmann::json> replayEvents(qint64 jobId) const;

    int pollInterval() const { return m_timer.interval(); }
    void setPollInterval(int ms) { m_timer.setInterval(ms); }
    // Jobs this controller follows or will launch (not final).
    std::vector<qint64> activeJobs() const;

public slots:
    // One round: poll running jobs, deliver their events, launch or cancel
    // waiting steps. Called by the timer; callable directly.
    void poll();

signals:
    void eventsAvailable(qint64 jobId, const std::vector<nlohmann::json>& events);
    void jobStateChanged(qint64 jobId, moecut::JobState state);
    // done/total of the job's last progress event, in [0, 1].
    void jobProgressChanged(qint64 jobId, double fraction);
    // New bytes of the job's stderr.log (its stdout and stderr), as written;
    // a reattached controller starts at the end of what was there.
    void stderrAvailable(qint64 jobId, const QByteArray& chunk);
    // Jobs were added to the store (launchChain).
    void jobsChanged();
    // The runner could not start the job (it ends failed with this message).
    void launchFailed(qint64 jobId, const QString& message);

private:
    void pollJob(qint64 id);
    void deliverEvents(qint64 id, moecut::EventFollower& follower);
    void startWaiting();
    void launch(const moecut::JobRecord& job);
    void finish(qint64 id, const moecut::JobStatus& status);
    void skipDependents(qint64 id, const std::string& why);

    moecut::ExperimentStore& m_store;
    moecut::JobRunner& m_runner;
    QTimer m_timer;
    struct Active {
        moecut::EventFollower follower;
        moecut::JobState state;
        std::uint64_t stderrOffset = 0;
    };
    void deliverStderr(qint64 id, const std::filesystem::path& runDir, Active& active);
    std::map<qint64, Active> m_followers; // launched jobs that are not final
};

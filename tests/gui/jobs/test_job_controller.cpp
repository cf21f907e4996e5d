// JobController with real jobs (shell steps under the moecut supervisor) and a
// real store: chains in order and stopped by a failure, reattach by a new
// controller that gets only what was written meanwhile, chains continued
// after a restart, cancel, lost, a runner that cannot start.
#include "gui_test_support.h"
#include "job_controller.h"
#include "job_test_project.h"

#include "moecut/error.h"

#include <QSignalSpy>

#include <signal.h>

using jobtest::logLine;
using jobtest::sh;
using jobtest::waitFor;
using moecut::JobState;

namespace {

// The messages of the log events in events.
QStringList messages(const std::vector<nlohmann::json>& events)
{
    QStringList out;
    for (const auto& e : events)
        if (e.value("event", std::string()) == "log")
            out << QString::fromStdString(e.value("message", std::string()));
    return out;
}

// Every event delivered for jobId by the spy's eventsAvailable signals.
std::vector<nlohmann::json> delivered(const QSignalSpy& spy, qint64 jobId)
{
    std::vector<nlohmann::json> out;
    for (const auto& args : spy)
        if (args.at(0).value<qint64>() == jobId)
            for (const auto& e : args.at(1).value<std::vector<nlohmann::json>>())
                out.push_back(e);
    return out;
}

JobState stateOf(const jobtest::Project& p, qint64 id) { return p.store->job(id).state; }

} // namespace

class TestJobController : public QObject
{
    Q_OBJECT

private slots:
    void chainRunsStepsInOrder()
    {
        jobtest::Project p;
        JobController jobs(*p.store, p.runner);
        QSignalSpy events(&jobs, &JobController::eventsAvailable);
        QSignalSpy states(&jobs, &JobController::jobStateChanged);
        QSignalSpy progress(&jobs, &JobController::jobProgressChanged);
        QSignalSpy output(&jobs, &JobController::stderrAvailable);
        const auto mark = p.file("first-done");
        const auto ids = jobs.launchChain(
            p.experiment,
            {{"saliency", sh(logLine("one") + "printf '{\"event\":\"progress\",\"done\":1,\"total\":4}\\n' >> "
                             "\"$MOECUT_EVENTS\"; printf '{\"event\":\"metric\",\"name\":\"loss\",\"value\":0.5,"
                             "\"step\":1}\\n' >> \"$MOECUT_EVENTS\"; sleep 0.2; touch '" + mark.string() + "'")},
             {"plan", sh("test -e '" + mark.string() + "' || exit 9; echo plan-output >&2; " + logLine("two") +
                         "sleep 0.1")},
             {"prune", sh(logLine("three") + "sleep 0.1")}});
        QCOMPARE(ids.size(), size_t(3));
        QCOMPARE(stateOf(p, ids[0]), JobState::Running); // launched at once
        QCOMPARE(stateOf(p, ids[1]), JobState::Queued);
        QVERIFY(!std::filesystem::exists(p.store->job(ids[1]).run_dir / "job.json"));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, ids[2]), JobState::Succeeded, 10000);
        QCOMPARE(stateOf(p, ids[0]), JobState::Succeeded);
        QCOMPARE(stateOf(p, ids[1]), JobState::Succeeded);
        QCOMPARE(messages(delivered(events, ids[0])), QStringList{QStringLiteral("one")});
        QCOMPARE(messages(delivered(events, ids[1])), QStringList{QStringLiteral("two")});
        QCOMPARE(delivered(events, ids[2]).back().value("state", std::string()), std::string("succeeded"));
        // Each job: running, then succeeded, in chain order.
        QList<QPair<qint64, JobState>> seen;
        for (const auto& a : states)
            seen.append({a.at(0).value<qint64>(), a.at(1).value<JobState>()});
        const QList<QPair<qint64, JobState>> expected{{ids[0], JobState::Running}, {ids[0], JobState::Succeeded},
                                                      {ids[1], JobState::Running}, {ids[1], JobState::Succeeded},
                                                      {ids[2], JobState::Running}, {ids[2], JobState::Succeeded}};
        QCOMPARE(seen, expected);
        QByteArray planOutput;
        for (const auto& a : output)
            if (a.at(0).value<qint64>() == ids[1])
                planOutput += a.at(1).toByteArray();
        QCOMPARE(planOutput, QByteArrayLiteral("plan-output\n"));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.first().at(1).toDouble(), 0.25);
        // The store holds what the events said, and the offset is the file's end.
        const auto first = p.store->job(ids[0]);
        QCOMPARE(p.store->metrics(ids[0]).size(), size_t(1));
        QCOMPARE(first.progress, std::optional<double>(0.25));
        QCOMPARE(first.event_offset, std::filesystem::file_size(first.run_dir / "events.jsonl"));
        QCOMPARE(jobs.replayEvents(ids[0]).size(), delivered(events, ids[0]).size());
        QVERIFY(jobs.activeJobs().empty());
    }

    void failedStepCancelsTheRest()
    {
        jobtest::Project p;
        JobController jobs(*p.store, p.runner);
        const auto ids = jobs.launchChain(p.experiment, {{"saliency", sh("exit 3")},
                                                         {"plan", sh("true")},
                                                         {"prune", sh("true")}});
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, ids[2]), JobState::Cancelled, 10000);
        QCOMPARE(stateOf(p, ids[0]), JobState::Failed);
        QCOMPARE(p.store->job(ids[0]).exit_code, std::optional<int>(3));
        QCOMPARE(stateOf(p, ids[1]), JobState::Cancelled);
        const auto message = p.store->job(ids[1]).message;
        QVERIFY2(message.find("01-saliency") != std::string::npos && message.find("failed") != std::string::npos,
                 message.c_str());
        for (auto id : {ids[1], ids[2]}) {
            QVERIFY(!std::filesystem::exists(p.store->job(id).run_dir / "job.json")); // never ran
            QVERIFY(std::filesystem::exists(p.store->job(id).run_dir / "skipped.json"));
        }
    }

    void newControllerReattachesAndGoesOnFromTheOffset()
    {
        jobtest::Project p;
        const auto go = p.file("go"), go2 = p.file("go2");
        qint64 id = 0;
        QStringList before;
        {
            JobController first(*p.store, p.runner);
            QSignalSpy events(&first, &JobController::eventsAvailable);
            id = first.launchChain(p.experiment, {{"eval", sh(logLine("1") + logLine("2") + waitFor(go) +
                                                              logLine("3") + logLine("4") + waitFor(go2) +
                                                              logLine("5"))}})[0];
            QTRY_COMPARE(messages(delivered(events, id)).size(), 2);
            before = messages(delivered(events, id));
        } // the app closes; the job goes on
        QCOMPARE(stateOf(p, id), JobState::Running);
        const auto saved = p.store->job(id).event_offset;
        p.touch("go");
        // Lines 3 and 4 are written while no controller runs.
        const auto events_file = p.store->job(id).run_dir / "events.jsonl";
        QTRY_VERIFY(moecut::EventFollower(events_file, saved).read().events.size() == 2);

        p.store = std::make_unique<moecut::ExperimentStore>(p.dir / "project.sqlite"); // a new app
        JobController second(*p.store, p.runner);
        QSignalSpy events(&second, &JobController::eventsAvailable);
        QSignalSpy states(&second, &JobController::jobStateChanged);
        QCOMPARE(second.activeJobs(), std::vector<qint64>{id});
        QVERIFY(events.isEmpty()); // nothing re-emitted at construction
        second.poll();
        QCOMPARE(messages(delivered(events, id)), (QStringList{QStringLiteral("3"), QStringLiteral("4")}));
        QVERIFY(states.isEmpty()); // still running: no state change to report
        QCOMPARE(messages(second.replayEvents(id)),
                 (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4")}));
        p.touch("go2");
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, id), JobState::Succeeded, 10000);
        QCOMPARE(before + messages(delivered(events, id)),
                 (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4"),
                              QStringLiteral("5")}));
        QCOMPARE(states.size(), 1);
        QCOMPARE(states.first().at(1).value<JobState>(), JobState::Succeeded);
    }

    void restartContinuesAPendingChain()
    {
        jobtest::Project p;
        const auto go = p.file("go");
        std::vector<qint64> ids;
        {
            JobController first(*p.store, p.runner);
            ids = first.launchChain(p.experiment, {{"saliency", sh(waitFor(go))}, {"plan", sh(logLine("plan ran"))}});
        }
        // A step queued by an app that closed before launching it, no dependency.
        const auto lone = p.store->add_job(p.experiment, {"report", sh(logLine("report ran")), {}, std::nullopt});
        p.touch("go");
        const auto first_run = p.store->job(ids[0]).run_dir;
        QTRY_VERIFY(std::filesystem::exists(first_run / "exit_status.json")); // step 1 ended while the app was closed
        QCOMPARE(stateOf(p, ids[1]), JobState::Queued);

        JobController second(*p.store, p.runner);
        QSignalSpy events(&second, &JobController::eventsAvailable);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, ids[1]), JobState::Succeeded, 10000);
        QCOMPARE(stateOf(p, ids[0]), JobState::Succeeded);
        QCOMPARE(messages(delivered(events, ids[1])), QStringList{QStringLiteral("plan ran")});
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, lone), JobState::Succeeded, 10000);
    }

    void stepsWaitAsTheirAfterSays()
    {
        jobtest::Project p;
        JobController jobs(*p.store, p.runner);
        using Step = JobController::Step;
        QVERIFY_THROWS_EXCEPTION(moecut::InputError,
                                 jobs.launchSteps(p.experiment, {Step{"plan", sh("true"), {}, {}, std::size_t(0)}}));
        const auto go = p.file("go");
        const auto ids = jobs.launchSteps(p.experiment,
                                          {Step{"saliency", sh(waitFor(go) + "exit 2"), {}, "05-saliency", {}},
                                           Step{"plan", sh("true"), {}, "06-plan", std::size_t(0)},
                                           Step{"eval-teacher", sh("true"), {}, "07-eval-teacher", {}},
                                           Step{"prune", sh("true"), {}, "08-prune", std::size_t(1)}});
        QCOMPARE(p.store->job(ids[0]).run_dir.filename().string(), std::string("05-saliency"));
        QCOMPARE(p.store->job(ids[3]).depends_on, std::optional<std::int64_t>(ids[1]));
        QCOMPARE(p.store->next_run_number(p.experiment), 9);
        // The teacher's evaluation waits for nothing: it runs while saliency waits.
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, ids[2]), JobState::Succeeded, 10000);
        QCOMPARE(stateOf(p, ids[0]), JobState::Running);
        QCOMPARE(stateOf(p, ids[1]), JobState::Queued);
        p.touch("go");
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, ids[3]), JobState::Cancelled, 10000);
        QCOMPARE(stateOf(p, ids[0]), JobState::Failed);
        QCOMPARE(stateOf(p, ids[1]), JobState::Cancelled);
        QVERIFY(p.store->job(ids[3]).message.find("05-saliency") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(moecut::InputError,
                                 jobs.launchSteps(p.experiment, {Step{"plan", sh("true"), {}, "06-plan", {}}}));
    }

    void cancelTermsThenKillsAndCancelsTheRest()
    {
        jobtest::Project p;
        JobController jobs(*p.store, p.runner); // grace 300 ms
        QSignalSpy events(&jobs, &JobController::eventsAvailable);
        const auto ids = jobs.launchChain(
            p.experiment, {{"sweep", sh("trap '' TERM; " + logLine("ready") + "while :; do sleep 0.05; done")},
                           {"report", sh("true")}});
        QTRY_VERIFY(messages(delivered(events, ids[0])).contains(QStringLiteral("ready")));
        jobs.cancel(ids[0]);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, ids[0]), JobState::Cancelled, 10000);
        QCOMPARE(p.store->job(ids[0]).signal, std::optional<int>(SIGKILL)); // TERM was ignored
        QCOMPARE(stateOf(p, ids[1]), JobState::Cancelled);
        QVERIFY(!std::filesystem::exists(p.store->job(ids[1]).run_dir / "job.json"));

        // A step waiting in its chain is cancelled at once.
        const auto more = jobs.launchChain(p.experiment, {{"eval", sh(waitFor(p.file("never")))}, {"report", sh("true")}});
        jobs.cancel(more[1]);
        QCOMPARE(stateOf(p, more[1]), JobState::Cancelled);
        jobs.cancel(more[0]);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, more[0]), JobState::Cancelled, 10000);
    }

    void killedWithItsSupervisorIsLost()
    {
        jobtest::Project p;
        JobController jobs(*p.store, p.runner);
        const auto ids = jobs.launchChain(p.experiment, {{"prune", sh("exec sleep 30")}, {"eval", sh("true")}});
        const auto run = p.store->job(ids[0]).run_dir;
        QTRY_VERIFY(std::filesystem::exists(run / "pid"));
        const auto pid = nlohmann::json::parse(std::ifstream(run / "pid"));
        QCOMPARE(::kill(pid["supervisor_pid"].get<pid_t>(), SIGKILL), 0);
        ::kill(-pid["pid"].get<pid_t>(), SIGKILL);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p, ids[0]), JobState::Lost, 10000);
        QVERIFY(!std::filesystem::exists(run / "exit_status.json"));
        QVERIFY(p.store->job(ids[0]).message.find("supervisor") != std::string::npos);
        QCOMPARE(stateOf(p, ids[1]), JobState::Cancelled);
        QVERIFY(p.store->job(ids[1]).message.find("lost") != std::string::npos);
    }

    void runnerThatCannotStartFailsTheJob()
    {
        jobtest::Project p;
        moecut::LocalJobRunner broken(std::chrono::milliseconds(300), "/no/such/moecut");
        JobController jobs(*p.store, broken);
        QSignalSpy failed(&jobs, &JobController::launchFailed);
        const auto ids = jobs.launchChain(p.experiment, {{"plan", sh("true")}, {"prune", sh("true")}});
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("cannot start")));
        QCOMPARE(stateOf(p, ids[0]), JobState::Failed);
        QCOMPARE(stateOf(p, ids[1]), JobState::Cancelled);
    }
};

MOECUT_GUITEST_MAIN(TestJobController)
#include "test_job_controller.moc"

// The live monitor's models under QAbstractItemModelTester: progress with a
// throughput average and ETA from the events' times, metric points with
// their intervals, the log (events and stderr text) and its search; and a
// recorded events.jsonl of a real `moecut eval` (data/README.md).
#include "gui_test_support.h"

#include "log_filter_model.h"
#include "log_model.h"
#include "metric_series_model.h"
#include "monitor_progress_model.h"
#include "monitor_session.h"

#include "moecut/job_events.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include <cmath>

using nlohmann::json;

namespace {

json progress(double t, quint64 done, quint64 total, const char* step = "eval", const char* current = nullptr)
{
    json e = {{"event", "progress"}, {"step", step}, {"done", done}, {"total", total}, {"t", t}, {"unit", "samples"}};
    if (current)
        e["current"] = current;
    return e;
}

json metric(const char* name, double value, double lo, double hi, double step, const char* run = "r")
{
    return {{"event", "metric"}, {"name", name}, {"value", value}, {"lo", lo}, {"hi", hi}, {"n", step}, {"step", step}, {"run", run}, {"t", 1000.0 + step}};
}

json log(const char* level, const char* message, double t = 1000)
{
    return {{"event", "log"}, {"level", level}, {"message", message}, {"t", t}};
}

} // namespace

class TestMonitorModels : public QObject
{
    Q_OBJECT

private slots:
    void progressThroughputAndEtaFromEventTimes()
    {
        JobProgressModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &JobProgressModel::progressChanged);
        QCOMPARE(model.etaSeconds().has_value(), false);
        model.appendEvents({{{"event", "start"}, {"version", 1}, {"t", 995.0}}, progress(1000, 0, 100)});
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(!model.etaSeconds()); // no rate yet
        model.appendEvents({progress(1010, 10, 100), progress(1020, 20, 100, "eval", "code/p-3")});
        // A steady 1 unit/s: the average is exactly that, 80 units left.
        QCOMPARE(model.throughput(), 1.0);
        QVERIFY(model.etaSeconds());
        QCOMPARE(*model.etaSeconds(), 80.0);
        QCOMPARE(model.fraction(), 0.2);
        QCOMPARE(model.currentItem(), QStringLiteral("code/p-3"));
        QCOMPARE(model.unit(), QStringLiteral("samples"));
        QCOMPARE(model.elapsedSeconds(), 25.0); // from the start event
        // Twice as fast for 10 s: the average moves by 1 - exp(-10/10) of the way.
        model.appendEvents({progress(1030, 40, 100)});
        const double expected = 1.0 + (1.0 - std::exp(-1.0)) * 1.0;
        QVERIFY(std::abs(model.throughput() - expected) < 1e-9);
        QVERIFY(std::abs(*model.etaSeconds() - 60.0 / expected) < 1e-9);
        QCOMPARE(model.index(0, JobProgressModel::EtaColumn).data().toString(), QStringLiteral("0:37"));
        QVERIFY(!model.index(0, JobProgressModel::ThroughputColumn).data().toString().isEmpty());
        // Two events at one instant do not divide by zero.
        model.appendEvents({progress(1030, 41, 100)});
        QVERIFY(std::isfinite(model.throughput()));
        model.appendEvents({progress(1031, 100, 100)});
        QCOMPARE(*model.etaSeconds(), 0.0);
        QCOMPARE(model.fraction(), 1.0);
        QVERIFY(changed.count() >= 5);
    }

    void progressRowsPerStepAndRestart()
    {
        JobProgressModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendEvents({progress(1, 0, 4, "saliency"), progress(2, 4, 4, "saliency"), progress(3, 0, 6, "eval"),
                            progress(4, 6, 6, "eval"), progress(5, 0, 6, "eval") /* the next sweep cell */});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, JobProgressModel::StepColumn).data().toString(), QStringLiteral("saliency"));
        QCOMPARE(model.index(1, 0).data(JobProgressModel::DoneRole).toULongLong(), 6ull);
        QCOMPARE(model.done(), 0ull);
        QCOMPARE(model.total(), 6ull);
        model.appendEvents({{{"event", "artifact"}, {"kind", "results"}, {"path", "/r/results.json"}},
                            {{"event", "status"}, {"state", "succeeded"}, {"exit_code", 0}},
                            {{"event", "progress"}, {"step", "eval"}}, // no done: skipped
                            json::array(), json("not an object")});
        QCOMPARE(model.state(), QStringLiteral("succeeded"));
        QCOMPARE(model.artifacts().size(), 1);
        QCOMPARE(model.artifacts().first().second, QStringLiteral("/r/results.json"));
        QCOMPARE(model.rowCount(), 3);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.state(), QString());
    }

    void metricPointsWithIntervals()
    {
        MetricSeriesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy names(&model, &MetricSeriesModel::namesChanged);
        model.appendEvents({metric("loop_rate", 0.5, 0.01, 0.99, 2), metric("eos_rate", 0.5, 0.01, 0.99, 2),
                            log("info", "ignored"), metric("loop_rate", 0.25, 0.03, 0.65, 8)});
        model.appendEvents({metric("loop_rate", 0.2, 0.1, 0.3, 3, "cell-b"),
                            {{"event", "metric"}, {"name", "mean_tokens"}, {"value", 12.5}},
                            {{"event", "metric"}, {"name", "mean_tokens"}, {"value", 13.5}},
                            {{"event", "metric"}, {"name", "bad"}, {"value", "x"}}});
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.names(), (QStringList{QStringLiteral("loop_rate"), QStringLiteral("eos_rate"), QStringLiteral("mean_tokens")}));
        QCOMPARE(names.count(), 2);
        QCOMPARE(model.runs(QStringLiteral("loop_rate")), (QStringList{QStringLiteral("r"), QStringLiteral("cell-b")}));
        QCOMPARE(model.lastRun(QStringLiteral("loop_rate")), QStringLiteral("cell-b"));
        const auto r = model.series(QStringLiteral("loop_rate"), QStringLiteral("r"));
        QCOMPARE(r.size(), std::size_t(2));
        QCOMPARE(r[1].step, 8.0);
        QCOMPARE(r[1].lo, 0.03);
        QCOMPARE(r[1].hi, 0.65);
        QVERIFY(r[1].hasInterval);
        const auto len = model.series(QStringLiteral("mean_tokens"), QString());
        QCOMPARE(len.size(), std::size_t(2));
        QCOMPARE(len[1].step, 2.0); // no step: the point's number in its series
        QVERIFY(!len[1].hasInterval);
        QCOMPARE(model.index(1, MetricSeriesModel::HighColumn).data(MetricSeriesModel::NumberRole).toDouble(), 0.99);
        QVERIFY(!model.index(4, MetricSeriesModel::LowColumn).data().isValid());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.names().isEmpty());
    }

    void logFromEventsAndStderr()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendEvents({log("warning", "disk almost full"), progress(1, 1, 2),
                            {{"event", "status"}, {"state", "failed"}, {"exit_code", 2}},
                            {{"event", "artifact"}, {"kind", "plan"}, {"path", "/x/plan.json"}}});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0).data(LogModel::LevelRole).toInt(), int(LogModel::Level::Warning));
        QCOMPARE(model.index(1).data(LogModel::LevelRole).toInt(), int(LogModel::Level::Error));
        QVERIFY(model.index(1).data(LogModel::MessageRole).toString().contains(QStringLiteral("2")));
        QVERIFY(model.index(2).data(LogModel::MessageRole).toString().contains(QStringLiteral("/x/plan.json")));
        // stderr in arbitrary chunks: whole lines only; moecut's JSON progress lines and blank lines left out.
        model.appendStderrText(QByteArrayLiteral("loading model\n{\"event\":\"progress\",\"step\":\"eval\",\"done\":1,\"total\":2}\nerror: bo"));
        QCOMPARE(model.rowCount(), 4);
        model.appendStderrText(QByteArrayLiteral("om\n\nbar 10%\rbar 100%\n"));
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.index(4).data(LogModel::MessageRole).toString(), QStringLiteral("error: boom"));
        QCOMPARE(model.index(4).data(LogModel::LevelRole).toInt(), int(LogModel::Level::Error));
        QCOMPARE(model.index(4).data(LogModel::SourceRole).toString(), QStringLiteral("stderr"));
        QCOMPARE(model.index(5).data().toString(), QStringLiteral("bar 100%"));
        // The newest lines are kept.
        model.setMaxRows(4);
        QCOMPARE(model.rowCount(), 4);
        std::vector<json> many;
        for (int i = 0; i < 10; ++i)
            many.push_back(log("info", "line", 1000 + i));
        many.back()["message"] = "the last";
        model.appendEvents(many);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.index(3).data(LogModel::MessageRole).toString(), QStringLiteral("the last"));
    }

    void logSearchAndLevel()
    {
        LogModel model;
        LogFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.appendEvents({log("info", "eval run: 4 samples"), log("debug", "Loaded Tokenizer"),
                            log("warning", "tokenizer: unknown byte"), log("error", "EVAL failed")});
        QCOMPARE(filter.rowCount(), 4);
        filter.setSearchText(QStringLiteral("tokenizer"));
        QCOMPARE(filter.rowCount(), 2);
        filter.setMinimumLevel(LogModel::Level::Warning);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, 0).data(LogModel::MessageRole).toString(), QStringLiteral("tokenizer: unknown byte"));
        filter.setSearchText(QStringLiteral("eval"));
        QCOMPARE(filter.rowCount(), 1); // "EVAL failed": case-insensitive, at or above warning
        filter.setMinimumLevel(LogModel::Level::Debug);
        QCOMPARE(filter.rowCount(), 2);
        model.appendEvents({log("info", "eval done")});
        QCOMPARE(filter.rowCount(), 3); // new lines are filtered as they land
        filter.setSearchText(QString());
        QCOMPARE(filter.rowCount(), 5);
    }

    // data/eval_events.jsonl: a real `moecut eval` of the demo model, 6 samples (data/README.md).
    void recordedEvalRun()
    {
        const QString path = QFINDTESTDATA("data/eval_events.jsonl");
        QVERIFY(!path.isEmpty());
        MonitorSession whole;
        QAbstractItemModelTester t1(whole.progress(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(whole.metrics(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(whole.log(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(whole.appendEventsFile(path));
        QVERIFY(!whole.appendEventsFile(path + QStringLiteral(".missing")));

        const JobProgressModel& p = *whole.progress();
        QCOMPARE(p.rowCount(), 1);
        QCOMPARE(p.stepName(), QStringLiteral("eval"));
        QCOMPARE(p.done(), 6ull);
        QCOMPARE(p.total(), 6ull);
        QCOMPARE(p.unit(), QStringLiteral("samples"));
        QVERIFY(!p.currentItem().isEmpty());
        QCOMPARE(*p.etaSeconds(), 0.0);
        QVERIFY(p.elapsedSeconds() > 0);
        QCOMPARE(p.state(), QStringLiteral("succeeded"));
        QStringList kinds;
        for (const auto& a : p.artifacts())
            kinds.append(a.first);
        QCOMPARE(kinds, (QStringList{QStringLiteral("results"), QStringLiteral("samples"), QStringLiteral("report")}));

        const MetricSeriesModel& m = *whole.metrics();
        QCOMPARE(m.names(), (QStringList{QStringLiteral("loop_rate"), QStringLiteral("eos_rate"), QStringLiteral("runaway_rate"), QStringLiteral("mean_tokens")}));
        const auto loop = m.series(QStringLiteral("loop_rate"), QStringLiteral("run"));
        QCOMPARE(static_cast<int>(loop.size()), kLoopPoints);
        QCOMPARE(m.rowCount(), 4 * kLoopPoints);
        QCOMPARE(loop.back().step, 6.0);
        for (const auto& point : loop) {
            QVERIFY(point.hasInterval);
            QVERIFY(point.lo <= point.value && point.value <= point.hi);
        }
        // The interval narrows as samples land.
        QVERIFY(loop.back().hi - loop.back().lo < loop.front().hi - loop.front().lo);

        // start lines are not log lines: 2 logs, 3 artifacts, 1 status.
        QCOMPARE(whole.log()->rowCount(), 6);

        // Fed one event at a time, the models end the same.
        MonitorSession pieces;
        moecut::EventFollower follower{guitest::toPath(path)};
        for (const auto& e : follower.read().events)
            pieces.appendEvents({e});
        QCOMPARE(pieces.progress()->done(), p.done());
        QCOMPARE(pieces.metrics()->rowCount(), m.rowCount());
        QCOMPARE(pieces.log()->rowCount(), whole.log()->rowCount());

        // A session takes only its job's events.
        MonitorSession other;
        other.setJobId(7);
        other.onEventsAvailable(8, {progress(1, 1, 2)});
        QCOMPARE(other.progress()->rowCount(), 0);
        other.onEventsAvailable(7, {progress(1, 1, 2)});
        QCOMPARE(other.progress()->rowCount(), 1);
        other.setJobId(9);
        QCOMPARE(other.progress()->rowCount(), 0);
    }

    // data/kd_events.jsonl: a real `moecut kd` of a pruned demo model, 8 steps (data/README.md):
    // loss, KL, agreement and router entropy per step, held-out KL at the start and end.
    void recordedKdRun()
    {
        const QString path = QFINDTESTDATA("data/kd_events.jsonl");
        QVERIFY(!path.isEmpty());
        MonitorSession session;
        QAbstractItemModelTester tester(session.metrics(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(session.appendEventsFile(path));
        const MetricSeriesModel& m = *session.metrics();
        QCOMPARE(m.names(), (QStringList{QStringLiteral("kd_heldout_kl"), QStringLiteral("kd_loss"), QStringLiteral("kd_kl"),
                                         QStringLiteral("kd_top1_agreement"), QStringLiteral("kd_router_entropy")}));
        for (const char* name : {"kd_loss", "kd_kl", "kd_top1_agreement", "kd_router_entropy"}) {
            const auto series = m.series(QString::fromLatin1(name), QString());
            QCOMPARE(static_cast<int>(series.size()), 8);
            for (int i = 0; i < 8; ++i)
                QCOMPARE(series[static_cast<std::size_t>(i)].step, double(i + 1));
            QVERIFY(!series.front().hasInterval);
        }
        for (const auto& p : m.series(QStringLiteral("kd_top1_agreement"), QString()))
            QVERIFY(p.value > 0 && p.value <= 1);
        const auto heldout = m.series(QStringLiteral("kd_heldout_kl"), QString());
        QCOMPARE(static_cast<int>(heldout.size()), 2);
        QCOMPARE(heldout.back().step, 8.0);
        QVERIFY(heldout.back().value < heldout.front().value); // this recorded run lowered the held-out KL
        QCOMPARE(m.rowCount(), 34);

        // Labelled for people; an unknown name stays as it is.
        QCOMPARE(MetricSeriesModel::label(QStringLiteral("kd_kl")), QStringLiteral("KL to the teacher"));
        QCOMPARE(MetricSeriesModel::label(QStringLiteral("kd_top1_agreement")),
                 QStringLiteral("Top-1 agreement with the teacher"));
        QCOMPARE(MetricSeriesModel::label(QStringLiteral("mean_tokens")), QStringLiteral("mean_tokens"));
        QCOMPARE(m.index(1, MetricSeriesModel::ValueColumn).data(MetricSeriesModel::LabelRole).toString(),
                 QStringLiteral("KD loss"));
        QCOMPARE(session.progress()->stepName(), QStringLiteral("kd"));
        QCOMPARE(session.progress()->done(), 8ull);
    }

private:
    static constexpr int kLoopPoints = 3; // the fixture's eval had --batch-size 2: metrics after 2, 4 and 6 samples
};

MOECUT_GUITEST_MAIN(TestMonitorModels)
#include "test_monitor_models.moc"

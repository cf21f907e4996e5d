// JobMonitorView on the monitor models: what it shows after a recorded eval
// (progress, ETA, the loop-rate band), the search box filtering the log, and
// the refresh throttle: many model changes make few replots.
#include "gui_test_support.h"

#include "job_monitor_view.h"
#include "log_filter_model.h"
#include "monitor_session.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListView>

using nlohmann::json;

namespace {

json progress(double t, quint64 done, quint64 total)
{
    return {{"event", "progress"}, {"step", "eval"}, {"done", done}, {"total", total}, {"t", t}, {"unit", "samples"}, {"current", "code/p-1"}};
}

json loopRate(double step, double value, double lo, double hi)
{
    return {{"event", "metric"}, {"name", "loop_rate"}, {"value", value}, {"lo", lo}, {"hi", hi}, {"step", step}, {"run", "r"}};
}

} // namespace

class TestJobMonitorView : public QObject
{
    Q_OBJECT

private slots:
    // A distillation job: the loss curve first, every kd metric offered by its label.
    void showsTheRecordedKdCurves()
    {
        MonitorSession session;
        JobMonitorView view;
        view.resize(800, 600);
        view.setSession(&session);
        view.show();
        QVERIFY(session.appendEventsFile(QFINDTESTDATA("data/kd_events.jsonl")));
        QTRY_VERIFY(!view.refreshPending());
        QCOMPARE(view.stepText(), QStringLiteral("kd"));
        QCOMPARE(view.metric(), QStringLiteral("kd_loss"));
        QCOMPARE(view.plottedPoints(), 8);
        auto* box = view.findChild<QComboBox*>();
        QVERIFY(box);
        QCOMPARE(box->count(), 5);
        QCOMPARE(box->currentText(), QStringLiteral("KD loss"));
        const int agreement = box->findData(QStringLiteral("kd_top1_agreement"));
        QVERIFY(agreement >= 0);
        QCOMPARE(box->itemText(agreement), QStringLiteral("Top-1 agreement with the teacher"));
        box->setCurrentIndex(agreement);
        emit box->activated(agreement);
        QTRY_VERIFY(!view.refreshPending());
        QCOMPARE(view.metric(), QStringLiteral("kd_top1_agreement"));
        QCOMPARE(view.plottedPoints(), 8);
        view.setMetric(QStringLiteral("kd_heldout_kl"));
        QTRY_VERIFY(!view.refreshPending());
        QCOMPARE(view.plottedPoints(), 2);
    }

    void showsTheRecordedEval()
    {
        MonitorSession session;
        JobMonitorView view;
        view.resize(800, 600);
        view.setSession(&session);
        view.show();
        QVERIFY(session.appendEventsFile(QFINDTESTDATA("data/eval_events.jsonl")));
        QTRY_VERIFY(!view.refreshPending());
        QCOMPARE(view.progressPermille(), 1000);
        QCOMPARE(view.stepText(), QStringLiteral("eval"));
        QCOMPARE(view.etaText(), QStringLiteral("ETA 0:00"));
        QVERIFY(view.currentText().contains(QLatin1Char('/')));
        QCOMPARE(view.metric(), QStringLiteral("loop_rate"));
        QCOMPARE(view.plottedPoints(), static_cast<int>(session.metrics()->series(QStringLiteral("loop_rate"), QStringLiteral("run")).size()));
        const auto last = session.metrics()->series(QStringLiteral("loop_rate"), QStringLiteral("run")).back();
        QCOMPARE(view.lastBand().first, last.lo);
        QCOMPARE(view.lastBand().second, last.hi);

        view.setMetric(QStringLiteral("mean_tokens"));
        QTRY_VERIFY(!view.refreshPending());
        QCOMPARE(view.plottedPoints(), static_cast<int>(session.metrics()->series(QStringLiteral("mean_tokens"), QStringLiteral("run")).size()));

        // The search box filters the log tail.
        const int all = view.logView()->model()->rowCount();
        QCOMPARE(all, session.log()->rowCount());
        view.searchEdit()->setText(QStringLiteral("LOOP RATE"));
        QCOMPARE(view.logView()->model()->rowCount(), 1);
        view.searchEdit()->setText(QStringLiteral("wrote"));
        QCOMPARE(view.logView()->model()->rowCount(), 3); // the three artifacts
        view.searchEdit()->clear();
        QCOMPARE(view.logView()->model()->rowCount(), all);

        session.clear();
        QTRY_VERIFY(!view.refreshPending());
        QCOMPARE(view.plottedPoints(), 0);
        QCOMPARE(view.progressPermille(), 0);
    }

    void bandNarrowsAsSamplesLand()
    {
        MonitorSession session;
        JobMonitorView view;
        view.setSession(&session);
        session.appendEvents({progress(100, 0, 100), loopRate(10, 0.2, 0.03, 0.56)});
        view.refresh();
        const auto wide = view.lastBand();
        session.appendEvents({progress(110, 10, 100), loopRate(100, 0.2, 0.13, 0.29)});
        view.refresh();
        QCOMPARE(view.plottedPoints(), 2);
        QVERIFY(view.lastBand().second - view.lastBand().first < wide.second - wide.first);
        QCOMPARE(view.progressPermille(), 100);
        QCOMPARE(view.etaText(), QStringLiteral("ETA 1:30"));
        QCOMPARE(view.throughputText(), QStringLiteral("1 samples/s"));
    }

    void refreshesAreCoalesced()
    {
        MonitorSession session;
        JobMonitorView view;
        view.setSession(&session);
        QTRY_VERIFY(!view.refreshPending());
        const int before = view.refreshCount();

        // 500 changes with no event loop in between: one refresh.
        for (int i = 0; i < 500; ++i)
            session.appendEvents({progress(100 + i, static_cast<quint64>(i), 1000), loopRate(i + 1, 0.1, 0.0, 0.5)});
        QVERIFY(view.refreshPending());
        QTRY_VERIFY(!view.refreshPending());
        QCOMPARE(view.refreshCount(), before + 1);
        QCOMPARE(view.plottedPoints(), 500);

        // Changes for about 100 ms with the event loop running: at most one
        // refresh per kMinRefreshMs of that time (plus the one pending at the end).
        const int start = view.refreshCount();
        QElapsedTimer clock;
        clock.start();
        int calls = 0;
        while (clock.elapsed() < 100) {
            session.appendEvents({progress(1000 + calls, 500 + static_cast<quint64>(calls % 400), 1000)});
            QCoreApplication::processEvents();
            ++calls;
        }
        const qint64 elapsed = clock.elapsed();
        QTRY_VERIFY(!view.refreshPending());
        const int replots = view.refreshCount() - start;
        QVERIFY2(calls > 10, qPrintable(QString::number(calls)));
        QVERIFY(replots >= 1);
        QVERIFY2(replots <= elapsed / JobMonitorView::kMinRefreshMs + 2,
                 qPrintable(QStringLiteral("%1 replots for %2 calls in %3 ms").arg(replots).arg(calls).arg(elapsed)));
    }
};

MOECUT_GUITEST_MAIN(TestJobMonitorView)
#include "test_job_monitor_view.moc"

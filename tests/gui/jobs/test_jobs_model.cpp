// JobsModel under QAbstractItemModelTester while a JobController runs real
// chains: rows appear as steps are queued, states and progress change in
// place, the experiment filter resets.
#include "gui_test_support.h"
#include "job_controller.h"
#include "job_test_project.h"
#include "jobs_model.h"

#include <QAbstractItemModelTester>

using jobtest::sh;
using moecut::JobState;

class TestJobsModel : public QObject
{
    Q_OBJECT

private slots:
    void followsTheController()
    {
        jobtest::Project p;
        moecut::Experiment other;
        other.name = "other";
        const auto otherId = p.store->add_experiment(p.store->projects().front().id, other);
        JobController jobs(*p.store, p.runner);
        JobsModel model(jobs);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(JobsModel::ColumnCount));
        QCOMPARE(model.headerData(JobsModel::StateColumn, Qt::Horizontal).toString(), QStringLiteral("State"));

        const auto ids = jobs.launchChain(
            p.experiment,
            {{"saliency", sh("printf '{\"event\":\"progress\",\"done\":1,\"total\":2}\\n' >> \"$MOECUT_EVENTS\"; "
                             "sleep 0.3")},
             {"prune", sh("exit 4")},
             {"eval", sh("true")}});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.rowOf(ids[1]), 1);
        QCOMPARE(model.index(0, JobsModel::StepColumn).data().toString(), QStringLiteral("saliency"));
        QCOMPARE(model.index(0, JobsModel::ExperimentColumn).data().toString(), QStringLiteral("exp"));
        QCOMPARE(model.index(0, JobsModel::StateColumn).data().toString(), QStringLiteral("running"));
        QCOMPARE(model.index(1, JobsModel::StateColumn).data().toString(), QStringLiteral("queued"));
        QCOMPARE(model.index(1, 0).data(JobsModel::JobIdRole).value<qint64>(), ids[1]);
        QCOMPARE(model.index(0, JobsModel::RunDirColumn).data().toString(), QStringLiteral("01-saliency"));
        QVERIFY(!model.index(0, JobsModel::StartedColumn).data().toString().isEmpty());
        QVERIFY(!model.index(1, JobsModel::ProgressColumn).data(JobsModel::ProgressRole).isValid());

        QTRY_COMPARE(model.index(0, 0).data(JobsModel::ProgressRole).toDouble(), 0.5);
        QCOMPARE(model.index(0, JobsModel::ProgressColumn).data().toString(), QStringLiteral("50%"));
        QTRY_COMPARE_WITH_TIMEOUT(model.index(2, 0).data(JobsModel::StateRole).toInt(), int(JobState::Cancelled), 10000);
        QCOMPARE(model.index(0, JobsModel::StateColumn).data().toString(), QStringLiteral("succeeded"));
        QCOMPARE(model.index(0, JobsModel::ProgressColumn).data().toString(), QStringLiteral("100%"));
        QCOMPARE(model.index(1, JobsModel::StateColumn).data().toString(), QStringLiteral("failed"));
        QVERIFY(model.index(1, JobsModel::StateColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("4")));
        QVERIFY(model.index(2, 0).data(JobsModel::MessageRole).toString().contains(QStringLiteral("02-prune")));
        QVERIFY(!model.index(0, JobsModel::DurationColumn).data().toString().isEmpty());
        QVERIFY(model.index(2, JobsModel::DurationColumn).data().toString().isEmpty()); // never ran

        const auto otherIds = jobs.launchChain(otherId, {{"report", sh("true")}});
        QCOMPARE(model.rowCount(), 4);
        model.setExperimentFilter(otherId);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, 0).data(JobsModel::JobIdRole).value<qint64>(), otherIds[0]);
        QTRY_COMPARE_WITH_TIMEOUT(model.index(0, 0).data(JobsModel::StateRole).toInt(), int(JobState::Succeeded), 10000);
        jobs.launchChain(p.experiment, {{"report", sh("true")}}); // not shown under the filter
        QCOMPARE(model.rowCount(), 1);
        model.setExperimentFilter(std::nullopt);
        QCOMPARE(model.rowCount(), 5);
        QTRY_VERIFY_WITH_TIMEOUT(jobs.activeJobs().empty(), 10000);
    }
};

MOECUT_GUITEST_MAIN(TestJobsModel)
#include "test_jobs_model.moc"

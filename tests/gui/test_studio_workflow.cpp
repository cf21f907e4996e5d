// moecut studio end to end, as a user drives it: open the demo project,
// launch the experiment, watch its chain of real `moecut` jobs finish, see the
// heatmap, edit the plan and prune with it, read the results and export a
// report; and close the app mid-run and reopen it without losing anything.
// The demo settings are cut down (fewer tokens, probes and sweep cells) so
// the whole chain takes seconds to a minute on a CPU.
#include "gui_test_support.h"

#include "demo_project.h"
#include "designer_page.h"
#include "job_controller.h"
#include "jobs_model.h"
#include "main_window.h"
#include "monitor_page.h"
#include "monitor_session.h"
#include "plan_editor.h"
#include "project_session.h"
#include "recipe_steps_model.h"
#include "results_view.h"
#include "saliency_model.h"
#include "saliency_page.h"

#include "moecut/prune_plan.h"

#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>

namespace {

constexpr int kChainTimeoutMs = 300000;

// The demo experiment, small: what a test can run in well under a minute.
moecut::ExperimentSettings smallDemo()
{
    auto s = demo::settings(demo::resourcesDir());
    s.max_tokens = 2048;
    s.n = 6;
    s.cap = 32;
    s.batch_size = 6;
    s.grid_min_p = {0, 0.1};
    s.grid_rep_pen = {1};
    s.distillation.steps = 4;  // the full recipe, with a short Router-KD
    s.distillation.eval_every = 2;
    return s;
}

bool allFinal(ProjectSession* session, moecut::JobState* worst = nullptr)
{
    if (!session)
        return false;
    const auto jobs = session->store().jobs();
    if (jobs.empty())
        return false;
    for (const auto& job : jobs) {
        if (!moecut::is_final(job.state))
            return false;
        if (worst && job.state != moecut::JobState::Succeeded)
            *worst = job.state;
    }
    return true;
}

QString jobReport(ProjectSession* session)
{
    QString out;
    for (const auto& job : session->store().jobs())
        out += QStringLiteral("%1 %2 %3 %4\n")
                   .arg(QString::fromStdString(job.step), JobsModel::stateText(job.state),
                        QString::fromStdString(job.message), QString::fromStdString(job.run_dir.string()));
    return out;
}

QString errorText(const MainWindow& window)
{
    return window.errorBox() ? window.errorBox()->text() : QString();
}

} // namespace

class TestStudioWorkflow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(!demo::resourcesDir().isEmpty(), "the demo resources are missing");
        QVERIFY2(QFile::exists(demo::moecutBinary()), qPrintable(demo::moecutBinary()));
    }

    void demoFromLaunchToReport()
    {
        QTemporaryDir temp;
        MainWindow window;
        window.show();
        // First start: the start page offers the demo.
        auto* demoButton = window.findChild<QPushButton*>(QStringLiteral("startDemoButton"));
        QVERIFY(demoButton && demoButton->isVisible());
        QVERIFY2(window.openDemoProject(temp.filePath(QStringLiteral("demo"))), qPrintable(errorText(window)));
        QCOMPARE(window.pages()->currentIndex(), int(MainWindow::DesignerTab));
        QVERIFY(window.currentExperiment() >= 0);

        window.designer()->setSettings(smallDemo());
        // saliency plan prune eval eval sweep, teacher-cache kd eval-distilled eval-distilled-guardrail report
        QCOMPARE(window.designer()->stepsModel()->rowCount(), 11);
        QVERIFY(window.designer()->launchButton()->isEnabled());
        QTest::mouseClick(window.designer()->launchButton(), Qt::LeftButton);
        QCOMPARE(window.pages()->currentIndex(), int(MainWindow::MonitorTab));
        ProjectSession* session = window.session();
        QTRY_VERIFY_WITH_TIMEOUT(allFinal(session), kChainTimeoutMs);
        moecut::JobState worst = moecut::JobState::Succeeded;
        allFinal(session, &worst);
        QVERIFY2(worst == moecut::JobState::Succeeded, qPrintable(jobReport(session)));

        // The monitor saw the jobs' events.
        QVERIFY(window.monitorPage()->session()->log()->rowCount() + window.monitorPage()->session()->progress()->rowCount() > 0);

        // Saliency: the heatmap's model holds every MoE and MTP row.
        SaliencyModel* saliency = window.saliencyPage()->model();
        QTRY_VERIFY(saliency->rowCount() > 0);
        QCOMPARE(saliency->columnCount(), 32);

        // Results: teacher, pruned, pruned+KD, pruned+KD+guardrail and the sweep.
        ResultsView* results = window.resultsView();
        QTRY_COMPARE(results->runs().size() >= 4, true);
        QCOMPARE(results->sweeps().size(), 1);
        const QString report = temp.filePath(QStringLiteral("report.html"));
        QString error;
        QVERIFY2(results->exportReport(report, &error), qPrintable(error));
        QFile html(report);
        QVERIFY(html.open(QIODevice::ReadOnly));
        const QByteArray text = html.readAll();
        QVERIFY(text.contains("teacher"));
        QVERIFY(text.contains("moecut prune"));
        QVERIFY(text.contains("pruned+KD+guardrail"));
        QVERIFY(text.contains("moecut kd"));

        // Edit the plan: keep one expert more, then prune and evaluate with it.
        PlanEditor* editor = window.saliencyPage()->editor();
        const qint64 keep = editor->keep();
        QVERIFY(editor->setKeep(keep + 1));
        const QString planFile = window.saliencyPage()->savePlan();
        QVERIFY(!planFile.isEmpty());
        QCOMPARE(qint64(moecut::read_plan(planFile.toStdString()).keep.begin()->second.size()), keep + 1);
        const auto before = session->store().jobs().size();
        emit window.saliencyPage()->pruneRequested(planFile);
        QTRY_VERIFY_WITH_TIMEOUT(session->store().jobs().size() > before && allFinal(session), kChainTimeoutMs);
        allFinal(session, &worst);
        QVERIFY2(worst == moecut::JobState::Succeeded, qPrintable(jobReport(session)));
        // The teacher was not evaluated again: its finished run is the baseline.
        int teacherRuns = 0;
        for (const auto& job : session->store().jobs())
            teacherRuns += job.step == "eval-teacher";
        QCOMPARE(teacherRuns, 1);
    }

    void closedMidRunAndReopenedLosesNothing()
    {
        QTemporaryDir temp;
        const QString dir = temp.filePath(QStringLiteral("demo"));
        qint64 firstJob = -1;
        {
            MainWindow window;
            QVERIFY2(window.openDemoProject(dir), qPrintable(errorText(window)));
            auto s = smallDemo();
            s.grid_min_p.clear();
            s.grid_rep_pen.clear();
            window.designer()->setSettings(s);
            const auto ids = window.launchExperiment();
            QVERIFY(!ids.empty());
            firstJob = ids.front();
            QTRY_VERIFY_WITH_TIMEOUT(window.session()->store().job(firstJob).state == moecut::JobState::Running, 60000);
        } // the app goes away while the saliency job runs
        MainWindow window;
        QVERIFY2(window.openProject(dir), qPrintable(errorText(window)));
        ProjectSession* session = window.session();
        QTRY_VERIFY_WITH_TIMEOUT(allFinal(session), kChainTimeoutMs);
        moecut::JobState worst = moecut::JobState::Succeeded;
        allFinal(session, &worst);
        QVERIFY2(worst == moecut::JobState::Succeeded, qPrintable(jobReport(session)));
        // The saliency job's history is whole: replayed events end with its artifact.
        bool sawArtifact = false;
        for (const auto& e : session->controller()->replayEvents(firstJob))
            sawArtifact = sawArtifact || e.value("event", std::string()) == "artifact";
        QVERIFY(sawArtifact);
        QTRY_VERIFY(window.resultsView()->runs().size() >= 2);
    }
};

MOECUT_GUITEST_MAIN(TestStudioWorkflow)
#include "test_studio_workflow.moc"

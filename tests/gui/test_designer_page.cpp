// The experiment designer: its steps model under QAbstractItemModelTester,
// the form round trip, and the launch button following the problems.
#include "gui_test_support.h"

#include "demo_project.h"
#include "designer_page.h"
#include "recipe_steps_model.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>

class TestDesignerPage : public QObject
{
    Q_OBJECT

private slots:
    void stepsModelPassesTheTester()
    {
        RecipeStepsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto s = demo::settings(QStringLiteral("/r"));
        s.distillation.enabled = false;  // the six steps before distillation
        model.setSettings(s, QStringLiteral("/p/experiments/demo"), QStringLiteral("moecut"));
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.columnCount(), int(RecipeStepsModel::ColumnCount));
        QCOMPARE(model.index(0, RecipeStepsModel::StepColumn).data().toString(), QStringLiteral("saliency"));
        QCOMPARE(model.index(2, RecipeStepsModel::AfterColumn).data().toString(), QStringLiteral("plan"));
        QCOMPARE(model.index(2, RecipeStepsModel::StepColumn).data(RecipeStepsModel::OutputRole).toString(),
                 QStringLiteral("/p/experiments/demo/runs/03-prune/model"));
        const QStringList argv = model.index(2, 0).data(RecipeStepsModel::ArgvRole).toStringList();
        QCOMPARE(argv.mid(0, 2), (QStringList{QStringLiteral("moecut"), QStringLiteral("prune")}));
        QVERIFY(model.script().startsWith(QStringLiteral("moecut saliency --model /r/models/tiny-glm5-moe ")));
        QCOMPARE(model.script().count(QLatin1Char('\n')), 6);
        QVERIFY(model.problems().isEmpty());
        s.plan_file = "/p/plan.json";
        s.grid_min_p.clear();
        s.grid_rep_pen.clear();
        model.setSettings(s, QStringLiteral("/p/experiments/demo"), QStringLiteral("moecut"));
        QCOMPARE(model.rowCount(), 3); // prune, eval-teacher, eval-pruned
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void formRoundTripAndLaunch()
    {
        DesignerPage page;
        const auto s = demo::settings(QStringLiteral("/r"));
        page.setSettings(s);
        QCOMPARE(moecut::to_json(page.settings()), moecut::to_json(s));
        QVERIFY(page.launchButton()->isEnabled());
        QSignalSpy launched(&page, &DesignerPage::launchRequested);
        page.launchButton()->click();
        QCOMPARE(launched.size(), 1);

        // A grid value that is not a number, and a missing probe file, block the launch.
        page.findChild<QLineEdit*>(QStringLiteral("gridMinP"))->setText(QStringLiteral("0, abc"));
        QVERIFY(!page.launchButton()->isEnabled());
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("designerProblems"))->text().contains(QStringLiteral("abc")));
        page.findChild<QLineEdit*>(QStringLiteral("gridMinP"))->setText(QStringLiteral("0, 0.1"));
        QVERIFY(page.launchButton()->isEnabled());
        page.findChild<QLineEdit*>(QStringLiteral("probesFile"))->clear();
        QVERIFY(!page.launchButton()->isEnabled());
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("designerProblems"))->text().contains(QStringLiteral("probe")));

        // An edited plan replaces the saliency and plan steps in the preview.
        page.findChild<QLineEdit*>(QStringLiteral("probesFile"))->setText(QStringLiteral("/r/corpus/probes.jsonl"));
        page.setPlanFile(QStringLiteral("/p/plan.json"));
        QCOMPARE(page.stepsModel()->index(0, 0).data().toString(), QStringLiteral("prune"));
    }
};

MOECUT_GUITEST_MAIN(TestDesignerPage)
#include "test_designer_page.moc"

// The designer's Distillation and Export groups on real widgets: toggling
// distillation adds its steps to the preview, editing a type rule changes the
// export command, and the estimated size comes from a real
// `moecut export gguf --dry-run --json` child on the demo model (latest wins).
// GgufTypeRulesModel under QAbstractItemModelTester.
#include "gui_test_support.h"

#include "demo_project.h"
#include "designer_distillation_group.h"
#include "designer_export_group.h"
#include "designer_page.h"
#include "export_size_estimator.h"
#include "gguf_type_rules_model.h"
#include "project_session.h"
#include "recipe_steps_model.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>

namespace {

QStringList stepNames(const RecipeStepsModel& m)
{
    QStringList out;
    for (int row = 0; row < m.rowCount(); ++row)
        out << m.index(row, RecipeStepsModel::StepColumn).data().toString();
    return out;
}

QString commandOf(const RecipeStepsModel& m, const QString& step)
{
    for (int row = 0; row < m.rowCount(); ++row)
        if (m.index(row, RecipeStepsModel::StepColumn).data().toString() == step)
            return m.index(row, RecipeStepsModel::CommandColumn).data().toString();
    return {};
}

QString tinyModel()
{
    return demo::resourcesDir() + QStringLiteral("/models/tiny-glm5-moe");
}

// The file size the CLI plans for the teacher at these options, run here directly.
qint64 dryRunFileSize(const QStringList& options)
{
    QProcess p;
    p.start(demo::moecutBinary(), QStringList{QStringLiteral("export"), QStringLiteral("gguf"), QStringLiteral("--model"),
                                              tinyModel()} +
                                      options + QStringList{QStringLiteral("--dry-run"), QStringLiteral("--json")});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return -1;
    const QByteArray out = p.readAllStandardOutput();
    return nlohmann::json::parse(out.constData(), out.constData() + out.size()).value("file_size", qint64(-1));
}

} // namespace

class TestDesignerGroups : public QObject
{
    Q_OBJECT

private slots:
    void rulesModelEditsAndPassesTheTester()
    {
        GgufTypeRulesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &GgufTypeRulesModel::rulesChanged);
        model.setRules({"ffn_.*_exps=q2_k", "a=b=q8_0"});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1, GgufTypeRulesModel::PatternColumn).data().toString(), QStringLiteral("a=b"));
        QCOMPARE(model.index(1, GgufTypeRulesModel::TypeColumn).data().toString(), QStringLiteral("q8_0"));
        const int row = model.addRule(QString(), QString());
        QCOMPARE(model.rules().size(), 2u); // an empty new row is not a rule yet
        QVERIFY(model.setData(model.index(row, GgufTypeRulesModel::PatternColumn), QStringLiteral(" token_embd ")));
        QVERIFY(model.setData(model.index(row, GgufTypeRulesModel::TypeColumn), QStringLiteral("f16")));
        QCOMPARE(model.rules(), (std::vector<std::string>{"ffn_.*_exps=q2_k", "a=b=q8_0", "token_embd=f16"}));
        QVERIFY(model.removeRows(0, 2));
        QVERIFY(!model.removeRows(1, 1));
        QCOMPARE(model.rules(), (std::vector<std::string>{"token_embd=f16"}));
        QCOMPARE(changed.size(), 5);
        QVERIFY(model.flags(model.index(0, 0)).testFlag(Qt::ItemIsEditable));
    }

    void estimateScalesTheExpertTensors()
    {
        const auto plan = nlohmann::json::parse(R"({"architecture": "glm-dsa", "file_size": 10000,
            "metadata": {"glm-dsa.expert_count": {"type": "UINT32", "value": 32}},
            "tensors": [{"name": "blk.1.ffn_up_exps.weight", "type": "q4_K", "nbytes": 3200},
                        {"name": "blk.1.ffn_gate_inp.weight", "type": "f32", "nbytes": 320},
                        {"name": "token_embd.weight", "type": "q8_0", "nbytes": 1000},
                        {"name": "output_norm.weight", "type": "f32", "nbytes": 10}]})");
        const auto e = ExportSizeEstimator::fromPlan(plan, 8);
        QCOMPARE(e.teacherBytes, qint64(10000));
        QCOMPARE(e.keptFraction, 0.25);
        QCOMPARE(e.bytes, qint64(10000 - (3200 + 320) * 3 / 4));
        QCOMPARE(e.tensors, 4);
        QCOMPARE(e.quantised, 2);
        QCOMPARE(ExportSizeEstimator::fromPlan(plan, 0).bytes, qint64(10000));
        QCOMPARE(ExportSizeEstimator::fromPlan(plan, 32).bytes, qint64(10000));
        QVERIFY(ExportSizeEstimator::describe(e).contains(QStringLiteral("2 of 4 tensors quantised")));
    }

    void toggleDistillationAddsItsSteps()
    {
        DesignerPage page;
        auto s = demo::settings(QStringLiteral("/r"));
        QVERIFY(s.distillation.enabled);  // the demo runs the full recipe
        s.distillation.enabled = false;
        page.setSettings(s);
        const RecipeStepsModel& steps = *page.stepsModel();
        QCOMPARE(steps.rowCount(), 6);
        page.distillationGroup()->setChecked(true);
        QCOMPARE(stepNames(steps),
                 (QStringList{QStringLiteral("saliency"), QStringLiteral("plan"), QStringLiteral("prune"),
                              QStringLiteral("eval-teacher"), QStringLiteral("eval-pruned"), QStringLiteral("sweep"),
                              QStringLiteral("teacher-cache"), QStringLiteral("kd"), QStringLiteral("eval-distilled"),
                              QStringLiteral("eval-distilled-guardrail"), QStringLiteral("report")}));
        // The group's fields reach the kd command; the launch stays possible.
        page.distillationGroup()->findChild<QSpinBox*>(QStringLiteral("kdSteps"))->setValue(40);
        page.distillationGroup()->findChild<QLineEdit*>(QStringLiteral("kdLearningRate"))->setText(QStringLiteral("1e-4"));
        QVERIFY(commandOf(steps, QStringLiteral("kd")).contains(QStringLiteral("--lr 0.0001 --steps 40 ")));
        QVERIFY(commandOf(steps, QStringLiteral("teacher-cache"))
                    .contains(QStringLiteral("--data /r/corpus/calib_code.jsonl")));
        QVERIFY(page.launchButton()->isEnabled());
        // A learning rate that is not a number blocks the launch and says so.
        page.distillationGroup()->findChild<QLineEdit*>(QStringLiteral("kdLearningRate"))->setText(QStringLiteral("fast"));
        QVERIFY(!page.launchButton()->isEnabled());
        QVERIFY(page.findChild<QLabel*>(QStringLiteral("designerProblems"))->text().contains(QStringLiteral("learning rate")));
        page.distillationGroup()->findChild<QLineEdit*>(QStringLiteral("kdLearningRate"))->setText(QStringLiteral("2e-05"));
        // The form keeps everything: settings() -> setSettings() -> settings().
        const auto withKd = page.settings();
        QVERIFY(withKd.distillation.enabled);
        QCOMPARE(withKd.distillation.steps, 40);
        DesignerPage other;
        other.setSettings(withKd);
        QCOMPARE(moecut::to_json(other.settings()), moecut::to_json(withKd));
        page.distillationGroup()->setChecked(false);
        QCOMPARE(steps.rowCount(), 6);
    }

    void editingATypeRuleChangesTheExportCommand()
    {
        DesignerPage page;
        auto s = demo::settings(QStringLiteral("/r"));
        s.distillation.enabled = false;  // export right after the prune
        page.setSettings(s);
        const RecipeStepsModel& steps = *page.stepsModel();
        QVERIFY(commandOf(steps, QStringLiteral("export")).isEmpty());
        page.exportGroup()->setChecked(true);
        // The pruned model is exported, right after the prune.
        const QString pruned = steps.index(2, 0).data(RecipeStepsModel::OutputRole).toString();
        const QString out = steps.index(3, 0).data(RecipeStepsModel::OutputRole).toString();
        QCOMPARE(commandOf(steps, QStringLiteral("export")),
                 QStringLiteral("moecut export gguf --model %1 --type q4_k --mtp drop --out %2").arg(pruned, out));
        QVERIFY(steps.index(3, 0).data(RecipeStepsModel::OutputRole).toString().endsWith(QStringLiteral("04-export/model.gguf")));

        // Add a rule with the button, edit it in the table's model as the delegate does.
        auto* view = page.exportGroup()->findChild<QTableView*>(QStringLiteral("exportRules"));
        QVERIFY(view);
        page.exportGroup()->findChild<QPushButton*>(QStringLiteral("addExportRule"))->click();
        QCOMPARE(view->model()->rowCount(), 1);
        QVERIFY(view->model()->setData(view->model()->index(0, GgufTypeRulesModel::TypeColumn), QStringLiteral("q2_k")));
        QVERIFY(commandOf(steps, QStringLiteral("export")).contains(QStringLiteral("--tensor-type 'ffn_.*_exps=q2_k' ")));
        QVERIFY(view->model()->setData(view->model()->index(0, GgufTypeRulesModel::PatternColumn), QStringLiteral("token_embd")));
        QVERIFY(commandOf(steps, QStringLiteral("export")).contains(QStringLiteral("--tensor-type token_embd=q2_k ")));
        QCOMPARE(page.settings().export_model.tensor_types, (std::vector<std::string>{"token_embd=q2_k"}));
        // A bad type blocks the launch.
        QVERIFY(view->model()->setData(view->model()->index(0, GgufTypeRulesModel::TypeColumn), QStringLiteral("q9")));
        QVERIFY(!page.launchButton()->isEnabled());
        view->setCurrentIndex(view->model()->index(0, 0));
        page.exportGroup()->findChild<QPushButton*>(QStringLiteral("removeExportRule"))->click();
        QCOMPARE(view->model()->rowCount(), 0);
        QVERIFY(!commandOf(steps, QStringLiteral("export")).contains(QStringLiteral("--tensor-type")));
        QVERIFY(page.launchButton()->isEnabled());

        // NVFP4: a checkpoint folder; the GGUF options are off.
        auto* format = page.exportGroup()->findChild<QComboBox*>(QStringLiteral("exportFormat"));
        format->setCurrentIndex(format->findData(QStringLiteral("nvfp4")));
        QCOMPARE(commandOf(steps, QStringLiteral("export")),
                 QStringLiteral("moecut export nvfp4 --model %1 --out %2").arg(pruned, out.chopped(5)));
        QVERIFY(!page.exportGroup()->findChild<QComboBox*>(QStringLiteral("exportType"))->isEnabled());
        QCOMPARE(page.exportGroup()->sizeLabel()->text(), QStringLiteral("Estimated for GGUF only"));
        format->setCurrentIndex(format->findData(QStringLiteral("gguf")));
        QVERIFY(page.exportGroup()->findChild<QComboBox*>(QStringLiteral("exportType"))->isEnabled());

        // With distillation the export follows kd and exports the distilled model.
        page.distillationGroup()->setChecked(true);
        QVERIFY(commandOf(steps, QStringLiteral("export")).contains(QStringLiteral("-kd/model --type q4_k")));
    }

    // The real CLI of this build plans the teacher's GGUF; the estimate scales its experts.
    void sizeEstimateFromARealDryRun()
    {
        if (demo::resourcesDir().isEmpty())
            QSKIP("the demo resources are not found");
        DesignerPage page;
        page.setMoecutBinary(demo::moecutBinary());
        auto s = demo::settings(demo::resourcesDir());
        page.setSettings(s);
        QSignalSpy estimates(page.exportGroup()->estimator(), &ExportSizeEstimator::estimateAvailable);
        QSignalSpy failures(page.exportGroup()->estimator(), &ExportSizeEstimator::estimateFailed);
        page.exportGroup()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(page.exportGroup()->sizeLabel()->text().contains(QStringLiteral(" MB")), 30000);
        QCOMPARE(failures.size(), 0);
        QVERIFY(!estimates.isEmpty());
        const auto e = estimates.last().at(0).value<ExportSizeEstimate>();
        QCOMPARE(e.teacherBytes, dryRunFileSize({QStringLiteral("--type"), QStringLiteral("q4_k"), QStringLiteral("--mtp"),
                                                 QStringLiteral("drop")}));
        QCOMPARE(e.keptFraction, double(s.keep) / 32);
        QVERIFY(e.bytes < e.teacherBytes);
        QVERIFY(e.quantised > 0 && e.quantised < e.tensors);
        QVERIFY(page.exportGroup()->sizeLabel()->text().contains(QStringLiteral("tensors quantised")));

        // A new keep-K only rescales the same plan, at once.
        estimates.clear();
        page.keepSpin()->setValue(s.keep - 5);
        QCOMPARE(estimates.size(), 1);
        QVERIFY(estimates.last().at(0).value<ExportSizeEstimate>().bytes < e.bytes);

        // F32 weights make a bigger file.
        estimates.clear();
        page.exportGroup()->findChild<QComboBox*>(QStringLiteral("exportType"))->setCurrentText(QStringLiteral("f32"));
        QTRY_VERIFY_WITH_TIMEOUT(!estimates.isEmpty(), 30000);
        QVERIFY(estimates.last().at(0).value<ExportSizeEstimate>().teacherBytes > e.teacherBytes);

        // A model folder that does not hold a checkpoint: the CLI's reason is shown.
        page.findChild<QLineEdit*>(QStringLiteral("modelFolder"))->setText(QStringLiteral("/nonexistent/model"));
        QTRY_VERIFY_WITH_TIMEOUT(page.exportGroup()->sizeLabel()->text().startsWith(QStringLiteral("Size unknown")), 30000);
    }

    // A finished teacher cache made by the same command is reused by the next launch's plan.
    void plannedStepsReuseAFinishedTeacherCache()
    {
        QTemporaryDir tmp;
        ProjectSession session(tmp.path(), demo::moecutBinary());
        auto s = demo::settings(QStringLiteral("/r"));
        s.distillation.enabled = true;
        const qint64 id = session.saveExperiment(s);
        const auto first = session.plannedSteps(s);
        const auto cacheStep = std::find_if(first.begin(), first.end(), [](const auto& st) { return st.step == "teacher-cache"; });
        QVERIFY(cacheStep != first.end());
        moecut::NewJob job{cacheStep->step, cacheStep->argv, {}, std::nullopt, cacheStep->folder};
        const auto jobId = session.store().add_job(id, job);
        auto countCache = [](const std::vector<moecut::RecipeStep>& steps) {
            return std::count_if(steps.begin(), steps.end(), [](const auto& st) { return st.step == "teacher-cache"; });
        };
        QCOMPARE(countCache(session.plannedSteps(s)), 1); // queued, not finished: made again
        moecut::JobStatus done;
        done.state = moecut::JobState::Succeeded;
        done.exit_code = 0;
        session.store().set_status(jobId, done);
        const auto next = session.plannedSteps(s);
        QCOMPARE(countCache(next), 0);
        const auto kd = std::find_if(next.begin(), next.end(), [](const auto& st) { return st.step == "kd"; });
        QVERIFY(kd != next.end());
        QVERIFY(QString::fromStdString(moecut::shell_command(kd->argv))
                    .contains(QStringLiteral("--cache ") + QString::fromStdString(cacheStep->output)));
        // Other data: a new cache.
        s.distillation.data = "/r/corpus/calib_knowledge.jsonl";
        QCOMPARE(countCache(session.plannedSteps(s)), 1);
    }

    void latestRequestWins()
    {
        if (demo::resourcesDir().isEmpty())
            QSKIP("the demo resources are not found");
        ExportSizeEstimator estimator;
        QSignalSpy estimates(&estimator, &ExportSizeEstimator::estimateAvailable);
        QSignalSpy failures(&estimator, &ExportSizeEstimator::estimateFailed);
        const QStringList q8{QStringLiteral("--type"), QStringLiteral("q8_0")};
        const QStringList q2{QStringLiteral("--type"), QStringLiteral("q2_k")};
        estimator.request(demo::moecutBinary(), QStringLiteral("/nonexistent/model"), q8, 0);
        estimator.request(demo::moecutBinary(), tinyModel(), q8, 0);
        estimator.request(demo::moecutBinary(), tinyModel(), q2, 0);
        QVERIFY(estimator.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(!estimator.isRunning(), 30000);
        QTest::qWait(200); // a stale child's output would land now
        QCOMPARE(failures.size(), 0);
        QCOMPARE(estimates.size(), 1);
        QCOMPARE(estimates.last().at(0).value<ExportSizeEstimate>().teacherBytes, dryRunFileSize(q2));
        // A binary that is not there fails with its name.
        estimator.request(QStringLiteral("/nonexistent/moecut"), tinyModel(), q2, 0);
        QTRY_VERIFY_WITH_TIMEOUT(failures.size() == 1, 30000);
        QVERIFY(failures.last().at(0).toString().contains(QStringLiteral("/nonexistent/moecut")));
    }
};

MOECUT_GUITEST_MAIN(TestDesignerGroups)
#include "test_designer_groups.moc"

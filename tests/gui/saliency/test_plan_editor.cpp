// PlanEditor: plans equal to moecut's make_plan, manual swaps with
// hand-computed outcomes, undo/redo and merged keep steps, refusals, the
// saved file read back by moecut's read_plan, and byte equality with the
// plan `moecut plan` wrote for the committed demo saliency file.
#include "gui_test_support.h"
#include "saliency_fixture.h"

#include "plan_editor.h"
#include "saliency_model.h"

#include "moecut/prune_plan.h"

#include <QFile>
#include <QTemporaryDir>

namespace {

nlohmann::ordered_json expectedJson(const moecut::SaliencyTable& table, const moecut::PlanOptions& options)
{
    return moecut::plan_to_json(moecut::make_plan(table, options));
}

moecut::PlanOptions options(qint64 keep, const QString& path)
{
    moecut::PlanOptions o;
    o.keep = keep;
    o.saliency_path = path.toStdString();
    return o;
}

std::vector<int> kept(const PlanEditor& editor, int layer)
{
    return editor.plan().keep.at(layer);
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestPlanEditor : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    moecut::SaliencyTable m_table = salfix::handTable();

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = salfix::writeHandTable(m_dir.path());
    }

    void keepCountsGiveMakePlan()
    {
        SaliencyModel model;
        QVERIFY(model.loadFile(m_path));
        PlanEditor editor;
        editor.setSaliencyModel(&model);
        QVERIFY(editor.hasPlan());
        QCOMPARE(editor.minimumKeep(), 2);
        QCOMPARE(editor.maximumKeep(), 6);
        QCOMPARE(editor.keepStep(), 1);
        QCOMPARE(editor.keep(), 4); // two thirds of 6
        QCOMPARE(editor.planJson(), expectedJson(m_table, options(4, m_path)));
        QCOMPARE(kept(editor, 1), (std::vector<int>{0, 2, 3, 5}));
        QCOMPARE(kept(editor, 2), (std::vector<int>{2, 3, 4, 5}));
        QCOMPARE(kept(editor, 3), (std::vector<int>{0, 1, 2, 3}));
        // The model shows the editor's plan.
        QVERIFY(model.hasPlan());
        QCOMPARE(model.planStatus(0, 1), SaliencyModel::Dropped);
        QCOMPARE(model.planStatus(0, 3), SaliencyModel::Kept);

        QSignalSpy changed(&editor, &PlanEditor::planChanged);
        for (qint64 k = 2; k <= 6; ++k) { // from K = 4
            QVERIFY(editor.setKeep(k));
            QCOMPARE(editor.planJson(), expectedJson(m_table, options(k, m_path)));
            QCOMPARE(model.plan()->keep_count(), std::size_t(k));
        }
        QCOMPARE(changed.count(), 5); // 4->2, 2->3, 3->4, 4->5, 5->6
    }

    void keepMovesMergeIntoOneUndoStep()
    {
        PlanEditor editor;
        editor.setSaliency(std::make_shared<const moecut::SaliencyTable>(m_table), m_path);
        const nlohmann::ordered_json at4 = editor.planJson();
        QVERIFY(editor.setKeep(5));
        QVERIFY(editor.setKeep(3));
        QVERIFY(editor.setKeep(2));
        QCOMPARE(editor.undoStack()->count(), 1);
        editor.undoStack()->undo();
        QCOMPARE(editor.keep(), 4);
        QCOMPARE(editor.planJson(), at4);
        editor.undoStack()->redo();
        QCOMPARE(editor.keep(), 2);
        QCOMPARE(editor.planJson(), expectedJson(m_table, options(2, m_path)));

        // A move back to where the merged step began leaves nothing to undo.
        editor.undoStack()->clear();
        QVERIFY(editor.setKeep(3));
        QVERIFY(editor.setKeep(2));
        QCOMPARE(editor.undoStack()->count(), 0);
    }

    void refusedEditsSayWhy()
    {
        PlanEditor editor;
        QVERIFY(!editor.setKeep(4)); // no table
        editor.setSaliency(std::make_shared<const moecut::SaliencyTable>(m_table), m_path);
        QSignalSpy failed(&editor, &PlanEditor::editFailed);
        QVERIFY(!editor.setKeep(1));
        QCOMPARE(failed.count(), 1);
        QVERIFY2(editor.lastError().contains(QStringLiteral("below the router's top-k (2)")), qPrintable(editor.lastError()));
        QVERIFY(!editor.setKeep(7));
        QVERIFY(!editor.setDomain(QStringLiteral("poetry")));
        QVERIFY2(editor.lastError().contains(QStringLiteral("no domain \"poetry\"")), qPrintable(editor.lastError()));
        QVERIFY(!editor.setCriterion(QStringLiteral("loudness")));
        QVERIFY(!editor.setSwapDomain(QStringLiteral("knowledge"), 4)); // 4 swaps would replace all 4 kept
        QVERIFY(!editor.toggleSwap(1, 0));                               // kept by the ranking
        QVERIFY(!editor.removeSwap(1, 1));                               // not in a swap
        QVERIFY(!editor.addSwapIn(9, 1));                                // no such layer
        QCOMPARE(editor.undoStack()->count(), 0);
        QCOMPARE(editor.keep(), 4);
        QCOMPARE(editor.nearestValidKeep(1), 2);
        QCOMPARE(editor.nearestValidKeep(40), 6);
    }

    void manualSwapsAndUndo()
    {
        SaliencyModel model;
        QVERIFY(model.loadFile(m_path));
        PlanEditor editor;
        editor.setSaliencyModel(&model);
        const nlohmann::ordered_json base = editor.planJson();

        // Layer 1 keeps {0,2,3,5} by reap/all {0.5,0.1,0.9,0.3,0.3,0.7}.
        // Bringing 4 in pushes out 3, the weakest kept (rank 4).
        QVERIFY(editor.toggleSwap(1, 4));
        QCOMPARE(kept(editor, 1), (std::vector<int>{0, 2, 4, 5}));
        QCOMPARE(kept(editor, 2), (std::vector<int>{2, 3, 4, 5}));
        QCOMPARE(editor.plan().swaps.size(), std::size_t(1));
        QCOMPARE(editor.plan().swaps[0].layer, 1);
        QCOMPARE(editor.plan().swaps[0].out, 3);
        QCOMPARE(editor.plan().swaps[0].in, 4);
        QCOMPARE(editor.plan().swaps[0].domain, std::string("manual"));
        QCOMPARE(model.planStatus(0, 4), SaliencyModel::SwappedIn);
        QCOMPARE(model.planStatus(0, 3), SaliencyModel::SwappedOut);
        const nlohmann::ordered_json one = editor.planJson();
        QCOMPARE(one["swaps"].size(), std::size_t(1));
        QCOMPARE(one["keep"]["1"], nlohmann::ordered_json({0, 2, 4, 5}));

        // Then 1 in: the weakest kept that is not swapped in is 0 (rank 2).
        QVERIFY(editor.toggleSwap(1, 1));
        QCOMPARE(kept(editor, 1), (std::vector<int>{1, 2, 4, 5}));
        const nlohmann::ordered_json two = editor.planJson();

        // Removing the first swap brings 3 back and drops 4.
        QVERIFY(editor.toggleSwap(1, 4));
        QCOMPARE(kept(editor, 1), (std::vector<int>{1, 2, 3, 5}));
        QCOMPARE(editor.plan().swaps.size(), std::size_t(1));
        QCOMPARE(editor.plan().swaps[0].out, 0);
        // A click on a swapped-out expert undoes its swap too.
        QVERIFY(editor.toggleSwap(1, 0));
        QCOMPARE(editor.planJson(), base);
        QCOMPARE(editor.undoStack()->count(), 4);

        QUndoStack* undo = editor.undoStack();
        undo->undo();
        undo->undo();
        QCOMPARE(editor.planJson(), two);
        undo->undo();
        QCOMPARE(editor.planJson(), one);
        QCOMPARE(model.planStatus(0, 4), SaliencyModel::SwappedIn);
        undo->undo();
        QCOMPARE(editor.planJson(), base);
        QCOMPARE(model.planStatus(0, 4), SaliencyModel::Dropped);
        undo->redo();
        undo->redo();
        QCOMPARE(editor.planJson(), two);

        // Edits stay across a K change and are applied to the new base.
        // K = 5 keeps {0,2,3,4,5} in layer 1: adding 4 is moot, adding 1 pushes out 4.
        QVERIFY(editor.setKeep(5));
        QCOMPARE(kept(editor, 1), (std::vector<int>{0, 1, 2, 3, 5}));
        QVERIFY(moecut::plan_to_json(editor.plan()) != expectedJson(m_table, options(5, m_path)));
        QVERIFY(editor.clearSwapEdits());
        QCOMPARE(editor.planJson(), expectedJson(m_table, options(5, m_path)));
    }

    void automaticSwapsAndOtherOptions()
    {
        PlanEditor editor;
        editor.setSaliency(std::make_shared<const moecut::SaliencyTable>(m_table), m_path);
        QVERIFY(editor.setSwapDomain(QStringLiteral("knowledge"), 1));
        moecut::PlanOptions o = options(4, m_path);
        o.swap_domain = "knowledge";
        o.swaps = 1;
        QCOMPARE(editor.planJson(), expectedJson(m_table, o));
        QVERIFY(editor.setCriterion(QStringLiteral("frequency")));
        QVERIFY(editor.setDomain(QStringLiteral("code")));
        o.criterion = "frequency";
        o.domain = "code";
        QCOMPARE(editor.planJson(), expectedJson(m_table, o));
        QVERIFY(editor.setProtectSuperExperts(true));
        o.protect_super_experts = true;
        QCOMPARE(editor.planJson(), expectedJson(m_table, o));
        QCOMPARE(editor.undoStack()->count(), 4);
        editor.undoStack()->setIndex(0);
        QCOMPARE(editor.planJson(), expectedJson(m_table, options(4, m_path)));
    }

    void savedPlanReadsBackAndValidates()
    {
        PlanEditor editor;
        editor.setSaliency(std::make_shared<const moecut::SaliencyTable>(m_table), m_path);
        QVERIFY(editor.setKeep(3));
        QVERIFY(editor.toggleSwap(2, 0));
        const QString out = m_dir.filePath(QStringLiteral("plan.json"));
        QVERIFY2(editor.savePlan(out), qPrintable(editor.lastError()));
        const moecut::Plan back = moecut::read_plan(guitest::toPath(out));
        moecut::validate_plan(back, moecut::router_limits(m_table), out.toStdString());
        QCOMPARE(moecut::plan_to_json(back), editor.planJson());
        QCOMPARE(back.keep_count(), std::size_t(3));
        QCOMPARE(back.swaps.size(), std::size_t(1));

        const QString bad = m_dir.filePath(QStringLiteral("no/such/folder/plan.json"));
        QVERIFY(!editor.savePlan(bad));
        QVERIFY2(editor.lastError().startsWith(bad), qPrintable(editor.lastError()));
        QVERIFY(!editor.lastError().contains(QLatin1Char('\n')));
    }

    void demoPlanIsByteEqualToTheCli()
    {
        // tests/data/saliency_gui/README.md: demo_plan.json is what
        // `moecut plan --saliency out/demo/saliency.safetensors --keep 21
        //  --criterion reap --domain code --swap-domain knowledge --swaps 2` wrote.
        SaliencyModel model;
        QVERIFY2(model.loadFile(salfix::dataFile("demo_saliency.safetensors")), qPrintable(model.errorString()));
        PlanEditor editor;
        editor.setSaliency(model.table(), QStringLiteral("out/demo/saliency.safetensors"));
        QCOMPARE(editor.keep(), 21);
        QVERIFY(editor.setDomain(QStringLiteral("code")));
        QVERIFY(editor.setSwapDomain(QStringLiteral("knowledge"), 2));
        const QString out = m_dir.filePath(QStringLiteral("demo_plan.json"));
        QVERIFY(editor.savePlan(out));
        const QByteArray want = readAll(salfix::dataFile("demo_plan.json"));
        QVERIFY(!want.isEmpty());
        QCOMPARE(readAll(out), want);
    }
};

MOECUT_GUITEST_MAIN(TestPlanEditor)
#include "test_plan_editor.moc"

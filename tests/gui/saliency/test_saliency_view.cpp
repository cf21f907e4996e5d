// SaliencyView on the real widgets (offscreen): the keep-K slider and spin
// box give make_plan's plan, a mouse click on a heatmap cell swaps the expert
// in, undo/redo through the view's buttons, hover picks the distribution's
// layer, the display controls drive the model, and the saved plan passes
// moecut's read_plan and validate_plan.
#include "gui_test_support.h"
#include "saliency_fixture.h"

#include "qcustomplot_include.h"
#include "saliency_distribution_plot.h"
#include "saliency_heatmap.h"
#include "saliency_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolButton>

namespace {

nlohmann::ordered_json makePlanJson(const moecut::SaliencyTable& table, qint64 keep, const QString& path)
{
    moecut::PlanOptions o;
    o.keep = keep;
    o.saliency_path = path.toStdString();
    return moecut::plan_to_json(moecut::make_plan(table, o));
}

struct Setup
{
    SaliencyModel saliency;
    PlanEditor editor;
    SaliencyDistributionModel distribution;
    SaliencyView view;

    explicit Setup(const QString& path)
    {
        editor.setSaliencyModel(&saliency);
        distribution.setSourceModel(&saliency);
        view.setModels(&saliency, &editor, &distribution);
        saliency.loadFile(path);
        view.resize(1100, 800);
        view.show();
    }
    QPoint cellPixel(int row, int column)
    {
        view.heatmap()->plot()->replot();
        return view.heatmap()->pixelOf(row, column);
    }
};

} // namespace

class TestSaliencyView : public QObject
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

    void keepSliderAndSpinGiveMakePlan()
    {
        Setup s(m_path);
        QVERIFY(QTest::qWaitForWindowExposed(&s.view));
        QCOMPARE(s.view.keepSlider()->minimum(), 2);
        QCOMPARE(s.view.keepSlider()->maximum(), 6);
        QCOMPARE(s.view.keepSlider()->value(), 4);
        QCOMPARE(s.view.dropLabel()->text(), QStringLiteral("drops 2 experts per layer (33.3%)"));

        s.view.keepSlider()->setValue(3);
        QCOMPARE(s.editor.planJson(), makePlanJson(m_table, 3, m_path));
        QCOMPARE(s.view.keepSpinBox()->value(), 3);
        QCOMPARE(s.view.dropLabel()->text(), QStringLiteral("drops 3 experts per layer (50.0%)"));
        QTest::keyClick(s.view.keepSlider(), Qt::Key_Left);
        QCOMPARE(s.editor.keep(), 2);
        QCOMPARE(s.editor.planJson(), makePlanJson(m_table, 2, m_path));
        s.view.keepSpinBox()->setValue(5);
        QCOMPARE(s.view.keepSlider()->value(), 5);
        QCOMPARE(s.editor.planJson(), makePlanJson(m_table, 5, m_path));
        // The distribution shows the threshold after the 5th bar.
        QCOMPARE(s.view.distributionPlot()->thresholdPosition(), 5.5);
        QCOMPARE(s.view.distributionPlot()->keptBarCount(), 5);
        QCOMPARE(s.view.distributionPlot()->droppedBarCount(), 1);

        // The slider and spin moves are one undo step.
        QVERIFY(s.view.undoButton()->isEnabled());
        QTest::mouseClick(s.view.undoButton(), Qt::LeftButton);
        QCOMPARE(s.editor.keep(), 4);
        QCOMPARE(s.view.keepSlider()->value(), 4);
        QCOMPARE(s.editor.planJson(), makePlanJson(m_table, 4, m_path));
        QVERIFY(!s.view.undoButton()->isEnabled());
        QTest::mouseClick(s.view.redoButton(), Qt::LeftButton);
        QCOMPARE(s.editor.keep(), 5);
        QVERIFY(s.view.undoButton()->toolTip().contains(QStringLiteral("Keep 5 experts per layer")));
        // Ctrl+Z in the view undoes too.
        s.view.activateWindow();
        s.view.keepSlider()->setFocus();
        QTest::keySequence(&s.view, QKeySequence::Undo);
        QCOMPARE(s.editor.keep(), 4);
    }

    void clickOnACellSwapsTheExpertIn()
    {
        Setup s(m_path);
        QVERIFY(QTest::qWaitForWindowExposed(&s.view));
        const nlohmann::ordered_json base = s.editor.planJson();
        SaliencyHeatmap* heatmap = s.view.heatmap();
        QVERIFY(!heatmap->colorMap()->interpolate());
        QCOMPARE(heatmap->colorMap()->data()->keySize(), 6);
        QCOMPARE(heatmap->colorMap()->data()->valueSize(), 3);
        QCOMPARE(heatmap->colorScale()->axis()->label(), QStringLiteral("reap in 'all'"));
        // Layer 1 keeps {0,2,3,5}: dropped 1 and 4 are dimmed.
        QCOMPARE(int(heatmap->colorMap()->data()->alpha(1, 0)), 70);
        QCOMPARE(int(heatmap->colorMap()->data()->alpha(0, 0)), 255);

        const QPoint pixel = s.cellPixel(0, 4);
        QCOMPARE(heatmap->cellAt(pixel), QPoint(4, 0));
        QSignalSpy clicked(heatmap, &SaliencyHeatmap::expertClicked);
        QTest::mouseClick(heatmap->plot(), Qt::LeftButton, {}, pixel);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked[0][0].toInt(), 0);
        QCOMPARE(clicked[0][1].toInt(), 4);
        // Expert 4 in, 3 (the weakest kept by reap/all) out.
        const nlohmann::ordered_json swapped = s.editor.planJson();
        QCOMPARE(swapped["keep"]["1"], nlohmann::ordered_json({0, 2, 4, 5}));
        QCOMPARE(swapped["swaps"].size(), std::size_t(1));
        QCOMPARE(swapped["swaps"][0]["in"], 4);
        QCOMPARE(swapped["swaps"][0]["out"], 3);
        nlohmann::ordered_json rest = swapped;
        rest["keep"]["1"] = base["keep"]["1"];
        rest["swaps"] = base["swaps"];
        QCOMPARE(rest, base); // nothing else changed
        QCOMPARE(int(heatmap->colorMap()->data()->alpha(3, 0)), 70);
        QCOMPARE(int(heatmap->colorMap()->data()->alpha(4, 0)), 255);
        QCOMPARE(s.distribution.layerRow(), 0);
        QCOMPARE(s.view.distributionPlot()->swappedInBarCount(), 1);

        QTest::mouseClick(s.view.undoButton(), Qt::LeftButton);
        QCOMPARE(s.editor.planJson(), base);
        QTest::mouseClick(s.view.redoButton(), Qt::LeftButton);
        QCOMPARE(s.editor.planJson(), swapped);

        // Sorted within layers, column 5 of row 0 is the weakest expert, 1.
        s.view.sortCheck()->setChecked(true);
        QVERIFY(s.saliency.isSortedWithinLayer());
        QTest::mouseClick(heatmap->plot(), Qt::LeftButton, {}, s.cellPixel(0, 5));
        QCOMPARE(clicked.count(), 2);
        QCOMPARE(clicked[1][1].toInt(), 1);
        // 1 in; the weakest kept that was not swapped in is 0.
        QCOMPARE(s.editor.planJson()["keep"]["1"], nlohmann::ordered_json({1, 2, 4, 5}));
        // A click on a kept expert is refused with a message.
        QTest::mouseClick(heatmap->plot(), Qt::LeftButton, {}, s.cellPixel(1, 0));
        QVERIFY(!s.view.messageLabel()->text().isEmpty());
        QCOMPARE(s.editor.undoStack()->count(), 2);

        const QString out = m_dir.filePath(QStringLiteral("view_plan.json"));
        QVERIFY(s.editor.savePlan(out));
        const moecut::Plan back = moecut::read_plan(guitest::toPath(out));
        moecut::validate_plan(back, moecut::router_limits(m_table), out.toStdString());
        QCOMPARE(moecut::plan_to_json(back), s.editor.planJson());
        // MOECUT_SALIENCY_SCREENSHOT=FILE.png saves the view as drawn here, to look at.
        if (const QString shot = qEnvironmentVariable("MOECUT_SALIENCY_SCREENSHOT"); !shot.isEmpty()) {
            s.view.distributionPlot()->plot()->replot();
            QVERIFY(s.view.grab().save(shot));
        }
    }

    void hoverPicksTheDistributionLayer()
    {
        Setup s(m_path);
        QVERIFY(QTest::qWaitForWindowExposed(&s.view));
        QCOMPARE(s.distribution.layerRow(), 0);
        SaliencyHeatmap* heatmap = s.view.heatmap();
        QSignalSpy hovered(heatmap, &SaliencyHeatmap::rowHovered);
        QTest::mouseMove(heatmap->plot(), s.cellPixel(2, 1));
        QTRY_COMPARE(hovered.count(), 1);
        QCOMPARE(s.distribution.layerRow(), 2);
        QCOMPARE(s.distribution.title(), QStringLiteral("MTP layer 3"));
        QCOMPARE(s.view.distributionPlot()->thresholdPosition(), 4.5);
        QVERIFY(s.saliency.index(2, 1).data(Qt::ToolTipRole).toString().contains(QStringLiteral("MTP layer 3, expert 1")));
    }

    void displayControlsDriveTheModel()
    {
        Setup s(m_path);
        s.view.statisticCombo()->setCurrentIndex(s.view.statisticCombo()->findData(QStringLiteral("count")));
        QCOMPARE(s.saliency.statistic(), QStringLiteral("count"));
        s.view.statisticCombo()->setCurrentIndex(s.view.statisticCombo()->findData(QStringLiteral("reap")));
        s.view.domainCombo()->setCurrentIndex(s.view.domainCombo()->findData(QStringLiteral("code")));
        QCOMPARE(s.saliency.domain(), QStringLiteral("code"));
        s.view.differenceDomainCombo()->setCurrentIndex(
            s.view.differenceDomainCombo()->findData(QStringLiteral("knowledge")));
        s.view.differenceCheck()->setChecked(true);
        QVERIFY(s.saliency.isDifference());
        QCOMPARE(s.saliency.differenceA(), QStringLiteral("code"));
        QCOMPARE(s.saliency.differenceB(), QStringLiteral("knowledge"));
        QCOMPARE(s.view.heatmap()->colorScale()->axis()->label(), QStringLiteral("reap: 'code' − 'knowledge'"));
        // Diverging scale, symmetric around 0: row 1's 5.0 is the largest |difference|.
        const QCPRange range = s.view.heatmap()->colorMap()->dataRange();
        QCOMPARE(range.lower, -5.0);
        QCOMPARE(range.upper, 5.0);
        s.view.differenceCheck()->setChecked(false);
        QVERIFY(!s.saliency.isDifference());
        // The plan is not touched by what is shown.
        QCOMPARE(s.editor.undoStack()->count(), 0);
    }

    void loadFailureIsShown()
    {
        Setup s(m_dir.filePath(QStringLiteral("missing.safetensors")));
        QVERIFY(s.view.messageLabel()->text().startsWith(m_dir.filePath(QStringLiteral("missing.safetensors"))));
        QVERIFY(!s.view.keepSlider()->isEnabled());
        QVERIFY(s.saliency.loadFile(m_path));
        QVERIFY(s.view.keepSlider()->isEnabled());
        QVERIFY(s.view.messageLabel()->text().isEmpty());
        auto* save = s.view.findChild<QPushButton*>();
        QVERIFY(save && save->isVisible());
        QSignalSpy saveRequested(&s.view, &SaliencyView::savePlanRequested);
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(saveRequested.count(), 1);
        s.view.setSavePlanButtonVisible(false);
        QVERIFY(!save->isVisible());
    }
};

MOECUT_GUITEST_MAIN(TestSaliencyView)
#include "test_saliency_view.moc"

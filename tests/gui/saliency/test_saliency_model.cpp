// SaliencyModel and SaliencyDistributionModel: a hand-made table written by
// moecut's saliency writer, values, sorting and differences against
// hand-computed numbers, plan status, tooltips, load errors, and the
// committed real saliency file of the demo pipeline.
#include "gui_test_support.h"
#include "saliency_fixture.h"

#include "saliency_distribution_model.h"
#include "saliency_model.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QTemporaryDir>

namespace {

QList<int> expertsOfRow(const SaliencyModel& model, int row)
{
    QList<int> out;
    for (int c = 0; c < model.columnCount(); ++c)
        out << model.index(row, c).data(SaliencyModel::ExpertRole).toInt();
    return out;
}

QList<double> valuesOfRow(const SaliencyModel& model, int row)
{
    QList<double> out;
    for (int c = 0; c < model.columnCount(); ++c)
        out << model.index(row, c).data(SaliencyModel::ValueRole).toDouble();
    return out;
}

void compareValues(const QList<double>& got, const QList<double>& want)
{
    QCOMPARE(got.size(), want.size());
    for (int i = 0; i < got.size(); ++i) {
        if (std::abs(got[i] - want[i]) > 1e-6)
            QFAIL(qPrintable(QStringLiteral("value %1: got %2, want %3").arg(i).arg(got[i]).arg(want[i])));
    }
}

} // namespace

class TestSaliencyModel : public QObject
{
    Q_OBJECT

private slots:
    void valuesAndHeadersOfAHandTable()
    {
        QTemporaryDir dir;
        SaliencyModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.loadFile(salfix::writeHandTable(dir.path())));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), 6);
        QCOMPARE(model.domains(), (QStringList{QStringLiteral("all"), QStringLiteral("code"), QStringLiteral("knowledge")}));
        QCOMPARE(model.statistic(), QStringLiteral("reap"));
        QCOMPARE(model.domain(), QStringLiteral("all"));
        compareValues(valuesOfRow(model, 0), {0.5, 0.1, 0.9, 0.3, 0.3, 0.7});
        QCOMPARE(model.index(0, 2).data().toString(), QStringLiteral("0.9"));
        QCOMPARE(expertsOfRow(model, 0), (QList<int>{0, 1, 2, 3, 4, 5}));
        // Ranks within the row: 0.9, 0.7, 0.5, then the tie 0.3/0.3 goes to the lower id.
        QCOMPARE(model.index(0, 2).data(SaliencyModel::RankRole).toInt(), 0);
        QCOMPARE(model.index(0, 3).data(SaliencyModel::RankRole).toInt(), 3);
        QCOMPARE(model.index(0, 4).data(SaliencyModel::RankRole).toInt(), 4);
        QCOMPARE(model.index(0, 1).data(SaliencyModel::RankRole).toInt(), 5);
        QCOMPARE(model.index(2, 0).data(SaliencyModel::LayerRole).toInt(), 3);
        QVERIFY(model.index(2, 0).data(SaliencyModel::MtpRole).toBool());
        QVERIFY(!model.index(1, 0).data(SaliencyModel::MtpRole).toBool());
        QCOMPARE(model.headerData(0, Qt::Vertical).toString(), QStringLiteral("1"));
        QCOMPARE(model.headerData(2, Qt::Vertical).toString(), QStringLiteral("MTP 3"));
        QCOMPARE(model.headerData(4, Qt::Horizontal).toString(), QStringLiteral("4"));
        QCOMPARE(model.index(0, 0).data(SaliencyModel::PlanStatusRole).toInt(), int(SaliencyModel::NoPlan));

        // Other statistics and domains: count = (10 row + e + 1) * (domain + 1).
        QVERIFY(model.setStatistic(QStringLiteral("count")));
        QVERIFY(model.setDomain(QStringLiteral("knowledge")));
        compareValues(valuesOfRow(model, 1), {33, 36, 39, 42, 45, 48});
        QVERIFY(!model.setStatistic(QStringLiteral("loudness")));
        QVERIFY(!model.setDomain(QStringLiteral("poetry")));
        QCOMPARE(model.statistic(), QStringLiteral("count"));
        QCOMPARE(model.valueLabel(), QStringLiteral("count in 'knowledge'"));
    }

    void sortingWithinLayerGivesRankedExperts()
    {
        QTemporaryDir dir;
        SaliencyModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.loadFile(salfix::writeHandTable(dir.path())));
        model.setSortedWithinLayer(true);
        // Row 0 reap/all {0.5,0.1,0.9,0.3,0.3,0.7}: 2, 5, 0, then 3 before 4 (tie), 1.
        QCOMPARE(expertsOfRow(model, 0), (QList<int>{2, 5, 0, 3, 4, 1}));
        compareValues(valuesOfRow(model, 0), {0.9, 0.7, 0.5, 0.3, 0.3, 0.1});
        QCOMPARE(expertsOfRow(model, 1), (QList<int>{5, 4, 3, 2, 1, 0}));
        // Row 2 {0.2,0.2,0.2,0.8,0.1,0}: 3, then the three-way tie in id order.
        QCOMPARE(expertsOfRow(model, 2), (QList<int>{3, 0, 1, 2, 4, 5}));
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("#1"));
        QCOMPARE(model.columnOfExpert(0, 1), 5);
        QCOMPARE(model.expertAt(0, 1), 5);
        for (int c = 0; c < 6; ++c)
            QCOMPARE(model.index(0, c).data(SaliencyModel::RankRole).toInt(), c);

        model.setSortedWithinLayer(false);
        QCOMPARE(expertsOfRow(model, 0), (QList<int>{0, 1, 2, 3, 4, 5}));
    }

    void differenceBetweenDomains()
    {
        QTemporaryDir dir;
        SaliencyModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.loadFile(salfix::writeHandTable(dir.path())));
        QVERIFY(model.setDifference(QStringLiteral("code"), QStringLiteral("knowledge")));
        QVERIFY(model.isDifference());
        // code - knowledge, by hand.
        compareValues(valuesOfRow(model, 0), {0.5, -0.7, 0.6, -0.6, 0.1, 0.5});
        compareValues(valuesOfRow(model, 1), {5, 4, 3, 2, 1, 0});
        compareValues(valuesOfRow(model, 2), {0.5, 0.1, -0.3, 0.0, -0.8, -0.15});
        QCOMPARE(model.valueLabel(), QStringLiteral("reap: 'code' − 'knowledge'"));
        model.setSortedWithinLayer(true);
        // 0.6 (2); 0.5 twice (0 and 5); 0.1 (4); -0.6 (3); -0.7 (1).
        QCOMPARE(expertsOfRow(model, 0), (QList<int>{2, 0, 5, 4, 3, 1}));
        // Row 2: 0.5 (0); 0.1 (1); 0 (3); -0.15 (5); -0.3 (2); -0.8 (4).
        QCOMPARE(expertsOfRow(model, 2), (QList<int>{0, 1, 3, 5, 2, 4}));
        QVERIFY(!model.setDifference(QStringLiteral("code"), QStringLiteral("poetry")));
        model.clearDifference();
        QVERIFY(!model.isDifference());
        QCOMPARE(expertsOfRow(model, 0), (QList<int>{2, 5, 0, 3, 4, 1}));
    }

    void planStatusAndToolTip()
    {
        QTemporaryDir dir;
        SaliencyModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.loadFile(salfix::writeHandTable(dir.path())));
        moecut::Plan plan;
        plan.keep = {{1, {0, 2, 4, 5}}, {2, {2, 3, 4, 5}}, {3, {0, 1, 2, 3}}};
        plan.swaps.push_back({1, 3, 4, "knowledge", "by hand"});
        QSignalSpy planSpy(&model, &SaliencyModel::planChanged);
        model.setPlan(plan);
        QCOMPARE(planSpy.count(), 1);
        auto status = [&](int row, int column) { return model.index(row, column).data(SaliencyModel::PlanStatusRole).toInt(); };
        QCOMPARE(status(0, 0), int(SaliencyModel::Kept));
        QCOMPARE(status(0, 1), int(SaliencyModel::Dropped));
        QCOMPARE(status(0, 3), int(SaliencyModel::SwappedOut));
        QCOMPARE(status(0, 4), int(SaliencyModel::SwappedIn));
        QCOMPARE(model.index(0, 4).data(SaliencyModel::SwapPartnerRole).toInt(), 3);
        QCOMPARE(model.index(0, 3).data(SaliencyModel::SwapPartnerRole).toInt(), 4);
        QCOMPARE(model.index(0, 0).data(SaliencyModel::SwapPartnerRole).toInt(), -1);
        QCOMPARE(status(1, 0), int(SaliencyModel::Dropped));
        QCOMPARE(status(2, 3), int(SaliencyModel::Kept));

        const QString tip = model.index(0, 4).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("Layer 1, expert 4")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("swapped in, replacing expert 3")), qPrintable(tip));
        // Statistics of every domain: reap 0.3 (all), 0.4 (code), 0.3 (knowledge); count 5, 10, 15.
        for (const char* domain : {"all", "code", "knowledge"})
            QVERIFY2(tip.contains(QStringLiteral("<td>%1</td>").arg(QLatin1String(domain))), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral(">15<")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral(">0.4<")), qPrintable(tip));
        QVERIFY2(tip.contains(QStringLiteral("rank 5 of 6")), qPrintable(tip));

        model.clearPlan();
        QCOMPARE(status(0, 4), int(SaliencyModel::NoPlan));
    }

    void loadErrorsAreOneLineNamingTheFile()
    {
        QTemporaryDir dir;
        SaliencyModel model;
        QVERIFY(model.loadFile(salfix::writeHandTable(dir.path())));
        QSignalSpy failed(&model, &SaliencyModel::loadFailed);

        const QString missing = dir.filePath(QStringLiteral("absent.safetensors"));
        QVERIFY(!model.loadFile(missing));
        QCOMPARE(failed.count(), 1);
        QVERIFY2(model.errorString().startsWith(missing), qPrintable(model.errorString()));
        QVERIFY(!model.errorString().contains(QLatin1Char('\n')));

        const QString garbage = dir.filePath(QStringLiteral("garbage.safetensors"));
        QFile f(garbage);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a safetensors file at all");
        f.close();
        QVERIFY(!model.loadFile(garbage));
        QVERIFY2(model.errorString().startsWith(garbage), qPrintable(model.errorString()));
        QVERIFY(!model.errorString().contains(QLatin1Char('\n')));
        // The table loaded before stays.
        QCOMPARE(model.rowCount(), 3);
    }

    void realDemoFile()
    {
        SaliencyModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY2(model.loadFile(salfix::dataFile("demo_saliency.safetensors")), qPrintable(model.errorString()));
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), 32);
        QCOMPARE(model.headerData(4, Qt::Vertical).toString(), QStringLiteral("MTP 5"));
        QVERIFY(model.setDomain(QStringLiteral("code")));
        QVERIFY(model.setDifference(QStringLiteral("code"), QStringLiteral("knowledge")));
        model.setSortedWithinLayer(true);
        for (int r = 0; r < model.rowCount(); ++r) {
            const QList<double> v = valuesOfRow(model, r);
            for (int c = 1; c < v.size(); ++c)
                QVERIFY(v[c - 1] >= v[c]);
        }
    }

    void distributionOfOneLayer()
    {
        QTemporaryDir dir;
        SaliencyModel model;
        QVERIFY(model.loadFile(salfix::writeHandTable(dir.path())));
        SaliencyDistributionModel dist;
        QAbstractItemModelTester tester(&dist, QAbstractItemModelTester::FailureReportingMode::QtTest);
        dist.setSourceModel(&model);
        QCOMPARE(dist.rowCount(), 0);
        QSignalSpy rowSpy(&dist, &SaliencyDistributionModel::layerRowChanged);
        dist.setLayerRow(0);
        QCOMPARE(rowSpy.count(), 1);
        QCOMPARE(dist.rowCount(), 6);
        QCOMPARE(dist.columnCount(), int(SaliencyDistributionModel::ColumnCount));
        QList<int> experts;
        QList<double> values;
        for (int r = 0; r < dist.rowCount(); ++r) {
            experts << dist.index(r, 0).data(SaliencyDistributionModel::ExpertRole).toInt();
            values << dist.index(r, 0).data(SaliencyDistributionModel::ValueRole).toDouble();
        }
        QCOMPARE(experts, (QList<int>{2, 5, 0, 3, 4, 1}));
        compareValues(values, {0.9, 0.7, 0.5, 0.3, 0.3, 0.1});
        QCOMPARE(dist.index(0, SaliencyDistributionModel::RankColumn).data().toInt(), 1);
        QCOMPARE(dist.title(), QStringLiteral("Layer 1"));
        QCOMPARE(dist.keepCount(), 0);

        moecut::Plan plan;
        plan.keep = {{1, {0, 2, 3, 5}}, {2, {2, 3, 4, 5}}, {3, {0, 1, 2, 3}}};
        model.setPlan(plan);
        QCOMPARE(dist.keepCount(), 4);
        QCOMPARE(dist.index(3, 0).data(SaliencyDistributionModel::PlanStatusRole).toInt(), int(SaliencyModel::Kept));
        QCOMPARE(dist.index(4, 0).data(SaliencyDistributionModel::PlanStatusRole).toInt(), int(SaliencyModel::Dropped));
        QCOMPARE(dist.index(4, SaliencyDistributionModel::StatusColumn).data().toString(), QStringLiteral("dropped"));

        // It follows the source's statistic and domain.
        QVERIFY(model.setDomain(QStringLiteral("code")));
        QCOMPARE(dist.index(0, 0).data(SaliencyDistributionModel::ExpertRole).toInt(), 5);
        dist.setLayerRow(2);
        QCOMPARE(dist.title(), QStringLiteral("MTP layer 3"));
        dist.setLayerRow(7);
        QCOMPARE(dist.layerRow(), -1);
        QCOMPARE(dist.rowCount(), 0);
        model.clear();
        QCOMPARE(dist.rowCount(), 0);
    }
};

MOECUT_GUITEST_MAIN(TestSaliencyModel)
#include "test_saliency_model.moc"

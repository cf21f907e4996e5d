// LayerTableModel: a hand-written report with exact cell values, the report of
// a real tiny checkpoint, malformed input, and sorting through a proxy.
#include "gui_test_support.h"

#include "layer_table_model.h"

#include "moecut/arch.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>

namespace {

// The layer_table of a five-layer report: dense, MoE with indexer weights,
// two MoE layers sharing them, an MTP layer.
nlohmann::json handWrittenReport()
{
    return nlohmann::json::parse(R"({
      "model_type": "glm_moe_dsa",
      "layer_table": [
        {"index": 0, "kind": "dense", "mtp": false, "indexer": "full",   "params": 12345,    "bytes": 24690},
        {"index": 1, "kind": "moe",   "mtp": false, "indexer": "full",   "params": 2500000,  "bytes": 5000000},
        {"index": 2, "kind": "moe",   "mtp": false, "indexer": "shared", "params": 2400000,  "bytes": 4800000},
        {"index": 3, "kind": "moe",   "mtp": false, "indexer": "shared", "params": 2400000,  "bytes": 4800000},
        {"index": 4, "kind": "moe",   "mtp": true,  "indexer": "none",   "params": 3100000000, "bytes": 6200000000}
      ]})");
}

QVariant raw(const QAbstractItemModel& model, int row, int column)
{
    return model.index(row, column).data(LayerTableModel::RawRole);
}

QString shown(const QAbstractItemModel& model, int row, int column)
{
    return model.index(row, column).data().toString();
}

} // namespace

class TestLayerTableModel : public QObject
{
    Q_OBJECT

private slots:
    void handWrittenReportGivesExactCells()
    {
        LayerTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);

        model.setReport(handWrittenReport());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), 6);

        QCOMPARE(raw(model, 0, LayerTableModel::IndexColumn).toInt(), 0);
        QCOMPARE(raw(model, 0, LayerTableModel::KindColumn).toString(), QStringLiteral("dense"));
        QCOMPARE(raw(model, 0, LayerTableModel::ParamsColumn).toLongLong(), 12345);
        QCOMPARE(raw(model, 0, LayerTableModel::BytesColumn).toLongLong(), 24690);
        QCOMPARE(raw(model, 2, LayerTableModel::IndexerColumn).toString(), QStringLiteral("shared"));
        QCOMPARE(raw(model, 4, LayerTableModel::MtpColumn).toBool(), true);
        QCOMPARE(raw(model, 3, LayerTableModel::MtpColumn).toBool(), false);
        QCOMPARE(raw(model, 4, LayerTableModel::BytesColumn).toLongLong(), Q_INT64_C(6200000000));

        QCOMPARE(shown(model, 0, LayerTableModel::KindColumn), QStringLiteral("Dense"));
        QCOMPARE(shown(model, 1, LayerTableModel::KindColumn), QStringLiteral("MoE"));
        QCOMPARE(shown(model, 1, LayerTableModel::IndexerColumn), QStringLiteral("Full"));
        QCOMPARE(shown(model, 2, LayerTableModel::IndexerColumn), QStringLiteral("Shared"));
        QCOMPARE(shown(model, 4, LayerTableModel::MtpColumn), QStringLiteral("MTP"));
        QCOMPARE(shown(model, 3, LayerTableModel::MtpColumn), QString());
        QCOMPARE(shown(model, 1, LayerTableModel::ParamsColumn), QLocale().toString(2.5, 'f', 1) + QStringLiteral(" M"));
        QCOMPARE(shown(model, 4, LayerTableModel::ParamsColumn), QLocale().toString(3.1, 'f', 1) + QStringLiteral(" B"));
        QCOMPARE(model.index(0, LayerTableModel::ParamsColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("%1 parameters").arg(QLocale().toString(12345)));

        QCOMPARE(model.headerData(LayerTableModel::IndexColumn, Qt::Horizontal).toString(), QStringLiteral("Layer"));
        QCOMPARE(model.headerData(LayerTableModel::BytesColumn, Qt::Horizontal).toString(), QStringLiteral("Size"));

        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void tinyCheckpointMatchesItsArchitecture()
    {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString folder = temp.filePath(QStringLiteral("tiny"));
        guitest::makeTinyCheckpoint(folder);
        const nlohmann::json report = guitest::inspect(folder);
        const moecut::ArchDescriptor arch =
            moecut::ArchDescriptor::from_file(guitest::toPath(folder + QStringLiteral("/config.json")));

        LayerTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setReport(report);

        QCOMPARE(model.rowCount(), static_cast<int>(arch.layers.size()));
        QCOMPARE(model.rowCount(), static_cast<int>(report.at("layer_table").size()));
        bool sawMoe = false, sawDense = false, sawMtp = false;
        for (int row = 0; row < model.rowCount(); ++row) {
            const moecut::LayerSpec& spec = arch.layers.at(row);
            QCOMPARE(raw(model, row, LayerTableModel::IndexColumn).toInt(), spec.index);
            QCOMPARE(raw(model, row, LayerTableModel::KindColumn).toString(),
                     spec.is_moe ? QStringLiteral("moe") : QStringLiteral("dense"));
            QCOMPARE(raw(model, row, LayerTableModel::MtpColumn).toBool(), spec.is_mtp);
            const char* indexer = spec.indexer == moecut::IndexerKind::Full     ? "full"
                                  : spec.indexer == moecut::IndexerKind::Shared ? "shared"
                                                                                : "none";
            QCOMPARE(raw(model, row, LayerTableModel::IndexerColumn).toString(), QString::fromLatin1(indexer));
            QVERIFY(raw(model, row, LayerTableModel::ParamsColumn).toLongLong() > 0);
            QVERIFY(raw(model, row, LayerTableModel::BytesColumn).toLongLong() > 0);
            sawMoe |= spec.is_moe && !spec.is_mtp;
            sawDense |= !spec.is_moe;
            sawMtp |= spec.is_mtp;
        }
        QVERIFY(sawMoe && sawDense && sawMtp); // the tiny model has every kind of layer
    }

    void malformedReportsGiveNoRows()
    {
        LayerTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setReport(nlohmann::json::parse(R"({"layer_table": {"index": 0}})"));
        QCOMPARE(model.rowCount(), 0);
        model.setReport(nlohmann::json::parse(R"([1, 2, 3])"));
        QCOMPARE(model.rowCount(), 0);
        // Non-object rows are skipped; wrong-typed fields fall back to defaults.
        model.setReport(nlohmann::json::parse(R"({"layer_table": [7, {"index": "x", "kind": "moe", "params": "many"}]})"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(raw(model, 0, LayerTableModel::IndexColumn).toInt(), 0);
        QCOMPARE(raw(model, 0, LayerTableModel::ParamsColumn).toLongLong(), 0);
        QCOMPARE(raw(model, 0, LayerTableModel::IndexerColumn).toString(), QStringLiteral("none"));
    }

    void sortsByRawValuesThroughAProxy()
    {
        LayerTableModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(LayerTableModel::RawRole);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setReport(handWrittenReport());

        proxy.sort(LayerTableModel::ParamsColumn, Qt::DescendingOrder);
        QCOMPARE(raw(proxy, 0, LayerTableModel::IndexColumn).toInt(), 4);
        QCOMPARE(raw(proxy, 4, LayerTableModel::IndexColumn).toInt(), 0);
        // Numeric, not textual: "2.5 M" sorts above "12,345".
        QCOMPARE(raw(proxy, 1, LayerTableModel::IndexColumn).toInt(), 1);

        proxy.sort(LayerTableModel::KindColumn, Qt::AscendingOrder);
        QCOMPARE(raw(proxy, 0, LayerTableModel::KindColumn).toString(), QStringLiteral("dense"));
    }
};

MOECUT_GUITEST_MAIN(TestLayerTableModel)
#include "test_layer_table_model.moc"

// SummaryModel: the fields of a hand-written report, those of a real tiny
// checkpoint against its config, and malformed input.
#include "gui_test_support.h"

#include "summary_model.h"

#include "moecut/arch.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>

namespace {

nlohmann::json handWrittenReport()
{
    return nlohmann::json::parse(R"({
      "model_type": "glm_moe_dsa", "architecture": "GlmMoeDsaForCausalLM",
      "layers": 6, "mtp_layers": [6], "moe_layers": [2, 3, 4, 5], "dense_layers": [0, 1],
      "routed_experts": 16, "experts_per_token": 4, "shared_experts": 1, "routing": "sigmoid",
      "indexer_full_layers": [0, 1, 3], "indexer_shared_layers": [2, 4, 5],
      "params_total": 753864139008, "params_active": 40000000000, "bytes_on_disk": 1536,
      "dtypes": {"BF16": 1024, "F32": 512}, "expert_layout": "per-expert", "fp8": false,
      "hidden_size": 6144, "vocab_size": 154880, "attention": "mla",
      "problems": ["model.safetensors: lm_head.weight: missing"],
      "layer_table": []
    })");
}

} // namespace

class TestSummaryModel : public QObject
{
    Q_OBJECT

private slots:
    void handWrittenReportGivesFormattedFields()
    {
        SummaryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.isEmpty());
        QCOMPARE(model.title(), QString());

        model.setReport(QStringLiteral("/models/glm"), handWrittenReport());
        // The folder row plus one row per report key (layer_table has none).
        QCOMPARE(model.rowCount(), 23);
        QCOMPARE(model.columnCount(), 2);
        QCOMPARE(model.title(), QStringLiteral("glm_moe_dsa · GlmMoeDsaForCausalLM"));
        QCOMPARE(model.folder(), QStringLiteral("/models/glm"));

        QCOMPARE(model.index(0, SummaryModel::FieldColumn).data().toString(), QStringLiteral("Folder"));
        const int experts = model.rowOfKey(QStringLiteral("routed_experts"));
        QVERIFY(experts > 0);
        QCOMPARE(model.index(experts, SummaryModel::FieldColumn).data().toString(), QStringLiteral("Routed experts"));
        QCOMPARE(model.index(experts, SummaryModel::ValueColumn).data().toString(), QStringLiteral("16"));
        QCOMPARE(model.index(experts, SummaryModel::ValueColumn).data(SummaryModel::RawRole).toLongLong(), 16);

        QCOMPARE(model.displayValue(QStringLiteral("moe_layers")), QStringLiteral("layers 2–5"));
        QCOMPARE(model.displayValue(QStringLiteral("indexer_full_layers")), QStringLiteral("layers 0, 1, 3"));
        QCOMPARE(model.displayValue(QStringLiteral("mtp_layers")), QStringLiteral("layer 6"));
        QCOMPARE(model.displayValue(QStringLiteral("attention")), QStringLiteral("MLA"));
        QCOMPARE(model.displayValue(QStringLiteral("fp8")), QStringLiteral("no"));
        QCOMPARE(model.displayValue(QStringLiteral("params_total")), QLocale().toString(753.9, 'f', 1) + QStringLiteral(" B"));
        QCOMPARE(model.displayValue(QStringLiteral("bytes_on_disk")), QLocale().formattedDataSize(1536, 2, QLocale::DataSizeIecFormat));
        QCOMPARE(model.displayValue(QStringLiteral("problems")), QStringLiteral("1 found"));
        QCOMPARE(model.problems(), QStringList{QStringLiteral("model.safetensors: lm_head.weight: missing")});
        const int total = model.rowOfKey(QStringLiteral("params_total"));
        QCOMPARE(model.index(total, SummaryModel::ValueColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("%1 parameters").arg(QLocale().toString(Q_INT64_C(753864139008))));

        model.clear();
        QVERIFY(model.isEmpty());
        QCOMPARE(model.rowCount(), 0);
    }

    void tinyCheckpointMatchesItsConfig()
    {
        QTemporaryDir temp;
        QVERIFY(temp.isValid());
        const QString folder = temp.filePath(QStringLiteral("tiny"));
        guitest::makeTinyCheckpoint(folder);
        const moecut::ArchDescriptor arch =
            moecut::ArchDescriptor::from_config(moecut::tiny_config(moecut::Family::GlmMoeDsa), "config.json");

        SummaryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setReport(folder, guitest::inspect(folder));

        QCOMPARE(model.displayValue(QStringLiteral("model_type")), QStringLiteral("glm_moe_dsa"));
        QCOMPARE(model.displayValue(QStringLiteral("routed_experts")),
                 QLocale().toString(qint64(arch.router.n_experts)));
        QCOMPARE(model.displayValue(QStringLiteral("hidden_size")),
                 QLocale().toString(qint64(arch.hidden_size)));
        QCOMPARE(model.displayValue(QStringLiteral("layers")),
                 QLocale().toString(qint64(arch.num_hidden_layers)));
        QVERIFY(model.title().startsWith(QStringLiteral("glm_moe_dsa · ")));
        QCOMPARE(model.problems(), QStringList());
    }

    void malformedReportsDoNotThrow()
    {
        SummaryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setReport(QString(), nlohmann::json::parse(R"({"routed_experts": "lots", "moe_layers": 3, "dtypes": [1]})"));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.displayValue(QStringLiteral("routed_experts")), QStringLiteral("lots"));
        QCOMPARE(model.displayValue(QStringLiteral("moe_layers")), QStringLiteral("3"));
        model.setReport(QString(), nlohmann::json::array());
        QCOMPARE(model.rowCount(), 0);
    }
};

MOECUT_GUITEST_MAIN(TestSummaryModel)
#include "test_summary_model.moc"

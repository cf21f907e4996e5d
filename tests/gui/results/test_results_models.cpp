// The results models over real `moecut eval` / `moecut sweep` folders
// (tests/data/eval_runs): loading and its errors, the values against
// results.json, baselines, the sweep grid, and CSV export.
#include "gui_test_support.h"
#include "results_test_support.h"

#include "csv_exporter.h"
#include "leaderboard_model.h"
#include "per_source_model.h"
#include "results_comparison.h"
#include "results_loader.h"
#include "results_roles.h"
#include "run_comparison_model.h"
#include "sweep_model.h"

#include "moecut/stats/multiple.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>

using resultstest::fixture;
using resultstest::results;

namespace {

EvalRunPtr load(const QString& name)
{
    QString error;
    EvalRunPtr run = ResultsLoader::loadRun(fixture(name), &error);
    if (!run)
        qWarning("%s", qPrintable(error));
    return run;
}

QVariant raw(const QAbstractItemModel& m, int row, int column)
{
    return m.data(m.index(row, column), ResultsRoles::RawRole);
}

void writeFile(const QString& file, const QByteArray& bytes)
{
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(bytes);
}

void copyRun(const QString& from, const QString& to)
{
    QDir().mkpath(to);
    for (const char* name : {"results.json", "samples.jsonl"})
        QVERIFY(QFile::copy(QDir(from).filePath(QLatin1String(name)), QDir(to).filePath(QLatin1String(name))));
}

} // namespace

class TestResultsModels : public QObject
{
    Q_OBJECT

private slots:
    void loadsRun()
    {
        const EvalRunPtr run = load(QStringLiteral("low-temp"));
        QVERIFY(run);
        const auto j = results(QStringLiteral("low-temp"));
        QCOMPARE(run->label, QStringLiteral("low-temp"));
        const auto& overall = j["metrics"]["overall"];
        QCOMPARE(run->metrics.overall.valid, overall["valid"].get<std::uint64_t>());
        QCOMPARE(run->metrics.overall.loops, overall["loops"].get<std::uint64_t>());
        QCOMPARE(run->metrics.overall.loop_rate->upper, overall["loop_rate"]["upper"].get<double>());
        QCOMPARE(run->metrics.sources.size(), j["metrics"]["sources"].size());
        QCOMPARE(run->records.size(), std::size_t(overall["samples"].get<std::uint64_t>()));
        QVERIFY(run->recordsFile.endsWith(QStringLiteral("samples.jsonl")));
        QCOMPARE(ResultsLoader::kindOf(fixture(QStringLiteral("low-temp"))), ResultsLoader::FolderKind::Run);
        QCOMPARE(ResultsLoader::kindOf(fixture(QStringLiteral("sweep"))), ResultsLoader::FolderKind::Sweep);
    }

    void loadErrorsNameTheFile()
    {
        QTemporaryDir dir;
        QString error;
        QVERIFY(!ResultsLoader::loadRun(dir.path(), &error));
        QVERIFY2(error.contains(dir.path()) && error.contains(QStringLiteral("results.json")), qPrintable(error));

        const QString results = dir.filePath(QStringLiteral("results.json"));
        writeFile(results, "{\"name\": \"x\", ");
        QVERIFY(!ResultsLoader::loadRun(dir.path(), &error));
        QVERIFY2(error.startsWith(results + QStringLiteral(": not valid JSON")), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));

        writeFile(results, "{\"name\": \"x\"}");
        QVERIFY(!ResultsLoader::loadRun(dir.path(), &error));
        QVERIFY2(error.startsWith(results + QStringLiteral(": no \"metrics\"")), qPrintable(error));
        QVERIFY(!ResultsLoader::loadSweep(dir.path(), &error));
        QVERIFY2(error.startsWith(results + QStringLiteral(": no \"cells\"")), qPrintable(error));

        QFile::remove(results);
        copyRun(fixture(QStringLiteral("raw")), dir.path());
        const QString samples = dir.filePath(QStringLiteral("samples.jsonl"));
        QFile in(samples);
        QVERIFY(in.open(QIODevice::Append));
        in.write("{\"probe_id\": \"p\", \"outcome\": \"exploded\"}\n");
        in.close();
        QVERIFY(!ResultsLoader::loadRun(dir.path(), &error));
        QVERIFY2(error.startsWith(samples + QStringLiteral(":25: ")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("exploded")), qPrintable(error));
    }

    void runWithoutSamplesUsesCounts()
    {
        QTemporaryDir dir;
        QDir().mkpath(dir.filePath(QStringLiteral("a")));
        QVERIFY(QFile::copy(QDir(fixture(QStringLiteral("low-temp"))).filePath(QStringLiteral("results.json")),
                            dir.filePath(QStringLiteral("a/results.json"))));
        QString error;
        const EvalRunPtr counted = ResultsLoader::loadRun(dir.filePath(QStringLiteral("a")), &error);
        QVERIFY2(counted, qPrintable(error));
        QVERIFY(!counted->hasRecords());
        const auto c = ResultsComparison::compare(*load(QStringLiteral("raw")), *counted);
        QVERIFY(c);
        QVERIFY(!c->paired);
        // Unpaired: the z-test's p, as results.json records it for the same counts.
        const auto stored = results(QStringLiteral("low-temp"))["vs_baseline"];
        QCOMPARE(c->p, stored["p_z"].get<double>());
        QCOMPARE(c->p_fisher, stored["p_fisher"].get<double>());
        QCOMPARE(c->diff_interval.lower, stored["diff_lower"].get<double>());
    }

    void leaderboardValues()
    {
        LeaderboardModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QStringList names{QStringLiteral("raw"), QStringLiteral("low-temp"), QStringLiteral("loopy"),
                                QStringLiteral("raw-seed1")};
        QList<EvalRunPtr> runs;
        for (const QString& n : names)
            runs << load(n);
        model.setRuns(runs);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), int(LeaderboardModel::ColumnCount));
        QCOMPARE(model.baseline(), 0);
        for (int r = 0; r < 4; ++r) {
            const auto o = results(names[r])["metrics"]["overall"];
            QCOMPARE(raw(model, r, LeaderboardModel::LabelColumn).toString(), names[r]);
            QCOMPARE(raw(model, r, LeaderboardModel::NColumn).toLongLong(), o["valid"].get<qint64>());
            QCOMPARE(raw(model, r, LeaderboardModel::LoopRateColumn).toDouble(), o["loop_rate"]["rate"].get<double>());
            QCOMPARE(raw(model, r, LeaderboardModel::LoopLowerColumn).toDouble(), o["loop_rate"]["lower"].get<double>());
            QCOMPARE(raw(model, r, LeaderboardModel::LoopUpperColumn).toDouble(), o["loop_rate"]["upper"].get<double>());
            QCOMPARE(raw(model, r, LeaderboardModel::EosRateColumn).toDouble(), o["eos_rate"]["rate"].get<double>());
            QCOMPARE(raw(model, r, LeaderboardModel::Distinct4Column).toDouble(), o["distinct4"].get<double>());
            QCOMPARE(raw(model, r, LeaderboardModel::MedianTokensColumn).toDouble(), o["median_tokens"].get<double>());
        }
        // The baseline row has no test; the display shows the rate as eval prints it.
        QVERIFY(!raw(model, 0, LeaderboardModel::PValueColumn).isValid());
        QCOMPARE(model.data(model.index(0, LeaderboardModel::MarkerColumn)).toString(), QStringLiteral("baseline"));
        QCOMPARE(model.data(model.index(0, LeaderboardModel::PValueColumn)).toString(), QStringLiteral("–"));
        QCOMPARE(model.data(model.index(1, LeaderboardModel::LoopRateColumn)).toString(), QStringLiteral("4.2%"));

        // low-temp was run with --baseline raw: the same test as moecut eval made.
        const auto stored = results(QStringLiteral("low-temp"))["vs_baseline"];
        const auto c = model.comparison(1);
        QVERIFY(c);
        QCOMPARE(c->paired, stored["paired"].get<bool>());
        QVERIFY(c->paired);
        QCOMPARE(c->p, stored["p"].get<double>());
        QCOMPARE(c->diff, stored["diff"].get<double>());
        QCOMPARE(raw(model, 1, LeaderboardModel::TestColumn).toString(), QStringLiteral("McNemar"));
        // Another seed selects other probes: independent arms, the z-test.
        QCOMPARE(raw(model, 3, LeaderboardModel::TestColumn).toString(), QStringLiteral("z-test"));
        QVERIFY(!model.comparison(3)->paired);
        // Holm across the three tests.
        std::vector<double> p{model.comparison(1)->p, model.comparison(2)->p, model.comparison(3)->p};
        const auto holm = moecut::stats::holm_adjust(p);
        for (int r = 1; r < 4; ++r)
            QCOMPARE(raw(model, r, LeaderboardModel::PAdjustedColumn).toDouble(), holm[r - 1]);
    }

    void setBaselineChangesTheTests()
    {
        LeaderboardModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns({load(QStringLiteral("raw")), load(QStringLiteral("low-temp")), load(QStringLiteral("loopy"))});
        const double pLoopyVsRaw = raw(model, 2, LeaderboardModel::PValueColumn).toDouble();
        const QString markerLoopy = raw(model, 2, LeaderboardModel::MarkerColumn).toString();
        const double diffLoopyVsRaw = model.comparison(2)->diff;
        QVERIFY2(pLoopyVsRaw < 0.05, qPrintable(QString::number(pLoopyVsRaw)));
        QVERIFY(markerLoopy.startsWith(QLatin1Char('*')));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy baseline(&model, &LeaderboardModel::baselineChanged);
        model.setBaseline(2);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(baseline.count(), 1);
        QCOMPARE(model.baseline(), 2);
        QCOMPARE(raw(model, 2, LeaderboardModel::MarkerColumn).toString(), QStringLiteral("baseline"));
        QVERIFY(!raw(model, 2, LeaderboardModel::PValueColumn).isValid());
        QVERIFY(raw(model, 0, LeaderboardModel::PValueColumn).isValid());
        // McNemar is symmetric in the arms: raw vs loopy has loopy vs raw's p, the difference flips sign.
        QCOMPARE(raw(model, 0, LeaderboardModel::PValueColumn).toDouble(), pLoopyVsRaw);
        QCOMPARE(model.comparison(0)->diff, -diffLoopyVsRaw);
        QVERIFY(!model.comparison(2));
        QCOMPARE(raw(model, 0, LeaderboardModel::MarkerColumn).toString(),
                 ResultsComparison::marker(raw(model, 0, LeaderboardModel::PAdjustedColumn).toDouble()));
        // The old baseline now has a test; a bad row changes nothing.
        model.setBaseline(7);
        QCOMPARE(model.baseline(), 2);
    }

    void perSourceValues()
    {
        PerSourceModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns({load(QStringLiteral("raw")), load(QStringLiteral("low-temp"))});
        const auto a = results(QStringLiteral("raw"))["metrics"]["sources"];
        const auto b = results(QStringLiteral("low-temp"))["metrics"]["sources"];
        QCOMPARE(model.rowCount(), int(a.size() + b.size()));
        QStringList sources;
        for (const auto& s : a)
            sources << QString::fromStdString(s["group"].get<std::string>());
        QCOMPARE(model.sources(), sources);
        for (std::size_t i = 0; i < b.size(); ++i) {
            const QString source = QString::fromStdString(b[i]["group"].get<std::string>());
            const int row = model.rowOf(1, source);
            QVERIFY(row >= 0);
            QCOMPARE(raw(model, row, PerSourceModel::RunColumn).toString(), QStringLiteral("low-temp"));
            QCOMPARE(raw(model, row, PerSourceModel::SourceColumn).toString(), source);
            QCOMPARE(raw(model, row, PerSourceModel::NColumn).toLongLong(), b[i]["valid"].get<qint64>());
            QCOMPARE(raw(model, row, PerSourceModel::LoopsColumn).toLongLong(), b[i]["loops"].get<qint64>());
            QCOMPARE(raw(model, row, PerSourceModel::LoopRateColumn).toDouble(), b[i]["loop_rate"]["rate"].get<double>());
            QCOMPARE(raw(model, row, PerSourceModel::LoopLowerColumn).toDouble(), b[i]["loop_rate"]["lower"].get<double>());
            QCOMPARE(raw(model, row, PerSourceModel::LoopUpperColumn).toDouble(), b[i]["loop_rate"]["upper"].get<double>());
            QCOMPARE(model.data(model.index(row, 0), PerSourceModel::RunIndexRole).toInt(), 1);
        }
        QCOMPARE(model.rowOf(0, QStringLiteral("no-such-source")), -1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void sweepValues()
    {
        QString error;
        const SweepPtr sweep = ResultsLoader::loadSweep(fixture(QStringLiteral("sweep")), &error);
        QVERIFY2(sweep, qPrintable(error));
        const auto j = results(QStringLiteral("sweep"));
        QCOMPARE(sweep->cells.size(), j["cells"].size());
        QCOMPARE(sweep->axes, (QStringList{QStringLiteral("min_p"), QStringLiteral("rep_pen")}));
        QCOMPARE(sweep->baseline, QStringLiteral("min_p=0,rep_pen=1"));

        SweepModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSweep(sweep);
        QCOMPARE(model.xKey(), QStringLiteral("min_p"));
        QCOMPARE(model.yKey(), QStringLiteral("rep_pen"));
        QCOMPARE(model.xValues(), (QList<double>{0, 0.1, 0.2}));
        QCOMPARE(model.yValues(), (QList<double>{1, 1.2}));
        QCOMPARE(model.baseline(), 0);
        for (int r = 0; r < model.rowCount(); ++r) {
            const auto& cell = j["cells"][r];
            QCOMPARE(raw(model, r, SweepModel::CellColumn).toString(), QString::fromStdString(cell["name"].get<std::string>()));
            const auto& o = cell["metrics"]["overall"];
            QCOMPARE(raw(model, r, SweepModel::LoopRateColumn).toDouble(), o["loop_rate"]["rate"].get<double>());
            QCOMPARE(raw(model, r, SweepModel::LoopLowerColumn).toDouble(), o["loop_rate"]["lower"].get<double>());
            QCOMPARE(raw(model, r, SweepModel::LoopUpperColumn).toDouble(), o["loop_rate"]["upper"].get<double>());
            if (r == 0) {
                QVERIFY(!raw(model, r, SweepModel::PValueColumn).isValid());
                continue;
            }
            const auto& vs = cell["vs_baseline"];
            QCOMPARE(raw(model, r, SweepModel::PValueColumn).toDouble(), vs["p"].get<double>());
            QCOMPARE(raw(model, r, SweepModel::PHolmColumn).toDouble(), vs["p_holm"].get<double>());
            QCOMPARE(raw(model, r, SweepModel::PBhColumn).toDouble(), vs["p_bh"].get<double>());
        }
        // The grid: (min_p 0.1, rep_pen 1.2) is the cell of that name.
        const int row = model.rowAt(1, 1);
        QCOMPARE(raw(model, row, SweepModel::CellColumn).toString(), QStringLiteral("min_p=0.1,rep_pen=1.2"));
        QCOMPARE(raw(model, row, SweepModel::XColumn).toDouble(), 0.1);
        QCOMPARE(raw(model, row, SweepModel::YColumn).toDouble(), 1.2);
        QCOMPARE(model.rowAt(3, 0), -1);
        // Axes swapped.
        model.setAxes(QStringLiteral("rep_pen"), QStringLiteral("min_p"));
        QCOMPARE(model.xValues(), (QList<double>{1, 1.2}));
        QCOMPARE(model.rowAt(1, 1), row);
    }

    void sweepBaselineRecomputes()
    {
        QString error;
        const SweepPtr sweep = ResultsLoader::loadSweep(fixture(QStringLiteral("sweep")), &error);
        QVERIFY2(sweep, qPrintable(error));
        SweepModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSweep(sweep);
        QList<QVariant> stored;
        for (int r = 0; r < model.rowCount(); ++r)
            stored << raw(model, r, SweepModel::PHolmColumn);
        QVERIFY(model.setBaseline(2));
        QCOMPARE(model.baseline(), 2);
        QCOMPARE(raw(model, 2, SweepModel::MarkerColumn).toString(), QStringLiteral("baseline"));
        QVERIFY(raw(model, 0, SweepModel::PValueColumn).isValid());
        QVERIFY(!raw(model, 2, SweepModel::PValueColumn).isValid());
        QVERIFY(!model.setBaseline(99));
        // Back to the sweep's own baseline: the cells' samples give what moecut sweep wrote.
        QVERIFY(model.setBaseline(0));
        for (int r = 1; r < model.rowCount(); ++r) {
            QCOMPARE(raw(model, r, SweepModel::PHolmColumn), stored[r]);
            QCOMPARE(raw(model, r, SweepModel::TestColumn).toString(), QStringLiteral("McNemar"));
        }
    }

    void runComparison()
    {
        RunComparisonModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const EvalRunPtr a = load(QStringLiteral("raw")), b = load(QStringLiteral("loopy"));
        model.setRuns(a, b);
        QCOMPARE(model.sources().first(), QStringLiteral("all"));
        QCOMPARE(model.rowCount(), int(1 + b->metrics.sources.size()));
        const auto all = ResultsComparison::compare(*a, *b);
        QCOMPARE(raw(model, 0, RunComparisonModel::PValueColumn).toDouble(), all->p);
        QCOMPARE(raw(model, 0, RunComparisonModel::DiffLowerColumn).toDouble(), all->diff_interval.lower);
        QCOMPARE(raw(model, 0, RunComparisonModel::RateBColumn).toDouble(), b->metrics.overall.loop_rate->rate);
        for (int r = 1; r < model.rowCount(); ++r) {
            const QString source = model.sources().at(r);
            const auto* g = b->group(source);
            QVERIFY(g);
            QCOMPARE(raw(model, r, RunComparisonModel::NBColumn).toLongLong(), qint64(g->valid));
            QCOMPARE(raw(model, r, RunComparisonModel::UpperBColumn).toDouble(), g->loop_rate->upper);
            // Per source the same probes under both runs: paired.
            QCOMPARE(raw(model, r, RunComparisonModel::TestColumn).toString(), QStringLiteral("McNemar"));
        }
        QVERIFY(model.headerData(RunComparisonModel::RateBColumn, Qt::Horizontal).toString().contains(QStringLiteral("loopy")));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void csvRoundTrip()
    {
        // A run named with a comma, a quote and a line break must survive quoting.
        QTemporaryDir dir;
        const QString odd = dir.filePath(QStringLiteral("odd"));
        copyRun(fixture(QStringLiteral("loopy")), odd);
        auto j = resultstest::readJson(QDir(odd).filePath(QStringLiteral("results.json")));
        j["name"] = "loopy, \"min_p\"\nT 0.3";
        writeFile(QDir(odd).filePath(QStringLiteral("results.json")), QByteArray::fromStdString(j.dump()));

        LeaderboardModel model;
        model.setRuns({load(QStringLiteral("raw")), ResultsLoader::loadRun(odd, nullptr), load(QStringLiteral("raw-seed1"))});
        QCOMPARE(model.rowCount(), 3);
        const QString file = dir.filePath(QStringLiteral("board.csv"));
        QString error;
        QVERIFY2(CsvExporter::writeFile(model, file, &error, ResultsRoles::RawRole), qPrintable(error));
        QFile in(file);
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(in.readAll());
        QVERIFY(text.contains(QStringLiteral("\r\n")));
        QList<QStringList> rows;
        QVERIFY(resultstest::parseCsv(text, &rows));
        QCOMPARE(rows.size(), 1 + model.rowCount());
        for (int c = 0; c < model.columnCount(); ++c)
            QCOMPARE(rows[0][c], model.headerData(c, Qt::Horizontal).toString());
        for (int r = 0; r < model.rowCount(); ++r) {
            QCOMPARE(rows[r + 1].size(), model.columnCount());
            for (int c = 0; c < model.columnCount(); ++c) {
                const QVariant v = raw(model, r, c);
                if (!v.isValid())
                    QCOMPARE(rows[r + 1][c], model.data(model.index(r, c)).toString());
                else if (v.typeId() == QMetaType::Double)
                    QCOMPARE(rows[r + 1][c].toDouble(), v.toDouble());
                else
                    QCOMPARE(rows[r + 1][c], v.toString());
            }
        }
        QCOMPARE(rows[2][0], QStringLiteral("loopy, \"min_p\"\nT 0.3"));
        // Display text export parses back to the display strings.
        QVERIFY(resultstest::parseCsv(CsvExporter::toCsv(model), &rows));
        QCOMPARE(rows[1][LeaderboardModel::LoopRateColumn], model.data(model.index(0, LeaderboardModel::LoopRateColumn)).toString());
        QCOMPARE(CsvExporter::field(QStringLiteral("a\"b")), QStringLiteral("\"a\"\"b\""));
        QCOMPARE(CsvExporter::field(QStringLiteral("plain")), QStringLiteral("plain"));
        QVERIFY(!CsvExporter::writeFile(model, dir.filePath(QStringLiteral("no/such/dir/x.csv")), &error));
        QVERIFY(error.contains(QStringLiteral("x.csv")));
    }
};

MOECUT_GUITEST_MAIN(TestResultsModels)
#include "test_results_models.moc"

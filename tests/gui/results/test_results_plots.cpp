// The results plots drawn from their models over the fixture runs, and each
// exported alone as PNG (at the requested size), SVG (well-formed XML) and PDF.
#include "gui_test_support.h"
#include "results_test_support.h"

#include "leaderboard_model.h"
#include "loop_rate_chart.h"
#include "per_source_chart.h"
#include "per_source_model.h"
#include "qcustomplot_include.h"
#include "results_loader.h"
#include "results_roles.h"
#include "run_comparison_chart.h"
#include "run_comparison_model.h"
#include "run_comparison_view.h"
#include "sweep_heatmap.h"
#include "sweep_lines_chart.h"
#include "sweep_model.h"

#include <QImage>
#include <QTableView>
#include <QTemporaryDir>
#include <QXmlStreamReader>

using resultstest::fixture;

namespace {

EvalRunPtr load(const QString& name)
{
    return ResultsLoader::loadRun(fixture(name), nullptr);
}

template <class T>
QList<T*> plottables(QCustomPlot* plot)
{
    QList<T*> out;
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (auto* p = qobject_cast<T*>(plot->plottable(i)))
            out << p;
    return out;
}

int pdfPages(const QByteArray& pdf)
{
    int pages = 0;
    for (qsizetype at = pdf.indexOf("/Type /Page"); at >= 0; at = pdf.indexOf("/Type /Page", at + 1))
        if (pdf.mid(at + 11, 1) != "s")
            ++pages;
    return pages;
}

QByteArray readAll(const QString& file)
{
    QFile in(file);
    return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
}

} // namespace

class TestResultsPlots : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // Exports the chart in the three formats and checks each file.
    void checkExports(ResultsChart& chart, const QString& name)
    {
        QString error;
        const QString png = m_dir.filePath(name + QStringLiteral(".png"));
        QVERIFY2(chart.exportTo(png, PlotExporter::Format::Png, QSize(640, 400), &error), qPrintable(error));
        QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(640, 400));
        // Not a blank image: the plot drew something.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 3);

        const QString svg = m_dir.filePath(name + QStringLiteral(".svg"));
        QVERIFY2(chart.exportTo(svg, &error), qPrintable(error));
        QXmlStreamReader xml(readAll(svg));
        bool sawSvg = false;
        int elements = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() == QXmlStreamReader::StartElement) {
                ++elements;
                sawSvg = sawSvg || xml.name() == QLatin1String("svg");
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(sawSvg);
        QVERIFY(elements > 10);

        const QString pdf = m_dir.filePath(name + QStringLiteral(".pdf"));
        QVERIFY2(chart.exportTo(pdf, PlotExporter::Format::Pdf, QSize(640, 400), &error), qPrintable(error));
        const QByteArray bytes = readAll(pdf);
        QVERIFY(bytes.startsWith("%PDF"));
        QCOMPARE(pdfPages(bytes), 1);
        QVERIFY(!QFile::exists(pdf + QStringLiteral(".part.pdf")));

        QVERIFY(!chart.exportTo(m_dir.filePath(name + QStringLiteral(".gif")), &error));
        QVERIFY(error.contains(QStringLiteral(".gif")));
    }

private slots:
    void loopRateChart()
    {
        LeaderboardModel model;
        model.setRuns({load(QStringLiteral("raw")), load(QStringLiteral("low-temp")), load(QStringLiteral("loopy"))});
        LoopRateChart chart;
        chart.setModel(&model);
        // Two bar sets (runs, baseline), each with error bars from the model's interval.
        const auto bars = plottables<QCPBars>(chart.plot());
        QCOMPARE(bars.size(), 2);
        const auto errors = plottables<QCPErrorBars>(chart.plot());
        QCOMPARE(errors.size(), 2);
        QCPBars* runs = bars[0];
        QCOMPARE(runs->data()->size(), 2);
        const double rate = model.comparison(2)->rate_candidate * 100.0;
        QCOMPARE(runs->data()->at(1)->value, rate);
        const auto* loopy = model.run(2).get();
        QCOMPARE(errors[0]->data()->at(1).errorMinus, rate - 100.0 * loopy->metrics.overall.loop_rate->lower);
        QCOMPARE(errors[0]->data()->at(1).errorPlus, 100.0 * loopy->metrics.overall.loop_rate->upper - rate);
        // A new baseline moves the grey bar.
        model.setBaseline(2);
        QCOMPARE(plottables<QCPBars>(chart.plot())[1]->data()->at(0)->key, 3.0);
        checkExports(chart, QStringLiteral("loop-rate"));
        model.clear();
        QCOMPARE(chart.plot()->plottableCount(), 0);
    }

    void perSourceChart()
    {
        PerSourceModel model;
        model.setRuns({load(QStringLiteral("raw")), load(QStringLiteral("loopy"))});
        PerSourceChart chart;
        chart.setModel(&model);
        const auto bars = plottables<QCPBars>(chart.plot());
        QCOMPARE(bars.size(), 2);
        QVERIFY(bars[0]->barsGroup() && bars[0]->barsGroup() == bars[1]->barsGroup());
        QCOMPARE(bars[1]->data()->size(), model.runs()[1]->metrics.sources.size());
        QCOMPARE(plottables<QCPErrorBars>(chart.plot()).size(), 2);
        QVERIFY(chart.plot()->legend->visible());
        checkExports(chart, QStringLiteral("per-source"));
    }

    void sweepHeatmap()
    {
        SweepModel model;
        model.setSweep(ResultsLoader::loadSweep(fixture(QStringLiteral("sweep")), nullptr));
        SweepHeatmap chart;
        chart.setModel(&model);
        const auto maps = plottables<QCPColorMap>(chart.plot());
        QCOMPARE(maps.size(), 1);
        QCPColorMap* map = maps[0];
        QVERIFY(!map->interpolate());
        QVERIFY(map->colorScale());
        QCOMPARE(map->data()->keySize(), 3);
        QCOMPARE(map->data()->valueSize(), 2);
        for (int xi = 0; xi < 3; ++xi)
            for (int yi = 0; yi < 2; ++yi) {
                const int row = model.rowAt(xi, yi);
                const double rate = model.data(model.index(row, SweepModel::LoopRateColumn), ResultsRoles::RawRole).toDouble();
                QCOMPARE(map->data()->cell(xi, yi), 100.0 * rate);
                QVERIFY(chart.cellLabel(xi, yi).startsWith(model.data(model.index(row, SweepModel::LoopRateColumn)).toString()));
            }
        QVERIFY(chart.cellLabel(0, 0).endsWith(QStringLiteral("baseline")));
        // One label per cell.
        QCOMPARE(chart.plot()->itemCount(), 6);
        checkExports(chart, QStringLiteral("heatmap"));
        // Rebuilding keeps one colour scale.
        model.setBaseline(1);
        int scales = 0;
        for (int i = 0; i < chart.plot()->plotLayout()->elementCount(); ++i)
            scales += qobject_cast<QCPColorScale*>(chart.plot()->plotLayout()->elementAt(i)) != nullptr;
        QCOMPARE(scales, 1);
    }

    void sweepLines()
    {
        SweepModel model;
        model.setSweep(ResultsLoader::loadSweep(fixture(QStringLiteral("sweep")), nullptr));
        SweepLinesChart chart;
        chart.setModel(&model);
        // Per rep_pen value: lower, upper (filled to lower) and the line.
        QCOMPARE(chart.plot()->graphCount(), 6);
        QCPGraph* upper = chart.plot()->graph(1);
        QCOMPARE(upper->channelFillGraph(), chart.plot()->graph(0));
        QCPGraph* line = chart.plot()->graph(2);
        QCOMPARE(line->data()->size(), 3);
        QCOMPARE(line->data()->at(1)->key, 0.1);
        const int row = model.rowAt(1, 0);
        QCOMPARE(line->data()->at(1)->value,
                 100.0 * model.data(model.index(row, SweepModel::LoopRateColumn), ResultsRoles::RawRole).toDouble());
        QCOMPARE(upper->data()->at(1)->value,
                 100.0 * model.data(model.index(row, SweepModel::LoopUpperColumn), ResultsRoles::RawRole).toDouble());
        QCOMPARE(chart.plot()->legend->itemCount(), 2);
        checkExports(chart, QStringLiteral("lines"));
    }

    void comparisonView()
    {
        RunComparisonModel model;
        model.setRuns(load(QStringLiteral("raw")), load(QStringLiteral("loopy")));
        RunComparisonView view;
        view.setModel(&model);
        QCOMPARE(view.table()->model(), &model);
        QCOMPARE(plottables<QCPBars>(view.ratesChart()->plot()).size(), 2);
        QCPGraph* diffs = view.differencesChart()->plot()->graph(0);
        QCOMPARE(diffs->data()->size(), model.rowCount());
        QCOMPARE(diffs->data()->at(0)->value, 100.0 * model.comparison(0)->diff);
        checkExports(*view.ratesChart(), QStringLiteral("compare-rates"));
        checkExports(*view.differencesChart(), QStringLiteral("compare-diff"));
    }
};

MOECUT_GUITEST_MAIN(TestResultsPlots)
#include "test_results_plots.moc"

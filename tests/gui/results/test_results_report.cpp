// ResultsView over the fixture runs and sweep, and the reports it writes:
// HTML (well-formed XHTML with the tables and an embedded image), PDF and
// Markdown (tables, figure files next to it), each with the run settings.
#include "gui_test_support.h"
#include "results_test_support.h"

#include "leaderboard_model.h"
#include "per_source_model.h"
#include "report_writer.h"
#include "results_view.h"
#include "run_comparison_model.h"
#include "sweep_model.h"

#include <QImage>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>

using resultstest::fixture;

namespace {

QByteArray readAll(const QString& file)
{
    QFile in(file);
    return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
}

QStringList fixtureFolders()
{
    return {fixture(QStringLiteral("raw")), fixture(QStringLiteral("low-temp")), fixture(QStringLiteral("loopy")),
            fixture(QStringLiteral("raw-seed1")), fixture(QStringLiteral("sweep"))};
}

} // namespace

class TestResultsReport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        // MOECUT_KEEP_TEST_OUTPUT=1 keeps the reports for a look (the path is printed).
        if (qEnvironmentVariableIsSet("MOECUT_KEEP_TEST_OUTPUT")) {
            m_dir.setAutoRemove(false);
            qInfo("reports in %s", qPrintable(m_dir.path()));
        }
    }

    void viewLoadsFolders()
    {
        ResultsView view;
        QSignalSpy failed(&view, &ResultsView::loadFailed);
        QCOMPARE(view.setFolders(fixtureFolders() << m_dir.filePath(QStringLiteral("missing"))), 5);
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("missing")));
        QCOMPARE(view.runs().size(), 4);
        QCOMPARE(view.sweeps().size(), 1);
        QCOMPARE(view.leaderboardModel()->rowCount(), 4);
        QCOMPARE(view.sweepModel()->rowCount(), 6);
        QVERIFY(view.perSourceModel()->rowCount() > 4);
        QCOMPARE(view.comparisonModel()->runA()->label, QStringLiteral("raw"));
        QCOMPARE(view.comparisonModel()->runB()->label, QStringLiteral("low-temp"));
        view.setBaseline(2);
        QCOMPARE(view.leaderboardModel()->baseline(), 2);
        view.setComparedRuns(0, 2);
        QCOMPARE(view.comparisonModel()->runB()->label, QStringLiteral("loopy"));
        view.clear();
        QCOMPARE(view.leaderboardModel()->rowCount(), 0);
        QCOMPARE(view.sweepModel()->rowCount(), 0);
    }

    void htmlReport()
    {
        ResultsView view;
        view.setFolders(fixtureFolders());
        const QString command = QStringLiteral("moecut eval --model m --probes p.jsonl --out \"a&b\"");
        view.setCommands({command});
        const QString file = m_dir.filePath(QStringLiteral("report.html"));
        QString error;
        QVERIFY2(view.exportReport(file, &error), qPrintable(error));
        const QByteArray bytes = readAll(file);
        QXmlStreamReader xml(bytes);
        int tables = 0, images = 0;
        QString firstImage;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement)
                continue;
            tables += xml.name() == QLatin1String("table");
            if (xml.name() == QLatin1String("img")) {
                ++images;
                if (firstImage.isEmpty())
                    firstImage = xml.attributes().value(QLatin1String("src")).toString();
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(tables >= 4); // leaderboard, per source, sweep, comparison (+ settings)
        QVERIFY(images >= 4);
        QVERIFY(firstImage.startsWith(QStringLiteral("data:image/png;base64,")));
        const QImage image = QImage::fromData(QByteArray::fromBase64(firstImage.mid(22).toLatin1()), "PNG");
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 400);

        const QString html = QString::fromUtf8(bytes);
        const LeaderboardModel& board = *view.leaderboardModel();
        for (int r = 0; r < board.rowCount(); ++r)
            for (int c : {int(LeaderboardModel::LabelColumn), int(LeaderboardModel::LoopRateColumn),
                          int(LeaderboardModel::LoopUpperColumn), int(LeaderboardModel::PValueColumn)})
                QVERIFY2(html.contains(QStringLiteral(">%1<").arg(board.data(board.index(r, c)).toString().toHtmlEscaped())),
                         qPrintable(board.data(board.index(r, c)).toString()));
        const SweepModel& sweep = *view.sweepModel();
        QVERIFY(html.contains(QStringLiteral(">%1<").arg(sweep.data(sweep.index(2, SweepModel::PHolmColumn)).toString())));
        // Commands verbatim (escaped), settings from results.json.
        QVERIFY(html.contains(command.toHtmlEscaped()));
        QVERIFY(html.contains(QStringLiteral("sha256:")));
        QVERIFY(html.contains(QStringLiteral("tiny-glm5-moe")));
        QVERIFY(html.contains(QStringLiteral("--min-p 0.2")));
        QVERIFY(html.contains(QStringLiteral("resources/corpus/probes.jsonl")));
    }

    void pdfReport()
    {
        ResultsView view;
        view.setFolders(fixtureFolders());
        const QString file = m_dir.filePath(QStringLiteral("report.pdf"));
        QString error;
        QVERIFY2(view.exportReport(file, &error), qPrintable(error));
        const QByteArray bytes = readAll(file);
        QVERIFY(bytes.startsWith("%PDF"));
        int pages = 0;
        for (qsizetype at = bytes.indexOf("/Type /Page"); at >= 0; at = bytes.indexOf("/Type /Page", at + 1))
            pages += bytes.mid(at + 11, 1) != "s";
        QVERIFY(pages >= 1);
        QVERIFY(bytes.contains("/Subtype /Image"));
    }

    void markdownReport()
    {
        ResultsView view;
        view.setFolders(fixtureFolders());
        const QString file = m_dir.filePath(QStringLiteral("md/report.md"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("md")));
        QString error;
        QVERIFY2(view.exportReport(file, &error), qPrintable(error));
        const QString md = QString::fromUtf8(readAll(file));
        const LeaderboardModel& board = *view.leaderboardModel();
        QStringList header;
        for (int c = 0; c < board.columnCount(); ++c)
            header << board.headerData(c, Qt::Horizontal).toString();
        QVERIFY(md.contains(QStringLiteral("| ") + header.join(QStringLiteral(" | ")) + QStringLiteral(" |")));
        QStringList row;
        for (int c = 0; c < board.columnCount(); ++c)
            row << board.data(board.index(1, c)).toString();
        QVERIFY2(md.contains(QStringLiteral("| ") + row.join(QStringLiteral(" | ")) + QStringLiteral(" |")),
                 qPrintable(row.join(QLatin1Char('|'))));
        // Figures as PNG files next to it, referenced by relative name.
        const QRegularExpression figure(QStringLiteral("!\\[[^\\]]*\\]\\(([^)]+\\.png)\\)"));
        auto it = figure.globalMatch(md);
        int figures = 0;
        while (it.hasNext()) {
            const QString name = it.next().captured(1);
            QVERIFY(!QImage(m_dir.filePath(QStringLiteral("md/") + name)).isNull());
            ++figures;
        }
        QVERIFY(figures >= 4);
        QVERIFY(md.contains(QStringLiteral("```sh\nmoecut eval --model tiny-glm5-moe")));
    }

    void badReportTargets()
    {
        ResultsView view;
        view.setFolders({fixture(QStringLiteral("raw"))});
        QString error;
        QVERIFY(!view.exportReport(m_dir.filePath(QStringLiteral("report.docx")), &error));
        QVERIFY(error.contains(QStringLiteral("report.docx")));
        QVERIFY(!view.exportReport(m_dir.filePath(QStringLiteral("no/such/dir/report.html")), &error));
        QVERIFY(error.contains(QStringLiteral("report.html")));
        QCOMPARE(ReportWriter::formatForFile(QStringLiteral("x.MD")), ReportWriter::Format::Markdown);
    }
};

MOECUT_GUITEST_MAIN(TestResultsReport)
#include "test_results_report.moc"

#include "report_writer.h"

#include "plot_exporter.h"
#include "qcustomplot_include.h"

#include <QAbstractItemModel>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTextDocument>
#include <QUrl>

namespace {

using nlohmann::ordered_json;

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

QString jsonText(const ordered_json& j)
{
    if (j.is_string())
        return QString::fromStdString(j.get<std::string>());
    if (j.is_null())
        return QString();
    return QString::fromStdString(j.dump());
}

const ordered_json& at(const ordered_json& j, const char* key)
{
    static const ordered_json null;
    if (!j.is_object())
        return null;
    const auto it = j.find(key);
    return it == j.end() ? null : *it;
}

QString mdCell(QString s)
{
    s.replace(QLatin1Char('|'), QLatin1String("\\|"));
    s.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return s;
}

QString figureName(int i)
{
    return QStringLiteral("fig%1.png").arg(i + 1);
}

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

bool saveBytes(const QString& file, const QByteArray& bytes, QString* error)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        return fail(error, ReportWriter::tr("%1: cannot write (%2)").arg(file, out.errorString()));
    return true;
}

QByteArray figurePng(const ReportFigure& f)
{
    return PlotExporter::pngBytes(f.plot, f.size, 1.0);
}

} // namespace

std::optional<ReportWriter::Format> ReportWriter::formatForFile(const QString& file)
{
    const QString s = QFileInfo(file).suffix().toLower();
    if (s == QLatin1String("html") || s == QLatin1String("htm") || s == QLatin1String("xhtml"))
        return Format::Html;
    if (s == QLatin1String("pdf"))
        return Format::Pdf;
    if (s == QLatin1String("md") || s == QLatin1String("markdown"))
        return Format::Markdown;
    return std::nullopt;
}

QString ReportWriter::fileFilter()
{
    return tr("HTML report (*.html);;PDF report (*.pdf);;Markdown report (*.md)");
}

QList<QPair<QString, QString>> ReportWriter::settingsOf(const EvalRunData& run)
{
    const ordered_json& settings = run.settings();
    const ordered_json& identity = run.identity();
    const ordered_json& backend = at(identity, "backend");
    QList<QPair<QString, QString>> out;
    out.append({tr("Folder"), run.folder});
    QString backendText = jsonText(at(backend, "kind"));
    for (const char* key : {"server", "model", "base_url", "device", "dtype", "batch", "concurrency"})
        if (!at(backend, key).is_null())
            backendText += QStringLiteral(", %1 %2").arg(QString::fromLatin1(key), jsonText(at(backend, key)));
    out.append({tr("Backend"), backendText});
    if (!at(backend, "fingerprint").is_null())
        out.append({tr("Model fingerprint"), jsonText(at(backend, "fingerprint"))});
    out.append({tr("Sampler"), jsonText(at(settings, "sampler"))});
    out.append({tr("Cap (max new tokens)"), jsonText(at(settings, "cap"))});
    out.append({tr("Stop at loop"), jsonText(at(settings, "stop_at_loop"))});
    out.append({tr("Detector"), jsonText(at(settings, "detector"))});
    out.append({tr("Seed"), jsonText(at(settings, "seed"))});
    out.append({tr("Probes"), tr("%1 (n %2, %3 sample(s) per probe, SHA-256 %4)")
                                  .arg(jsonText(at(settings, "probes")), jsonText(at(settings, "n")),
                                       jsonText(at(settings, "samples_per_probe")),
                                       jsonText(at(identity, "probes_sha256")))});
    if (!at(settings, "baseline").is_null())
        out.append({tr("Baseline"), jsonText(at(settings, "baseline"))});
    const auto& interval = at(at(run.results, "metrics"), "interval");
    if (!interval.is_null())
        out.append({tr("Interval"), QStringLiteral("%1, %2").arg(jsonText(at(interval, "method")),
                                                                  jsonText(at(interval, "confidence")))});
    return out;
}

QString ReportWriter::equivalentCommand(const EvalRunData& run)
{
    const ordered_json& settings = run.settings();
    const ordered_json& backend = at(run.identity(), "backend");
    const ordered_json& sampler = at(settings, "sampler");
    auto quote = [](const QString& s) {
        if (!s.isEmpty() && !s.contains(QRegularExpression(QStringLiteral("[^A-Za-z0-9_./=:+,-]"))))
            return s;
        QString q = s;
        q.replace(QLatin1String("'"), QLatin1String("'\\''"));
        return QLatin1Char('\'') + q + QLatin1Char('\'');
    };
    QStringList args{QStringLiteral("moecut"), QStringLiteral("eval")};
    if (jsonText(at(backend, "kind")) == QLatin1String("openai")) {
        args << QStringLiteral("--endpoint") << quote(jsonText(at(backend, "base_url")));
        if (!at(backend, "model").is_null())
            args << QStringLiteral("--served-model") << quote(jsonText(at(backend, "model")));
        if (!at(backend, "server").is_null())
            args << QStringLiteral("--server-kind") << quote(jsonText(at(backend, "server")));
        if (!at(backend, "concurrency").is_null())
            args << QStringLiteral("--concurrency") << jsonText(at(backend, "concurrency"));
    } else {
        args << QStringLiteral("--model") << quote(jsonText(at(backend, "model")));
        if (!at(backend, "device").is_null())
            args << QStringLiteral("--device") << jsonText(at(backend, "device"));
        if (!at(backend, "batch").is_null())
            args << QStringLiteral("--batch-size") << jsonText(at(backend, "batch"));
    }
    args << QStringLiteral("--probes") << quote(jsonText(at(settings, "probes")));
    const std::pair<const char*, const char*> plain[] = {
        {"n", "--n"}, {"samples_per_probe", "--samples-per-probe"}, {"seed", "--seed"}, {"cap", "--cap"}};
    for (const auto& [key, flag] : plain)
        if (!at(settings, key).is_null())
            args << QString::fromLatin1(flag) << jsonText(at(settings, key));
    const std::pair<const char*, const char*> samplerFlags[] = {
        {"temperature", "--temperature"},       {"top_k", "--top-k"},
        {"top_p", "--top-p"},                   {"min_p", "--min-p"},
        {"repetition_penalty", "--rep-pen"},    {"presence_penalty", "--presence-penalty"},
        {"frequency_penalty", "--frequency-penalty"}, {"penalty_last_n", "--penalty-last-n"},
        {"semantics", "--sampler-semantics"}};
    for (const auto& [key, flag] : samplerFlags)
        if (!at(sampler, key).is_null())
            args << QString::fromLatin1(flag) << jsonText(at(sampler, key));
    if (!at(settings, "detector").is_null())
        args << QStringLiteral("--detector-config") << quote(jsonText(at(settings, "detector")));
    if (at(settings, "stop_at_loop").is_boolean() && !at(settings, "stop_at_loop").get<bool>())
        args << QStringLiteral("--no-stop-at-loop");
    const ordered_json& interval = at(at(run.results, "metrics"), "interval");
    if (!at(interval, "method").is_null())
        args << QStringLiteral("--interval") << jsonText(at(interval, "method"));
    if (!at(settings, "baseline").is_null())
        args << QStringLiteral("--baseline") << quote(jsonText(at(settings, "baseline")));
    args << QStringLiteral("--name") << quote(run.label) << QStringLiteral("--out") << quote(run.folder);
    return args.join(QLatin1Char(' '));
}

QString ReportWriter::html(const ReportContent& c, bool embedImages)
{
    QString h;
    h += QStringLiteral("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
                        "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    h += QStringLiteral("<title>%1</title>\n").arg(esc(c.title));
    h += QStringLiteral("<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;}"
                        "table{border-collapse:collapse;margin:0.5em 0 1.5em;}"
                        "th,td{border:1px solid #bbb;padding:2px 6px;}th{background:#eee;}"
                        "td.num{text-align:right;}pre{background:#f6f6f6;padding:0.5em;white-space:pre-wrap;}"
                        "img{max-width:100%;}</style>\n</head>\n<body>\n");
    h += QStringLiteral("<h1>%1</h1>\n").arg(esc(c.title));
    if (!c.summary.isEmpty())
        h += QStringLiteral("<p>%1</p>\n").arg(esc(c.summary));
    for (int i = 0; i < c.figures.size(); ++i) {
        const ReportFigure& f = c.figures[i];
        if (!f.plot)
            continue;
        const QString src = embedImages
            ? QStringLiteral("data:image/png;base64,") + QString::fromLatin1(figurePng(f).toBase64())
            : figureName(i);
        h += QStringLiteral("<h2>%1</h2>\n<p><img src=\"%2\" alt=\"%1\" width=\"%3\"/></p>\n")
                 .arg(esc(f.caption), src)
                 .arg(f.size.width());
    }
    for (const ReportTable& t : c.tables) {
        if (!t.model)
            continue;
        const QAbstractItemModel& m = *t.model;
        h += QStringLiteral("<h2>%1</h2>\n<table>\n<thead><tr>").arg(esc(t.caption));
        for (int col = 0; col < m.columnCount(); ++col)
            h += QStringLiteral("<th>%1</th>").arg(esc(m.headerData(col, Qt::Horizontal).toString()));
        h += QStringLiteral("</tr></thead>\n<tbody>\n");
        for (int row = 0; row < m.rowCount(); ++row) {
            h += QStringLiteral("<tr>");
            for (int col = 0; col < m.columnCount(); ++col) {
                const QModelIndex index = m.index(row, col);
                const bool right = m.data(index, Qt::TextAlignmentRole).toInt() & Qt::AlignRight;
                h += QStringLiteral("<td%1>%2</td>")
                         .arg(right ? QStringLiteral(" class=\"num\"") : QString(), esc(m.data(index).toString()));
            }
            h += QStringLiteral("</tr>\n");
        }
        h += QStringLiteral("</tbody>\n</table>\n");
    }
    if (!c.commands.isEmpty()) {
        h += QStringLiteral("<h2>%1</h2>\n<pre>").arg(esc(tr("Commands")));
        h += esc(c.commands.join(QLatin1Char('\n')));
        h += QStringLiteral("</pre>\n");
    }
    if (!c.runs.isEmpty() || !c.sweeps.isEmpty())
        h += QStringLiteral("<h2>%1</h2>\n").arg(esc(tr("Runs and their settings")));
    for (const SweepPtr& s : c.sweeps)
        if (s)
            h += QStringLiteral("<p>%1</p>\n").arg(esc(tr("Sweep %1 (%2): %3 cells, baseline %4")
                                                          .arg(s->label, s->folder)
                                                          .arg(s->cells.size())
                                                          .arg(s->baseline)));
    for (const EvalRunPtr& run : c.runs) {
        if (!run)
            continue;
        h += QStringLiteral("<h3>%1</h3>\n<table>\n<tbody>\n").arg(esc(run->label));
        for (const auto& [field, value] : settingsOf(*run))
            h += QStringLiteral("<tr><th>%1</th><td>%2</td></tr>\n").arg(esc(field), esc(value));
        h += QStringLiteral("</tbody>\n</table>\n<p>%1</p>\n<pre>%2</pre>\n")
                 .arg(esc(tr("Equivalent command, rebuilt from results.json:")), esc(equivalentCommand(*run)));
    }
    h += QStringLiteral("</body>\n</html>\n");
    return h;
}

QString ReportWriter::markdown(const ReportContent& c, const QString& imageBase)
{
    QString md = QStringLiteral("# %1\n\n").arg(c.title);
    if (!c.summary.isEmpty())
        md += c.summary + QStringLiteral("\n\n");
    for (int i = 0; i < c.figures.size(); ++i)
        if (c.figures[i].plot)
            md += QStringLiteral("## %1\n\n![%1](%2-%3)\n\n").arg(c.figures[i].caption, imageBase, figureName(i));
    for (const ReportTable& t : c.tables) {
        if (!t.model)
            continue;
        const QAbstractItemModel& m = *t.model;
        md += QStringLiteral("## %1\n\n|").arg(t.caption);
        QString rule = QStringLiteral("|");
        for (int col = 0; col < m.columnCount(); ++col) {
            md += QStringLiteral(" %1 |").arg(mdCell(m.headerData(col, Qt::Horizontal).toString()));
            const bool right = m.rowCount() > 0 && (m.data(m.index(0, col), Qt::TextAlignmentRole).toInt() & Qt::AlignRight);
            rule += right ? QStringLiteral("---:|") : QStringLiteral("---|");
        }
        md += QLatin1Char('\n') + rule + QLatin1Char('\n');
        for (int row = 0; row < m.rowCount(); ++row) {
            md += QLatin1Char('|');
            for (int col = 0; col < m.columnCount(); ++col)
                md += QStringLiteral(" %1 |").arg(mdCell(m.data(m.index(row, col)).toString()));
            md += QLatin1Char('\n');
        }
        md += QLatin1Char('\n');
    }
    if (!c.commands.isEmpty())
        md += QStringLiteral("## %1\n\n```sh\n%2\n```\n\n").arg(tr("Commands"), c.commands.join(QLatin1Char('\n')));
    if (!c.runs.isEmpty() || !c.sweeps.isEmpty())
        md += QStringLiteral("## %1\n\n").arg(tr("Runs and their settings"));
    for (const SweepPtr& s : c.sweeps)
        if (s)
            md += tr("Sweep %1 (%2): %3 cells, baseline %4").arg(s->label, s->folder).arg(s->cells.size()).arg(s->baseline)
                + QStringLiteral("\n\n");
    for (const EvalRunPtr& run : c.runs) {
        if (!run)
            continue;
        md += QStringLiteral("### %1\n\n| %2 | %3 |\n|---|---|\n").arg(run->label, tr("Setting"), tr("Value"));
        for (const auto& [field, value] : settingsOf(*run))
            md += QStringLiteral("| %1 | `%2` |\n").arg(mdCell(field), mdCell(value));
        md += QStringLiteral("\n%1\n\n```sh\n%2\n```\n\n")
                  .arg(tr("Equivalent command, rebuilt from results.json:"), equivalentCommand(*run));
    }
    return md;
}

bool ReportWriter::write(const ReportContent& c, const QString& file, QString* error)
{
    const auto format = formatForFile(file);
    if (!format)
        return fail(error, tr("%1: unknown report format (use .html, .pdf or .md)").arg(file));
    return write(c, file, *format, error);
}

bool ReportWriter::write(const ReportContent& c, const QString& file, Format format, QString* error)
{
    switch (format) {
    case Format::Html:
        return saveBytes(file, html(c, true).toUtf8(), error);
    case Format::Markdown: {
        const QFileInfo info(file);
        const QString base = info.completeBaseName();
        for (int i = 0; i < c.figures.size(); ++i) {
            if (!c.figures[i].plot)
                continue;
            const QString png = info.dir().filePath(base + QLatin1Char('-') + figureName(i));
            const QByteArray bytes = figurePng(c.figures[i]);
            if (bytes.isEmpty())
                return fail(error, tr("%1: could not render figure %2").arg(png).arg(i + 1));
            if (!saveBytes(png, bytes, error))
                return false;
        }
        return saveBytes(file, markdown(c, base).toUtf8(), error);
    }
    case Format::Pdf: {
        QTextDocument doc;
        for (int i = 0; i < c.figures.size(); ++i)
            if (c.figures[i].plot)
                doc.addResource(QTextDocument::ImageResource, QUrl(figureName(i)),
                                QImage::fromData(figurePng(c.figures[i]), "PNG"));
        // QTextDocument's HTML reader wants no XML prolog.
        const QString text = html(c, false);
        doc.setHtml(text.mid(text.indexOf(QLatin1String("<html"))));
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly))
            return fail(error, tr("%1: cannot write (%2)").arg(file, out.errorString()));
        {
            QPdfWriter pdf(&out);
            pdf.setTitle(c.title);
            pdf.setCreator(QCoreApplication::applicationName());
            pdf.setPageSize(QPageSize(QPageSize::A4));
            pdf.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
            pdf.setResolution(144);
            doc.setPageSize(QSizeF(pdf.width(), pdf.height()));
            doc.print(&pdf);
        }
        if (!out.commit())
            return fail(error, tr("%1: cannot write (%2)").arg(file, out.errorString()));
        return true;
    }
    }
    return false;
}

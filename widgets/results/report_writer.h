// A results report in one file: HTML (self-contained: plots embedded as
// base64 PNG), PDF (QTextDocument printed by QPdfWriter) or Markdown (plots
// written as PNG files next to it, FILE_BASE-figN.png). Each holds the
// plots, the tables (the leaderboard, per-source, sweep, ...) and, per run,
// the settings that produced it as results.json records them (backend,
// model fingerprint, sampler, cap, detector, seed, probes), an equivalent
// `moecut eval` command rebuilt from them, and the exact commands the caller
// passes in.
//
//   ReportContent content;
//   content.title = "Loop evaluation";
//   content.runs = leaderboard.runs();
//   content.figures = {{chart->title(), chart->plot()}};
//   content.tables = {{tr("Leaderboard"), &leaderboard}};
//   ReportWriter::write(content, "report.html", ReportWriter::Format::Html, &error);
#pragma once

#include "results_data.h"

#include <QCoreApplication>
#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

class QAbstractItemModel;
class QCustomPlot;

struct ReportFigure
{
    QString caption;
    QCustomPlot* plot = nullptr; // rendered at write time; not owned
    QSize size{800, 480};
};

struct ReportTable
{
    QString caption;
    const QAbstractItemModel* model = nullptr; // DisplayRole text; not owned
};

struct ReportContent
{
    QString title;
    QString summary;                 // a paragraph under the title (plain text)
    QList<ReportFigure> figures;
    QList<ReportTable> tables;
    QList<EvalRunPtr> runs;          // settings section, one entry per run
    QList<SweepPtr> sweeps;          // listed with their cells' folder
    QStringList commands;            // exact command lines, shown verbatim
};

class ReportWriter
{
    Q_DECLARE_TR_FUNCTIONS(ReportWriter)

public:
    enum class Format { Html, Pdf, Markdown };
    // From the suffix: html/htm/xhtml, pdf, md/markdown.
    static std::optional<Format> formatForFile(const QString& file);
    static QString fileFilter();

    // Written atomically; false with a one-line error naming the file.
    static bool write(const ReportContent& content, const QString& file, Format format, QString* error = nullptr);
    static bool write(const ReportContent& content, const QString& file, QString* error = nullptr);

    // The XHTML text. images: how figures are referenced: embedded as
    // base64 data URIs (true) or by the resource names fig1.png, fig2.png, ... (false).
    static QString html(const ReportContent& content, bool embedImages = true);
    // The Markdown text, figures referenced as imageBase-figN.png.
    static QString markdown(const ReportContent& content, const QString& imageBase);
    // An equivalent `moecut eval` command line rebuilt from a run's results.json.
    static QString equivalentCommand(const EvalRunData& run);
    // One-line descriptions of a run's settings: (field, value) pairs.
    static QList<QPair<QString, QString>> settingsOf(const EvalRunData& run);
};

#include "results_loader.h"

#include "moecut/error.h"
#include "moecut/eval_runner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cmath>
#include <exception>

namespace {

using nlohmann::ordered_json;

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

std::optional<ordered_json> readJson(const QString& file, QString* error)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = ResultsLoader::tr("%1: cannot open (%2)").arg(file, in.errorString());
        return std::nullopt;
    }
    const QByteArray bytes = in.readAll();
    try {
        return ordered_json::parse(bytes.constData(), bytes.constData() + bytes.size());
    } catch (const std::exception& e) {
        *error = ResultsLoader::tr("%1: not valid JSON (%2)").arg(file, QString::fromUtf8(e.what()));
        return std::nullopt;
    }
}

// results.json of a run or sweep folder: missing when there is none, and
// wrongShape unless it holds key as an object (or an array).
std::optional<ordered_json> readResults(const QString& file, const QString& missing, const char* key, bool array,
                                        const QString& wrongShape, QString* error)
{
    if (!QFileInfo::exists(file)) {
        *error = missing;
        return std::nullopt;
    }
    auto j = readJson(file, error);
    if (!j)
        return std::nullopt;
    const auto it = j->is_object() ? j->find(key) : j->end();
    if (it == j->end() || (array ? !it->is_array() : !it->is_object())) {
        *error = wrongShape;
        return std::nullopt;
    }
    return j;
}

double number(const ordered_json& j, const char* key, double fallback = 0)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::uint64_t count(const ordered_json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? static_cast<std::uint64_t>(std::llround(it->get<double>())) : 0;
}

std::optional<double> optionalNumber(const ordered_json& j, const char* key)
{
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number())
        return std::nullopt;
    return it->get<double>();
}

std::optional<moecut::stats::ProportionInterval> interval(const ordered_json& j, const char* key)
{
    const auto it = j.find(key);
    if (it == j.end() || !it->is_object())
        return std::nullopt;
    return moecut::stats::ProportionInterval{number(*it, "rate"), number(*it, "lower"), number(*it, "upper")};
}

// samples.jsonl: outcomes only. Errors name FILE:LINE.
bool readRecords(const QString& file, std::vector<moecut::SampleRecord>* out, QString* error)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = ResultsLoader::tr("%1: cannot open (%2)").arg(file, in.errorString());
        return false;
    }
    int line = 0;
    while (!in.atEnd()) {
        const QByteArray text = in.readLine().trimmed();
        ++line;
        if (text.isEmpty())
            continue;
        const QString where = QStringLiteral("%1:%2").arg(file).arg(line);
        try {
            const auto j = nlohmann::json::parse(text.constData(), text.constData() + text.size());
            moecut::SampleRecord r;
            if (!j.is_object() || !j.contains("probe_id") || !j.contains("outcome")) {
                *error = ResultsLoader::tr("%1: not a sample record (no probe_id or outcome)").arg(where);
                return false;
            }
            r.probe_id = j.at("probe_id").get<std::string>();
            r.source = j.value("source", std::string());
            r.sample_index = j.value("sample_index", 0u);
            r.outcome = moecut::parse_outcome(j.at("outcome").get<std::string>());
            r.n_tokens = j.value("n_tokens", std::int64_t{0});
            out->push_back(std::move(r));
        } catch (const std::exception& e) {
            *error = ResultsLoader::tr("%1: %2").arg(where, QString::fromUtf8(e.what()));
            return false;
        }
    }
    return true;
}

} // namespace

ResultsLoader::FolderKind ResultsLoader::kindOf(const QString& folder)
{
    QString error;
    const auto j = readJson(QDir(folder).filePath(QStringLiteral("results.json")), &error);
    if (!j || !j->is_object())
        return FolderKind::None;
    if (j->contains("cells"))
        return FolderKind::Sweep;
    if (j->contains("metrics"))
        return FolderKind::Run;
    return FolderKind::None;
}

moecut::GroupMetrics ResultsLoader::groupFromJson(const ordered_json& j)
{
    moecut::GroupMetrics g;
    if (!j.is_object())
        return g;
    g.group = j.value("group", std::string());
    g.samples = count(j, "samples");
    g.valid = count(j, "valid");
    g.loops = count(j, "loops");
    g.eos = count(j, "eos");
    g.runaways = count(j, "runaways");
    g.timeouts = count(j, "timeouts");
    g.errors = count(j, "errors");
    g.loop_rate = interval(j, "loop_rate");
    g.eos_rate = interval(j, "eos_rate");
    g.runaway_rate = interval(j, "runaway_rate");
    g.distinct4 = optionalNumber(j, "distinct4");
    g.median_tokens = optionalNumber(j, "median_tokens");
    g.p90_tokens = optionalNumber(j, "p90_tokens");
    return g;
}

moecut::RunMetrics ResultsLoader::metricsFromJson(const ordered_json& j)
{
    moecut::RunMetrics m;
    if (!j.is_object())
        return m;
    if (const auto it = j.find("interval"); it != j.end() && it->is_object()) {
        if (auto method = moecut::stats::parse_interval_method(it->value("method", std::string("exact"))))
            m.method = *method;
        m.confidence = number(*it, "confidence", 0.95);
    }
    if (const auto it = j.find("overall"); it != j.end())
        m.overall = groupFromJson(*it);
    if (const auto it = j.find("sources"); it != j.end() && it->is_array())
        for (const auto& s : *it)
            m.sources.push_back(groupFromJson(s));
    return m;
}

moecut::Comparison ResultsLoader::comparisonFromJson(const ordered_json& j)
{
    moecut::Comparison c;
    c.rate_baseline = number(j, "rate_baseline");
    c.rate_candidate = number(j, "rate_candidate");
    c.diff = number(j, "diff");
    c.diff_interval = {c.diff, number(j, "diff_lower"), number(j, "diff_upper")};
    c.z = number(j, "z");
    c.p_z = number(j, "p_z", 1);
    c.p_fisher = number(j, "p_fisher", 1);
    c.paired = j.value("paired", false);
    c.pairs = count(j, "pairs");
    c.only_baseline = count(j, "only_baseline_looped");
    c.only_candidate = count(j, "only_candidate_looped");
    c.p_mcnemar = number(j, "p_mcnemar", 1);
    c.p = number(j, "p", 1);
    c.p_adjusted = optionalNumber(j, "p_adjusted");
    return c;
}

std::vector<std::pair<QString, double>> ResultsLoader::parseCellName(const QString& name)
{
    std::vector<std::pair<QString, double>> out;
    for (const QString& item : name.split(QLatin1Char(','))) {
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        bool ok = false;
        const double v = eq > 0 ? item.mid(eq + 1).toDouble(&ok) : 0;
        if (!ok)
            return {};
        out.emplace_back(item.left(eq), v);
    }
    return out;
}

EvalRunPtr ResultsLoader::loadRun(const QString& folder, QString* error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    const QDir dir(folder);
    const QString file = dir.filePath(QStringLiteral("results.json"));
    auto j = readResults(file, tr("%1: no results.json (not a finished moecut eval run)").arg(folder), "metrics",
                         false, tr("%1: no \"metrics\" object (not a moecut eval results.json)").arg(file), error);
    if (!j)
        return nullptr;
    auto run = std::make_shared<EvalRunData>();
    run->folder = folder;
    run->label = j->contains("name") && (*j)["name"].is_string() ? qs((*j)["name"].get<std::string>())
                                                                   : QFileInfo(folder).fileName();
    run->metrics = metricsFromJson((*j)["metrics"]);
    run->results = std::move(*j);

    const QString jsonl = dir.filePath(QStringLiteral("samples.jsonl"));
    const QString sqlite = dir.filePath(QStringLiteral("samples.sqlite"));
    if (QFileInfo::exists(jsonl)) {
        if (!readRecords(jsonl, &run->records, error))
            return nullptr;
        run->recordsFile = jsonl;
    } else if (QFileInfo::exists(sqlite)) {
        try {
            run->records = moecut::load_run_records(folder.toStdString());
            for (auto& r : run->records) {
                r.tokens.clear();
                r.text.clear();
            }
            run->recordsFile = sqlite;
        } catch (const std::exception& e) {
            *error = tr("%1: %2").arg(sqlite, QString::fromUtf8(e.what()));
            return nullptr;
        }
    }
    return run;
}

SweepPtr ResultsLoader::loadSweep(const QString& folder, QString* error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    const QDir dir(folder);
    const QString file = dir.filePath(QStringLiteral("results.json"));
    auto j = readResults(file, tr("%1: no results.json (not a finished moecut sweep)").arg(folder), "cells", true,
                         tr("%1: no \"cells\" array (not a moecut sweep results.json)").arg(file), error);
    if (!j)
        return nullptr;
    auto sweep = std::make_shared<SweepData>();
    sweep->folder = folder;
    sweep->label = QFileInfo(folder).fileName();
    sweep->baseline = qs(j->value("baseline", std::string()));
    int index = 0;
    for (const auto& c : (*j)["cells"]) {
        ++index;
        if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || !c.contains("metrics")) {
            *error = tr("%1: cell %2 has no name or metrics").arg(file).arg(index);
            return nullptr;
        }
        SweepCellData cell;
        cell.name = qs(c["name"].get<std::string>());
        cell.values = parseCellName(cell.name);
        cell.baseline = c.value("baseline", false);
        cell.overall = metricsFromJson(c["metrics"]).overall;
        if (const auto it = c.find("vs_baseline"); it != c.end() && it->is_object()) {
            cell.vsBaseline = comparisonFromJson(*it);
            if (auto holm = optionalNumber(*it, "p_holm"))
                cell.vsBaseline->p_adjusted = holm;
            cell.pBh = optionalNumber(*it, "p_bh");
        }
        const QString cellDir = dir.filePath(QStringLiteral("cells/") + cell.name);
        if (QFileInfo::exists(QDir(cellDir).filePath(QStringLiteral("results.json")))) {
            cell.run = loadRun(cellDir, error);
            if (!cell.run)
                return nullptr;
        }
        for (const auto& [key, value] : cell.values)
            if (!sweep->axes.contains(key))
                sweep->axes.append(key);
        sweep->cells.push_back(std::move(cell));
    }
    sweep->results = std::move(*j);
    return sweep;
}

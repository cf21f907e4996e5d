#include "results_comparison.h"

#include "moecut/stats/interval.h"
#include "moecut/stats/two_proportion.h"

#include <exception>

std::optional<moecut::Comparison> ResultsComparison::compare(const EvalRunData& baseline,
                                                             const EvalRunData& candidate, const QString& source)
{
    if (baseline.hasRecords() && candidate.hasRecords()) {
        const bool all = source.isEmpty() || source == QLatin1String("all");
        const std::string name = source.toStdString();
        auto select = [&](const EvalRunData& run) {
            std::vector<moecut::SampleRecord> out;
            for (const auto& r : run.records)
                if (all || r.source == name)
                    out.push_back(r);
            return out;
        };
        try {
            return all ? moecut::compare_runs(baseline.records, candidate.records)
                       : moecut::compare_runs(select(baseline), select(candidate));
        } catch (const std::exception&) {
            return std::nullopt; // a run without valid samples here
        }
    }
    const auto* a = baseline.group(source);
    const auto* b = candidate.group(source);
    if (!a || !b)
        return std::nullopt;
    return compareCounts(*a, *b);
}

std::optional<moecut::Comparison> ResultsComparison::compareCounts(const moecut::GroupMetrics& baseline,
                                                                   const moecut::GroupMetrics& candidate)
{
    if (baseline.valid == 0 || candidate.valid == 0 || baseline.loops > baseline.valid
        || candidate.loops > candidate.valid)
        return std::nullopt;
    const auto ka = baseline.loops, na = baseline.valid, kb = candidate.loops, nb = candidate.valid;
    moecut::Comparison c;
    const auto z = moecut::stats::two_proportion_z_test(ka, na, kb, nb);
    c.rate_baseline = z.rate_a;
    c.rate_candidate = z.rate_b;
    c.diff = z.diff;
    c.z = z.z;
    c.p_z = z.p;
    if (na + nb <= moecut::stats::kFisherMaxTotal)
        c.p_fisher = moecut::stats::fisher_exact_arms(ka, na, kb, nb).p;
    c.diff_interval = moecut::stats::newcombe_difference(ka, na, kb, nb);
    c.p = c.p_z;
    return c;
}

QString ResultsComparison::testName(const moecut::Comparison& c)
{
    return c.paired ? tr("McNemar") : tr("z-test");
}

QString ResultsComparison::marker(double p)
{
    if (p < 0.001)
        return QStringLiteral("***");
    if (p < 0.01)
        return QStringLiteral("**");
    if (p < 0.05)
        return QStringLiteral("*");
    return tr("ns");
}

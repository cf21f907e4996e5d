#include "moecut/eval_metrics.h"

#include "moecut/error.h"
#include "moecut/stats/descriptive.h"
#include "moecut/stats/mcnemar.h"
#include "moecut/stats/two_proportion.h"

#include <map>
#include <set>

namespace moecut {
namespace {

using nlohmann::ordered_json;

bool valid(const SampleRecord& r) { return r.outcome != Outcome::error && r.outcome != Outcome::timeout; }

class GroupTally {
public:
    explicit GroupTally(std::string name) : distinct_(4) { m_.group = std::move(name); }

    void add(const SampleRecord& r) {
        ++m_.samples;
        switch (r.outcome) {
        case Outcome::error: ++m_.errors; return;
        case Outcome::timeout: ++m_.timeouts; return;
        case Outcome::loop: ++m_.loops; break;
        case Outcome::eos: ++m_.eos; break;
        case Outcome::runaway: ++m_.runaways; break;
        }
        ++m_.valid;
        lengths_.push_back(static_cast<double>(r.n_tokens));
        if (!r.tokens.empty()) {
            std::vector<stats::TokenId> ids(r.tokens.begin(), r.tokens.end());
            distinct_.add(ids);
        }
    }

    GroupMetrics finish(stats::IntervalMethod method, double confidence) {
        if (m_.valid > 0) {
            m_.loop_rate = stats::proportion_interval(m_.loops, m_.valid, method, confidence);
            m_.eos_rate = stats::proportion_interval(m_.eos, m_.valid, method, confidence);
            m_.runaway_rate = stats::proportion_interval(m_.runaways, m_.valid, method, confidence);
            m_.median_tokens = stats::median(lengths_);
            m_.p90_tokens = stats::p90(lengths_);
        }
        m_.distinct4 = distinct_.macro();
        return m_;
    }

private:
    GroupMetrics m_;
    stats::DistinctNgrams distinct_;
    std::vector<double> lengths_;
};

ordered_json interval_json(const std::optional<stats::ProportionInterval>& i) {
    if (!i) return nullptr;
    return {{"rate", i->rate}, {"lower", i->lower}, {"upper", i->upper}};
}

template <class T>
ordered_json optional_json(const std::optional<T>& v) {
    return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json group_json(const GroupMetrics& g) {
    return {{"group", g.group},
            {"samples", g.samples},
            {"valid", g.valid},
            {"loops", g.loops},
            {"eos", g.eos},
            {"runaways", g.runaways},
            {"timeouts", g.timeouts},
            {"errors", g.errors},
            {"loop_rate", interval_json(g.loop_rate)},
            {"eos_rate", interval_json(g.eos_rate)},
            {"runaway_rate", interval_json(g.runaway_rate)},
            {"distinct4", optional_json(g.distinct4)},
            {"median_tokens", optional_json(g.median_tokens)},
            {"p90_tokens", optional_json(g.p90_tokens)}};
}

} // namespace

RunMetrics compute_metrics(std::span<const SampleRecord> records, stats::IntervalMethod method, double confidence) {
    GroupTally all("all");
    std::map<std::string, GroupTally> by_source;
    for (const auto& r : records) {
        all.add(r);
        by_source.try_emplace(r.source, r.source).first->second.add(r);
    }
    RunMetrics m;
    m.method = method;
    m.confidence = confidence;
    m.overall = all.finish(method, confidence);
    for (auto& [name, tally] : by_source) m.sources.push_back(tally.finish(method, confidence));
    return m;
}

Comparison compare_runs(std::span<const SampleRecord> baseline, std::span<const SampleRecord> candidate) {
    auto count = [](std::span<const SampleRecord> rs) {
        std::uint64_t loops = 0, n = 0;
        for (const auto& r : rs)
            if (valid(r)) {
                ++n;
                loops += r.outcome == Outcome::loop;
            }
        return std::pair{loops, n};
    };
    const auto [ka, na] = count(baseline);
    const auto [kb, nb] = count(candidate);
    if (na == 0 || nb == 0) throw InputError("compare: a run has no valid samples (all errors or timeouts)");
    Comparison c;
    const auto z = stats::two_proportion_z_test(ka, na, kb, nb);
    c.rate_baseline = z.rate_a;
    c.rate_candidate = z.rate_b;
    c.diff = z.diff;
    c.z = z.z;
    c.p_z = z.p;
    c.p_fisher = stats::fisher_exact_arms(ka, na, kb, nb).p;
    c.diff_interval = stats::newcombe_difference(ka, na, kb, nb);
    // Paired only when both runs hold the same (probe, sample) keys: the same
    // design run twice. A partial overlap (another seed, a smaller n) is two
    // independent samples.
    std::set<std::pair<std::string, std::uint32_t>> keys_a, keys_b;
    for (const auto& r : baseline) keys_a.insert({r.probe_id, r.sample_index});
    for (const auto& r : candidate) keys_b.insert({r.probe_id, r.sample_index});
    std::map<std::pair<std::string, std::uint32_t>, bool> base_loop;
    if (keys_a == keys_b)
        for (const auto& r : baseline)
            if (valid(r)) base_loop[{r.probe_id, r.sample_index}] = r.outcome == Outcome::loop;
    for (const auto& r : candidate) {
        if (!valid(r)) continue;
        const auto it = base_loop.find({r.probe_id, r.sample_index});
        if (it == base_loop.end()) continue;
        ++c.pairs;
        const bool cand_loop = r.outcome == Outcome::loop;
        c.only_baseline += it->second && !cand_loop;
        c.only_candidate += !it->second && cand_loop;
    }
    c.paired = c.pairs > 0;
    if (c.paired) c.p_mcnemar = stats::mcnemar(c.only_baseline, c.only_candidate).p;
    c.p = c.paired ? c.p_mcnemar : c.p_z;
    return c;
}

ordered_json metrics_to_json(const RunMetrics& m) {
    ordered_json j;
    j["interval"] = {{"method", stats::interval_method_name(m.method)}, {"confidence", m.confidence}};
    j["overall"] = group_json(m.overall);
    j["sources"] = ordered_json::array();
    for (const auto& g : m.sources) j["sources"].push_back(group_json(g));
    return j;
}

ordered_json comparison_to_json(const Comparison& c) {
    ordered_json j = {{"rate_baseline", c.rate_baseline},
                      {"rate_candidate", c.rate_candidate},
                      {"diff", c.diff},
                      {"diff_lower", c.diff_interval.lower},
                      {"diff_upper", c.diff_interval.upper},
                      {"z", c.z},
                      {"p_z", c.p_z},
                      {"p_fisher", c.p_fisher},
                      {"paired", c.paired}};
    if (c.paired) {
        j["pairs"] = c.pairs;
        j["only_baseline_looped"] = c.only_baseline;
        j["only_candidate_looped"] = c.only_candidate;
        j["p_mcnemar"] = c.p_mcnemar;
    }
    j["p"] = c.p;
    j["p_adjusted"] = optional_json(c.p_adjusted);
    return j;
}

} // namespace moecut

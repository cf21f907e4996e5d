#include "moecut/stats/interval.h"

#include "moecut/error.h"
#include "moecut/stats/special.h"

#include <fmt/core.h>

#include <cmath>

namespace moecut::stats {

std::optional<IntervalMethod> parse_interval_method(std::string_view name) {
    if (name == "exact" || name == "clopper-pearson" || name == "beta") return IntervalMethod::exact;
    if (name == "wilson") return IntervalMethod::wilson;
    return std::nullopt;
}

std::string_view interval_method_name(IntervalMethod m) { return m == IntervalMethod::exact ? "exact" : "wilson"; }

std::string_view interval_method_title(IntervalMethod m) {
    return m == IntervalMethod::exact ? "Clopper-Pearson" : "Wilson";
}

void check_counts(std::string_view what, std::uint64_t successes, std::uint64_t trials) {
    if (trials == 0) throw InputError(fmt::format("{}: the number of trials must be at least 1", what));
    if (successes > trials)
        throw InputError(fmt::format("{}: {} successes is more than {} trials", what, successes, trials));
    // Beyond 2^53 counts are no longer exact as doubles.
    if (trials > kMaxTrials)
        throw InputError(fmt::format("{}: {} trials is more than the supported {}", what, trials, kMaxTrials));
}

void check_open_unit(std::string_view what, std::string_view name, double level) {
    if (!(level > 0 && level < 1))
        throw InputError(fmt::format("{}: {} must be strictly between 0 and 1, got {}", what, name, level));
}

ProportionInterval clopper_pearson(std::uint64_t successes, std::uint64_t trials, double confidence) {
    check_counts("Clopper-Pearson interval", successes, trials);
    check_open_unit("Clopper-Pearson interval", "confidence", confidence);
    const double tail = 0.5 * (1.0 - confidence);
    const double k = static_cast<double>(successes);
    const double n = static_cast<double>(trials);
    ProportionInterval r;
    r.rate = k / n;
    r.lower = successes == 0 ? 0.0 : beta_quantile(k, n - k + 1.0, tail);
    r.upper = successes == trials ? 1.0 : beta_isf(k + 1.0, n - k, tail);
    return r;
}

ProportionInterval wilson(std::uint64_t successes, std::uint64_t trials, double confidence) {
    check_counts("Wilson interval", successes, trials);
    check_open_unit("Wilson interval", "confidence", confidence);
    const double z = normal_isf(0.5 * (1.0 - confidence));
    const double z2 = z * z;
    const double n = static_cast<double>(trials);
    const double p = static_cast<double>(successes) / n;
    const double denom = 1.0 + z2 / n;
    const double center = (p + z2 / (2.0 * n)) / denom;
    const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
    ProportionInterval r;
    r.rate = p;
    // At k = 0 (k = n) the bound is exactly 0 (1); the formula only rounds to it.
    r.lower = successes == 0 ? 0.0 : center - half;
    r.upper = successes == trials ? 1.0 : center + half;
    return r;
}

ProportionInterval proportion_interval(std::uint64_t successes, std::uint64_t trials, IntervalMethod method,
                                       double confidence) {
    return method == IntervalMethod::exact ? clopper_pearson(successes, trials, confidence)
                                           : wilson(successes, trials, confidence);
}

DifferenceInterval newcombe_difference(std::uint64_t successes_a, std::uint64_t trials_a,
                                       std::uint64_t successes_b, std::uint64_t trials_b, double confidence) {
    const ProportionInterval a = wilson(successes_a, trials_a, confidence);
    const ProportionInterval b = wilson(successes_b, trials_b, confidence);
    DifferenceInterval r;
    r.diff = b.rate - a.rate;
    r.lower = r.diff - std::sqrt((b.rate - b.lower) * (b.rate - b.lower) + (a.upper - a.rate) * (a.upper - a.rate));
    r.upper = r.diff + std::sqrt((b.upper - b.rate) * (b.upper - b.rate) + (a.rate - a.lower) * (a.rate - a.lower));
    return r;
}

} // namespace moecut::stats

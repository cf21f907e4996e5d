// Confidence intervals for a binomial proportion (a loop rate, a natural-EOS
// rate) and for the difference of two independent proportions.
//
// Clopper–Pearson ("exact", the default) inverts two one-sided binomial tests
// through beta quantiles: lower = Beta(a/2; k, n-k+1), upper = Beta(1-a/2;
// k+1, n-k), with lower = 0 at k = 0 and upper = 1 at k = n (statsmodels'
// proportion_confint(method="beta")). It never under-covers; it is the method
// that reproduces the seed report's figures (72/2000 -> [2.8%, 4.5%]).
// Wilson is the score interval (proportion_confint(method="wilson")); it is
// closed form with close-to-nominal coverage at small n·p.
// Bad arguments (n = 0, k > n, confidence outside (0, 1)) throw InputError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moecut::stats {

enum class IntervalMethod { exact, wilson };

// "exact" (also "clopper-pearson", "beta") or "wilson"; nullopt otherwise.
std::optional<IntervalMethod> parse_interval_method(std::string_view name);
// "exact" or "wilson": the name used in JSON output.
std::string_view interval_method_name(IntervalMethod m);
// "Clopper-Pearson" or "Wilson": the name used in prose.
std::string_view interval_method_title(IntervalMethod m);

struct ProportionInterval {
    double rate = 0;  // k / n
    double lower = 0;
    double upper = 0;
};

ProportionInterval clopper_pearson(std::uint64_t successes, std::uint64_t trials, double confidence = 0.95);
ProportionInterval wilson(std::uint64_t successes, std::uint64_t trials, double confidence = 0.95);
ProportionInterval proportion_interval(std::uint64_t successes, std::uint64_t trials,
                                       IntervalMethod method = IntervalMethod::exact,
                                       double confidence = 0.95);

// Newcombe's hybrid score interval (1998, method 10) for p_b - p_a, built from
// the two Wilson intervals (statsmodels confint_proportions_2indep
// method="newcomb", with the arms swapped to give b - a).
struct DifferenceInterval {
    double diff = 0;  // p_b - p_a
    double lower = 0;
    double upper = 0;
};
DifferenceInterval newcombe_difference(std::uint64_t successes_a, std::uint64_t trials_a,
                                       std::uint64_t successes_b, std::uint64_t trials_b,
                                       double confidence = 0.95);

// The largest count accepted: 2^53, the last integer every double holds.
inline constexpr std::uint64_t kMaxTrials = std::uint64_t{1} << 53;

// Throws InputError unless 0 < trials <= kMaxTrials and successes <= trials;
// `what` names the caller in the message ("what: ...").
void check_counts(std::string_view what, std::uint64_t successes, std::uint64_t trials);
// Throws InputError unless 0 < level < 1.
void check_open_unit(std::string_view what, std::string_view name, double level);

} // namespace moecut::stats

#include "moecut/stats/power.h"

#include "moecut/error.h"
#include "moecut/stats/interval.h"
#include "moecut/stats/special.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace moecut::stats {
namespace {

constexpr std::string_view kWhat = "power of two proportions";

void check_rates(double p1, double p2) {
    for (double p : {p1, p2})
        if (!(p >= 0 && p <= 1)) throw InputError(fmt::format("{}: rate {} is outside [0, 1]", kWhat, p));
    if (p1 == p2)
        throw InputError(fmt::format("{}: p1 and p2 are equal ({}); there is no effect to detect", kWhat, p1));
}

struct Spread {
    double null;         // sd of the difference under H0, times sqrt(n)
    double alternative;  // the same under H1
};

Spread spread(double p1, double p2) {
    const double pooled = 0.5 * (p1 + p2);
    return {std::sqrt(2.0 * pooled * (1.0 - pooled)), std::sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2))};
}

} // namespace

double sample_size_two_proportions_raw(double p1, double p2, double power, const PowerOptions& options) {
    check_rates(p1, p2);
    check_open_unit(kWhat, "power", power);
    check_open_unit(kWhat, "alpha", options.alpha);
    const Spread s = spread(p1, p2);
    const double crit = normal_isf(0.5 * options.alpha);
    const double crit_power = normal_isf(power);
    const double numerator = std::max(0.0, crit * s.null - crit_power * s.alternative);
    const double n = numerator / (p2 - p1);
    return n * n;
}

std::uint64_t sample_size_two_proportions(double p1, double p2, double power, const PowerOptions& options) {
    const double n = sample_size_two_proportions_raw(p1, p2, power, options);
    // A hair of tolerance so an exact integer computed as 618.0000000000001
    // does not become 619.
    const double whole = std::ceil(n * (1.0 - 1e-12));
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(whole));
}

double power_two_proportions(double p1, double p2, double n_per_arm, const PowerOptions& options) {
    check_rates(p1, p2);
    check_open_unit(kWhat, "alpha", options.alpha);
    if (!(n_per_arm > 0) || !std::isfinite(n_per_arm))
        throw InputError(fmt::format("{}: n per arm must be positive, got {}", kWhat, n_per_arm));
    const Spread s = spread(p1, p2);
    if (!(s.alternative > 0)) return 1.0;  // both rates at 0/1: the samples cannot overlap
    const double crit = normal_isf(0.5 * options.alpha);
    const double ratio = s.null / s.alternative;
    const double shift = std::fabs(p2 - p1) * std::sqrt(n_per_arm) / s.alternative;
    // Rejection in the effect's tail plus the (tiny) far tail.
    return normal_sf(crit * ratio - shift) + normal_cdf(-crit * ratio - shift);
}

double min_detectable_rate(double p1, double n_per_arm, double power, const PowerOptions& options) {
    if (!(p1 >= 0 && p1 < 1)) throw InputError(fmt::format("{}: baseline rate {} is outside [0, 1)", kWhat, p1));
    check_open_unit(kWhat, "power", power);
    if (power_two_proportions(p1, 1.0, n_per_arm, options) < power) return 1.0;
    double lo = p1;   // power below target (no effect)
    double hi = 1.0;  // power at or above target
    for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (mid == p1 || power_two_proportions(p1, mid, n_per_arm, options) < power) lo = mid;
        else hi = mid;
    }
    return hi;
}

} // namespace moecut::stats

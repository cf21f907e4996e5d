#include "moecut/stats/mcnemar.h"

#include "moecut/stats/special.h"

#include <algorithm>
#include <cmath>

namespace moecut::stats {

McNemarResult mcnemar(std::uint64_t b, std::uint64_t c, const McNemarOptions& options) {
    McNemarResult r;
    const std::uint64_t discordant = b + c;
    const bool exact = options.method == McNemarMethod::exact ||
                       (options.method == McNemarMethod::automatic && discordant < options.exact_below);
    r.exact = exact;
    if (discordant == 0) {
        r.statistic = 0.0;
        r.p = 1.0;
        return r;
    }
    if (exact) {
        const std::uint64_t smaller = std::min(b, c);
        r.statistic = static_cast<double>(smaller);
        r.p = std::min(1.0, 2.0 * binomial_cdf(smaller, discordant, 0.5));
        return r;
    }
    const double gap = std::fabs(static_cast<double>(b) - static_cast<double>(c));
    const double corrected = options.continuity_correction ? std::max(0.0, gap - 1.0) : gap;
    r.statistic = corrected * corrected / static_cast<double>(discordant);
    r.p = chi2_1_sf(r.statistic);
    return r;
}

} // namespace moecut::stats

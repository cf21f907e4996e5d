#include "moecut/stats/multiple.h"

#include "moecut/error.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moecut::stats {
namespace {

// Indices of p in ascending order of p (stable, so ties keep input order).
std::vector<std::size_t> ascending_order(std::span<const double> p, std::string_view what) {
    for (double v : p)
        if (!(v >= 0 && v <= 1)) throw InputError(fmt::format("{}: p-value {} is outside [0, 1]", what, v));
    std::vector<std::size_t> order(p.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
    return order;
}

} // namespace

std::vector<double> holm_adjust(std::span<const double> p) {
    const auto order = ascending_order(p, "Holm adjustment");
    const std::size_t m = p.size();
    std::vector<double> adjusted(m);
    double running = 0.0;
    for (std::size_t rank = 0; rank < m; ++rank) {
        const std::size_t i = order[rank];
        running = std::max(running, std::min(1.0, static_cast<double>(m - rank) * p[i]));
        adjusted[i] = running;
    }
    return adjusted;
}

std::vector<double> benjamini_hochberg_adjust(std::span<const double> p) {
    const auto order = ascending_order(p, "Benjamini-Hochberg adjustment");
    const std::size_t m = p.size();
    std::vector<double> adjusted(m);
    double running = 1.0;
    for (std::size_t rank = m; rank-- > 0;) {
        const std::size_t i = order[rank];
        running = std::min(running, static_cast<double>(m) * p[i] / static_cast<double>(rank + 1));
        adjusted[i] = running;
    }
    return adjusted;
}

} // namespace moecut::stats

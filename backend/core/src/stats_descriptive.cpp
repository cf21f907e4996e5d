#include "moecut/stats/descriptive.h"

#include "moecut/error.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace moecut::stats {
namespace {

std::string_view ngram_bytes(std::span<const TokenId> tokens, std::size_t start, std::size_t n) {
    return {reinterpret_cast<const char*>(tokens.data() + start), n * sizeof(TokenId)};
}

void check_n(std::size_t n) {
    if (n == 0) throw InputError("distinct-n: n must be at least 1");
}

} // namespace

double quantile(std::span<const double> values, double q) {
    if (values.empty()) throw InputError("quantile: no values");
    if (!(q >= 0 && q <= 1)) throw InputError(fmt::format("quantile: q must be in [0, 1], got {}", q));
    std::vector<double> sorted(values.begin(), values.end());
    for (double v : sorted)
        if (std::isnan(v)) throw InputError("quantile: a value is NaN");
    std::sort(sorted.begin(), sorted.end());
    const double h = static_cast<double>(sorted.size() - 1) * q;
    const double floor_h = std::floor(h);
    const auto lo = static_cast<std::size_t>(floor_h);
    if (lo + 1 >= sorted.size()) return sorted.back();
    const double t = h - floor_h;
    const double a = sorted[lo];
    const double b = sorted[lo + 1];
    // numpy's lerp: from whichever end is nearer, so t = 1 gives b exactly.
    return t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t;
}

double median(std::span<const double> values) { return quantile(values, 0.5); }

double p90(std::span<const double> values) { return quantile(values, 0.9); }

std::optional<double> distinct_n(std::span<const TokenId> tokens, std::size_t n) {
    check_n(n);
    if (tokens.size() < n) return std::nullopt;
    const std::size_t count = tokens.size() - n + 1;
    std::unordered_set<std::string_view> seen;
    seen.reserve(count);
    for (std::size_t i = 0; i < count; ++i) seen.insert(ngram_bytes(tokens, i, n));
    return static_cast<double>(seen.size()) / static_cast<double>(count);
}

DistinctNgrams::DistinctNgrams(std::size_t n) : n_(n) { check_n(n); }

void DistinctNgrams::add(std::span<const TokenId> tokens) {
    if (tokens.size() < n_) return;
    const std::size_t count = tokens.size() - n_ + 1;
    std::unordered_set<std::string_view> local;
    local.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string_view gram = ngram_bytes(tokens, i, n_);
        if (local.insert(gram).second) seen_.emplace(gram);
    }
    total_ += count;
    ++counted_;
    macro_sum_ += static_cast<double>(local.size()) / static_cast<double>(count);
}

std::optional<double> DistinctNgrams::corpus() const {
    if (total_ == 0) return std::nullopt;
    return static_cast<double>(seen_.size()) / static_cast<double>(total_);
}

std::optional<double> DistinctNgrams::macro() const {
    if (counted_ == 0) return std::nullopt;
    return macro_sum_ / static_cast<double>(counted_);
}

} // namespace moecut::stats

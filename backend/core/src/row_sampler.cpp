// RowSampler: one generated sequence's sampler (incremental penalty state, its
// own seeded generator, float64 inverse-CDF draw), and the per-sample seed.
#include "moecut/error.h"
#include "moecut/sampling.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace moecut {

std::int64_t draw_from_logits(std::span<const float> logits, double u, std::vector<double>& w) {
    const auto V = logits.size();
    if (V == 0) throw InputError("sampler: empty logits row");
    double mx = -std::numeric_limits<double>::infinity();
    for (float v : logits) mx = std::max(mx, static_cast<double>(v));
    if (!std::isfinite(mx)) return argmax_lowest(logits);  // all -inf (or a +inf/NaN): no distribution
    w.resize(V);
    double total = 0;
    for (std::size_t i = 0; i < V; ++i) {
        const float v = logits[i];
        w[i] = v == -std::numeric_limits<float>::infinity() ? 0.0 : std::exp(static_cast<double>(v) - mx);
        total += w[i];
    }
    const double target = u * total;
    double acc = 0;
    std::int64_t last_positive = 0;
    for (std::size_t i = 0; i < V; ++i) {
        if (w[i] <= 0) continue;
        acc += w[i];
        last_positive = static_cast<std::int64_t>(i);
        if (acc > target) return last_positive;
    }
    return last_positive;  // rounding left the target just above the sum
}

RowSampler::RowSampler(const SamplerConfig& c, std::uint64_t seed) : cfg_(c), state_(c), rng_(seed) {}

std::int64_t RowSampler::next(std::span<const float> logits, std::span<const std::int64_t> prompt,
                              std::span<const std::int64_t> output) {
    if (!started_) {
        for (auto t : prompt) state_.add_prompt(t);
        prompt_seen_ = prompt.size();
        started_ = true;
    } else if (prompt.size() != prompt_seen_) {
        throw InputError(fmt::format("sampler: the prompt changed length ({} -> {} tokens) between steps",
                                     prompt_seen_, prompt.size()));
    }
    if (output.size() < output_seen_)
        throw InputError(
            fmt::format("sampler: the output shrank ({} -> {} tokens) between steps", output_seen_, output.size()));
    for (std::size_t i = output_seen_; i < output.size(); ++i) state_.add_output(output[i]);
    output_seen_ = output.size();

    row_.assign(logits.begin(), logits.end());
    if (cfg_.greedy()) {
        state_.apply(row_);
        return argmax_lowest(row_);
    }
    apply_processors(row_, state_, cfg_);
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;  // [0, 1), the same everywhere
    return draw_from_logits(row_, u, weights_);
}

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

std::uint64_t fnv1a64(std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001B3ULL;
    }
    return h;
}

} // namespace

std::uint64_t sample_seed(std::uint64_t run_seed, std::string_view probe_id, std::uint32_t sample_index) {
    std::uint64_t x = splitmix64(run_seed);
    x = splitmix64(x ^ fnv1a64(probe_id));
    return splitmix64(x ^ static_cast<std::uint64_t>(sample_index));
}

} // namespace moecut

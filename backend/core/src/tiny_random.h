// Random values for test checkpoints that are the same on every platform.
//
// std::normal_distribution (and even std::uniform_real_distribution) give
// implementation-defined sequences, and Box-Muller needs log/cos, whose last
// bits differ between C libraries. So: std::mt19937_64 (its sequence is fixed
// by the standard), and an approximately normal value built with integer
// arithmetic only: the sum of four 16-bit uniforms (Irwin-Hall, n = 4),
// centred and scaled to unit variance. The one rounding step is an IEEE
// multiplication, identical everywhere.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

namespace moecut::detail {

inline std::uint64_t fnv1a64(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

inline std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

class TinyRng {
public:
    // One independent stream per (seed, tensor name): a tensor's values do
    // not depend on which other tensors exist or on their order.
    TinyRng(std::uint64_t seed, std::string_view stream) : engine_(splitmix64(seed) ^ fnv1a64(stream)) {}

    // Approximately N(0, 1), within +-3.46.
    double normal() {
        std::uint64_t x = engine_();
        std::int64_t sum = static_cast<std::int64_t>(x & 0xffff) + static_cast<std::int64_t>((x >> 16) & 0xffff) +
                           static_cast<std::int64_t>((x >> 32) & 0xffff) + static_cast<std::int64_t>(x >> 48);
        // Each 16-bit uniform has variance (65536^2 - 1) / 12; four of them 4x that.
        // 2 * sum - 4 * 65535 is exact; scale it to unit variance.
        constexpr double kInvSd = 1.0 / 75674.45447441297;  // 1 / (2 * sqrt((65536^2 - 1) / 3))
        return static_cast<double>(2 * sum - 4 * 65535) * kInvSd;
    }

private:
    std::mt19937_64 engine_;
};

} // namespace moecut::detail

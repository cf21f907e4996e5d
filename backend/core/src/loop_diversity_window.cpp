// Near-duplicate loops by windowed distinct-4 (loop_diversity_window.h).
#include "loop_diversity_window.h"

#include <bit>
#include <algorithm>
#include <cmath>

namespace moecut::detail {

namespace {
constexpr std::int64_t kGram = 4;

std::uint64_t rotl(std::uint64_t v, int r) { return (v << r) | (v >> (64 - r)); }

// The 4-grams ending at a and at b are equal.
bool same_gram(const std::int64_t* x, std::int64_t a, std::int64_t b) {
    return x[a] == x[b] && x[a - 1] == x[b - 1] && x[a - 2] == x[b - 2] && x[a - 3] == x[b - 3];
}
} // namespace

DiversityWindow::DiversityWindow(const LoopDetectorConfig& config)
    : window_(config.window), span_(config.window - kGram + 1) {
    // distinct < max_distinct4 * span, with distinct an integer, is distinct < ceil(...).
    limit_ = static_cast<std::int64_t>(std::ceil(config.max_distinct4 * static_cast<double>(span_)));
    // At most span + 1 live entries; rebuilt at half load, so a table of 8x
    // that is rebuilt about every 3 * span new 4-grams.
    const std::size_t cap = std::bit_ceil(static_cast<std::size_t>(8 * (span_ + 1)));
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    shift_ = 64 - std::countr_zero(cap);
    max_used_ = cap / 2;
    const std::size_t ring = std::bit_ceil(static_cast<std::size_t>(span_ + 1));
    ring_.assign(ring, 0);
    later_.assign(ring, 0);
    ring_mask_ = ring - 1;
}

double DiversityWindow::distinct4() const {
    if (t_ < window_ - 1) return 1.0;
    return static_cast<double>(distinct_) / static_cast<double>(span_);
}

std::int64_t DiversityWindow::exchange(const std::int64_t* x, std::uint64_t hash, std::int64_t t) {
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t i = home(hash);; i = (i + 1) & mask_) {
        Slot& s = slots_[i];
        if (s.pos1 == 0) {
            s = Slot{tag, static_cast<std::uint32_t>(t + 1)};
            ++used_;
            return -1;
        }
        if (s.tag == tag && same_gram(x, s.pos1 - 1, t)) {
            const std::int64_t prev = static_cast<std::int64_t>(s.pos1) - 1;
            s.pos1 = static_cast<std::uint32_t>(t + 1);
            return prev;
        }
    }
}

// Keeps only the 4-grams of the window (positions t - span + 1 .. t).
void DiversityWindow::rebuild(const std::int64_t* x) {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    used_ = 0;
    for (std::int64_t p = std::max(t_ - span_ + 1, kGram - 1); p <= t_; ++p) {
        exchange(x, ring_[static_cast<std::size_t>(p) & ring_mask_], p);
    }
}

void DiversityWindow::begin(std::int64_t t, std::uint64_t m0) {
    t_ = t;
    const std::uint64_t m1 = m1_, m2 = m2_, m3 = m3_;
    m3_ = m2;
    m2_ = m1;
    m1_ = m0;
    // mix64 is a bijection, so equal 4-grams have equal hashes; the rotations
    // keep the order. Unequal ones may collide: exchange compares tokens.
    hash_ = m0 ^ rotl(m1, 16) ^ rotl(m2, 32) ^ rotl(m3, 48);
    __builtin_prefetch(slots_.data() + home(hash_));
}

bool DiversityWindow::finish(const std::vector<std::int64_t>& x) {
    if (t_ < kGram - 1) return false;
    const std::uint64_t hash = hash_;
    const std::int64_t* data = x.data();
    const std::size_t at = static_cast<std::size_t>(t_) & ring_mask_;
    ring_[at] = hash;
    later_[at] = 0;
    // The window before this token holds the 4-grams ending at t - span .. t - 1.
    const std::int64_t prev = exchange(data, hash, t_);
    if (prev >= 0 && prev >= t_ - span_) {
        later_[static_cast<std::size_t>(prev) & ring_mask_] = 1;
    } else {
        ++distinct_;
    }
    // The 4-gram ending at t - span leaves: gone unless it occurred again since.
    const std::int64_t leaving = t_ - span_;
    if (leaving >= kGram - 1 && later_[static_cast<std::size_t>(leaving) & ring_mask_] == 0) --distinct_;
    if (used_ > max_used_) [[unlikely]] rebuild(data);

    if (t_ < window_ - 1) return false;
    streak_ = distinct_ < limit_ ? streak_ + 1 : 0;
    if (streak_ < window_) return false;
    // Once, at firing: the distance back to the previous copy of the last 4 tokens.
    period_ = 0;
    for (std::int64_t d = 1; period_ == 0 && t_ - kGram + 1 - d >= 0; ++d) {
        bool same = true;
        for (std::int64_t k = 0; k < kGram && same; ++k) same = x[static_cast<std::size_t>(t_ - k)] == x[static_cast<std::size_t>(t_ - k - d)];
        if (same) period_ = d;
    }
    start_ = t_ - streak_ + 1 - window_ + 1;
    return true;
}

} // namespace moecut::detail

// Near-duplicate loops by windowed distinct-4 (loop_diversity_window.h).
#include "loop_diversity_window.h"

namespace moecut::detail {

namespace {
constexpr std::int64_t kGram = 4;
}

DiversityWindow::DiversityWindow(const LoopDetectorConfig& config)
    : window_(config.window), limit_(config.max_distinct4 * static_cast<double>(config.window - kGram + 1)),
      hash_(kGram), grams_(static_cast<std::size_t>(config.window)), ring_(static_cast<std::size_t>(config.window), 0) {}

double DiversityWindow::distinct4() const {
    if (t_ < window_ - 1) return 1.0;
    return static_cast<double>(distinct_) / static_cast<double>(window_ - kGram + 1);
}

bool DiversityWindow::push(const std::vector<std::int64_t>& x) {
    t_ = static_cast<std::int64_t>(x.size()) - 1;
    const std::size_t n = x.size();
    hash_.push(static_cast<std::uint64_t>(x.back()), n > kGram ? static_cast<std::uint64_t>(x[n - 1 - kGram]) : 0);
    if (!hash_.full()) return false;

    const std::uint64_t key = hash_.key();
    if (grams_.add(key, 1) == 1) ++distinct_;
    ring_[static_cast<std::size_t>(t_ % window_)] = key;

    // The 4-gram ending at t - window + 4 - 1 has left the window.
    const std::int64_t leaving = t_ - (window_ - kGram + 1);
    if (leaving >= kGram - 1) {
        if (grams_.add(ring_[static_cast<std::size_t>(leaving % window_)], -1) == 0) --distinct_;
    }

    if (t_ < window_ - 1) return false;
    streak_ = static_cast<double>(distinct_) < limit_ ? streak_ + 1 : 0;
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

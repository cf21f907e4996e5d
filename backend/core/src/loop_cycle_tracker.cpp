// Exact tail cycles for the loop detector (loop_cycle_tracker.h).
#include "loop_cycle_tracker.h"

#include <algorithm>

namespace moecut::detail {

CycleTracker::CycleTracker(const LoopDetectorConfig& config)
    : config_(config), direct_(config.anchor), direct_run_(static_cast<std::size_t>(config.anchor) + 1, 0),
      direct_need_(static_cast<std::size_t>(config.anchor) + 1, -1),
      anchor_hash_(static_cast<std::size_t>(config.anchor)) {
    for (std::int64_t p = 1; p <= direct_; ++p) direct_need_[static_cast<std::size_t>(p)] = needed_run(p);
}

std::int64_t CycleTracker::needed_run(std::int64_t p) const {
    if (p < config_.min_period) return -1;
    if (p <= config_.max_period) return std::max((config_.min_count - 1) * p, config_.min_tokens - p);
    if (config_.long_cycles) return (config_.long_min_count - 1) * p;
    return -1;
}

void CycleTracker::adopt(const std::vector<std::int64_t>& x, std::int64_t t, std::int64_t d) {
    for (int i = 0; i < n_candidates_; ++i) {
        if (candidates_[static_cast<std::size_t>(i)].period == d) return;
    }
    const std::int64_t need = needed_run(d);
    if (need < 0) return;
    // Verify the w-gram (hash collisions) and extend the run backwards, but
    // no further than the threshold: beyond it the count changes nothing.
    std::int64_t run = 0;
    const std::int64_t limit = std::max(need, config_.anchor);
    while (run < limit && t - run - d >= 0 && x[static_cast<std::size_t>(t - run)] == x[static_cast<std::size_t>(t - run - d)]) {
        ++run;
    }
    if (run < config_.anchor) return;  // a collision, not a match
    Candidate c{d, run};
    if (n_candidates_ < LoopDetector::kMaxCandidates) {
        candidates_[static_cast<std::size_t>(n_candidates_++)] = c;
        return;
    }
    auto weakest = std::min_element(candidates_.begin(), candidates_.end(),
                                     [](const Candidate& a, const Candidate& b) { return a.run < b.run; });
    if (weakest->run < run) *weakest = c;
}

std::int64_t CycleTracker::push(const std::vector<std::int64_t>& x) {
    const auto t = static_cast<std::int64_t>(x.size()) - 1;
    const std::int64_t now = x.back();
    std::int64_t fired = 0;

    for (std::int64_t p = 1; p <= direct_; ++p) {
        auto& r = direct_run_[static_cast<std::size_t>(p)];
        r = (t >= p && x[static_cast<std::size_t>(t - p)] == now) ? r + 1 : 0;
        const std::int64_t need = direct_need_[static_cast<std::size_t>(p)];
        if (fired == 0 && need >= 0 && r >= need) fired = p;
    }

    int kept = 0;
    for (int i = 0; i < n_candidates_; ++i) {
        Candidate c = candidates_[static_cast<std::size_t>(i)];
        if (x[static_cast<std::size_t>(t - c.period)] != now) continue;
        ++c.run;
        candidates_[static_cast<std::size_t>(kept++)] = c;
    }
    n_candidates_ = kept;

    const std::size_t w = static_cast<std::size_t>(config_.anchor);
    anchor_hash_.push(static_cast<std::uint64_t>(now), x.size() > w ? static_cast<std::uint64_t>(x[x.size() - 1 - w]) : 0);
    if (anchor_hash_.full()) {
        bool inserted = false;
        std::int64_t& last = last_end_.slot(anchor_hash_.key(), inserted);
        if (!inserted && last > 0) {
            const std::int64_t d = t - (last - 1);
            if (d > direct_) adopt(x, t, d);
        }
        last = t + 1;
    }

    if (fired != 0) return fired;
    for (int i = 0; i < n_candidates_; ++i) {
        const Candidate& c = candidates_[static_cast<std::size_t>(i)];
        if ((fired == 0 || c.period < fired) && c.run >= needed_run(c.period)) fired = c.period;
    }
    return fired;
}

std::int64_t periodic_region_start(const std::vector<std::int64_t>& x, std::int64_t t, std::int64_t period) {
    std::int64_t i = t;
    while (i - period >= 0 && x[static_cast<std::size_t>(i)] == x[static_cast<std::size_t>(i - period)]) --i;
    return i - period + 1;
}

} // namespace moecut::detail

// Exact tail cycles for the loop detector (loop_cycle_tracker.h).
#include "loop_cycle_tracker.h"

#include <algorithm>
#include <cstdint>

namespace moecut::detail {

namespace {

// GCC vectorises at -O3 only (clang at -O2): the direct counters are the
// detector's one loop over 32 periods.
// On x86-64 with ifunc support a second copy for AVX2 (8 lanes) is chosen at
// load time.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__)
#define MOECUT_VECTORIZE __attribute__((optimize("O3"), target_clones("avx2", "default")))
#elif defined(__GNUC__) && !defined(__clang__)
#define MOECUT_VECTORIZE __attribute__((optimize("O3")))
#else
#define MOECUT_VECTORIZE
#endif

// Index j is period 32 - j, so that run[j] pairs with the token 32 - j before
// the newest one (lo/hi[j], its 32-bit halves; nlo/nhi the newest token's):
// run[j] counts x[i] == x[i - period] up to now. True when some period reached
// its need. All lanes are 32 bits, so SSE2 vectorises it.
MOECUT_VECTORIZE bool update_direct(const std::uint32_t* __restrict lo, const std::uint32_t* __restrict hi, std::uint32_t nlo,
                                    std::uint32_t nhi, std::int32_t* __restrict run, const std::int32_t* __restrict need) {
    std::int32_t any = 0;
    for (int j = 0; j < 32; ++j) {
        const std::uint32_t same = 0u - static_cast<std::uint32_t>((lo[j] == nlo) & (hi[j] == nhi));
        run[j] = static_cast<std::int32_t>((static_cast<std::uint32_t>(run[j]) + 1u) & same);
        any |= static_cast<std::int32_t>(run[j] >= need[j]);
    }
    return any != 0;
}

// The same for the first 32 tokens.
bool update_direct_early(const std::vector<std::int64_t>& x, std::int64_t t, std::int32_t* run, const std::int32_t* need) {
    bool any = false;
    for (std::int64_t j = 0; j < 32; ++j) {
        const std::int64_t period = 32 - j;
        const bool same = period <= t && x[static_cast<std::size_t>(t - period)] == x.back();
        run[j] = same ? run[j] + 1 : 0;
        any = any || run[j] >= need[j];
    }
    return any;
}

constexpr std::int32_t kNever = INT32_MAX;  // a run never reaches it
}

CycleTracker::CycleTracker(const LoopDetectorConfig& config)
    : config_(config), direct_(kDirectPeriods),
      anchor_hash_(static_cast<std::size_t>(config.anchor)) {
    direct_run_.fill(0);
    for (std::int64_t p = 1; p <= kDirectPeriods; ++p) {
        const std::int64_t need = needed_run(p);
        direct_need_[static_cast<std::size_t>(kDirectPeriods - p)] =
            need < 0 || need > kNever ? kNever : static_cast<std::int32_t>(need);
    }
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
    Candidate c{d, run, need};
    if (n_candidates_ < LoopDetector::kMaxCandidates) {
        candidates_[static_cast<std::size_t>(n_candidates_++)] = c;
        return;
    }
    auto weakest = std::min_element(candidates_.begin(), candidates_.end(),
                                     [](const Candidate& a, const Candidate& b) { return a.run < b.run; });
    if (weakest->run < run) *weakest = c;
}

void CycleTracker::begin(std::int64_t t, std::uint64_t mixed) {
    const auto w = config_.anchor;
    mixed_[static_cast<std::size_t>(t) & 63] = mixed;
    anchor_hash_.push_mixed(mixed, t >= w ? mixed_[static_cast<std::size_t>(t - w) & 63] : 0);
    // Only content-selected w-grams (a quarter) are anchors: a period longer
    // than the direct ones almost surely holds one, and the table stays small.
    anchor_key_ = 0;
    if (anchor_hash_.full()) {
        const std::uint64_t key = anchor_hash_.key();  // never 0
        if (((key >> 1) & 3u) == 0) {
            anchor_key_ = key;
            last_end_.prefetch(key);
        }
    }
}

void CycleTracker::advance(const std::vector<std::int64_t>& x) {
    const auto t = static_cast<std::int64_t>(x.size()) - 1;
    const std::int64_t now = x.back();
    const auto now_lo = static_cast<std::uint32_t>(static_cast<std::uint64_t>(now));
    const auto now_hi = static_cast<std::uint32_t>(static_cast<std::uint64_t>(now) >> 32);
    std::int64_t fired = 0;

    std::int32_t* run = direct_run_.data();
    const std::int32_t* need = direct_need_.data();
    const bool any = t >= kDirectPeriods
                         ? update_direct(lo_.data() + (n_ - kDirectPeriods), hi_.data() + (n_ - kDirectPeriods), now_lo, now_hi, run, need)
                         : update_direct_early(x, t, run, need);
    if (n_ == kTail) {
        std::copy(lo_.end() - kDirectPeriods, lo_.end(), lo_.begin());
        std::copy(hi_.end() - kDirectPeriods, hi_.end(), hi_.begin());
        n_ = kDirectPeriods;
    }
    lo_[static_cast<std::size_t>(n_)] = now_lo;
    hi_[static_cast<std::size_t>(n_)] = now_hi;
    ++n_;
    if (any) [[unlikely]] {
        for (int p = 1; p <= kDirectPeriods && fired == 0; ++p) {
            if (run[kDirectPeriods - p] >= need[kDirectPeriods - p]) fired = p;
        }
    }

    int kept = 0;
    for (int i = 0; i < n_candidates_; ++i) {
        Candidate c = candidates_[static_cast<std::size_t>(i)];
        if (x[static_cast<std::size_t>(t - c.period)] != now) continue;
        ++c.run;
        candidates_[static_cast<std::size_t>(kept++)] = c;
    }
    n_candidates_ = kept;
    fired_direct_ = fired;
}

std::int64_t CycleTracker::finish(const std::vector<std::int64_t>& x) {
    const auto t = static_cast<std::int64_t>(x.size()) - 1;
    std::int64_t fired = fired_direct_;
    if (anchor_key_ != 0) {
        const std::uint32_t last = last_end_.exchange(anchor_key_, static_cast<std::uint32_t>(t + 1));
        if (last > 0) {
            const std::int64_t d = t - (static_cast<std::int64_t>(last) - 1);
            if (d > direct_) adopt(x, t, d);
        }
    }

    if (fired != 0) return fired;
    for (int i = 0; i < n_candidates_; ++i) {
        const Candidate& c = candidates_[static_cast<std::size_t>(i)];
        if ((fired == 0 || c.period < fired) && c.run >= c.need) fired = c.period;
    }
    return fired;
}

std::int64_t periodic_region_start(const std::vector<std::int64_t>& x, std::int64_t t, std::int64_t period) {
    std::int64_t i = t;
    while (i - period >= 0 && x[static_cast<std::size_t>(i)] == x[static_cast<std::size_t>(i - period)]) --i;
    return i - period + 1;
}

} // namespace moecut::detail

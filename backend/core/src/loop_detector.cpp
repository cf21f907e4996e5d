// The streaming loop detector: reasoning restarts, exact and long cycles,
// near-duplicate windows, first detection kept (loop_detector.h).
#include "moecut/loop_detector.h"

#include "loop_cycle_tracker.h"
#include "loop_diversity_window.h"

#include <algorithm>
#include <optional>

namespace moecut {

struct LoopDetector::State {
    explicit State(const LoopDetectorConfig& c)
        : cycles(c), watch_think(!c.think_end_ids.empty() || !c.think_start_ids.empty()) {
        if (c.near_duplicates) diversity.emplace(c);
        tokens.reserve(1024);
    }
    std::vector<std::int64_t> tokens;
    detail::CycleTracker cycles;
    std::optional<detail::DiversityWindow> diversity;
    bool watch_think;
    std::int64_t first_end = -1;  // position of the first reasoning-end marker
    std::int64_t last_end = -1;
};

LoopDetector::LoopDetector(LoopDetectorConfig config) : config_(std::move(config)) {
    config_.validate();
    state_ = std::make_unique<State>(config_);
}

LoopDetector::~LoopDetector() = default;
LoopDetector::LoopDetector(LoopDetector&&) noexcept = default;
LoopDetector& LoopDetector::operator=(LoopDetector&&) noexcept = default;

namespace {
bool contains(const std::vector<std::int64_t>& ids, std::int64_t token) {
    return std::find(ids.begin(), ids.end(), token) != ids.end();
}
} // namespace

bool LoopDetector::push(std::int64_t token) {
    const std::int64_t t = seen_++;
    if (hit_.detected()) return true;
    State& s = *state_;
    s.tokens.push_back(token);

    if (s.watch_think) {
        const bool is_end = contains(config_.think_end_ids, token);
        const bool restarts = is_end ? s.last_end >= 0 : (s.last_end >= 0 && contains(config_.think_start_ids, token));
        if (restarts) {
            hit_ = LoopHit{"think_restart", t - s.last_end, s.first_end + 1, t};
            return true;
        }
        if (is_end) {
            if (s.first_end < 0) s.first_end = t;
            s.last_end = t;
        }
    }

    // mix64 once per token, shared by the anchor hash and the 4-gram hash.
    // Both table look-ups start first (prefetch) and complete after the
    // direct counters, whose work hides their cache misses. The window's
    // state is never read once a loop fired, so the order changes nothing:
    // an exact cycle still takes precedence at the same token.
    const std::uint64_t mixed = detail::mix64(static_cast<std::uint64_t>(token));
    s.cycles.begin(t, mixed);
    if (s.diversity) s.diversity->begin(t, mixed);
    s.cycles.advance(s.tokens);
    const bool near_duplicate = s.diversity && s.diversity->finish(s.tokens);
    if (const std::int64_t period = s.cycles.finish(s.tokens); period > 0) {
        hit_ = LoopHit{period > config_.max_period ? "long_cycle" : "cycle", period,
                       detail::periodic_region_start(s.tokens, t, period), t};
        return true;
    }
    if (near_duplicate) {
        hit_ = LoopHit{"near_duplicate", s.diversity->period(), s.diversity->start(), t};
        return true;
    }
    return false;
}

LoopHit detect_loops(std::span<const std::int64_t> tokens, const LoopDetectorConfig& config) {
    LoopDetector detector(config);
    for (const std::int64_t token : tokens) {
        if (detector.push(token)) break;
    }
    return detector.hit();
}

Outcome classify(const LoopHit& hit, Termination end) { return classify(hit.detected(), end); }

void to_json(nlohmann::json& j, const LoopHit& h) {
    j = nlohmann::json{{"kind", h.kind}, {"period", h.period}, {"start", h.start}, {"detected_at", h.detected_at}};
}

} // namespace moecut

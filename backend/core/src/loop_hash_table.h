// Internal to the loop detector: the rolling hash of the last w tokens and an
// open-addressing table from w-gram fingerprints to their last position.
// (The distinct-4 window has its own exact table, loop_diversity_window.h.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moecut::detail {

inline std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

// Polynomial hash of the last `width` values (mod 2^64), updated in O(1).
class RollingHash {
public:
    explicit RollingHash(std::size_t width) : width_(width) {
        for (std::size_t i = 0; i < width; ++i) top_ *= kBase;
    }
    // `leaving` is the value that drops out (ignored until width values came).
    void push(std::uint64_t entering, std::uint64_t leaving) { push_mixed(mix64(entering), mix64(leaving)); }
    // The same with mix64 already applied to both (callers that keep mixed values).
    void push_mixed(std::uint64_t entering_mixed, std::uint64_t leaving_mixed) {
        h_ = h_ * kBase + entering_mixed;
        if (++count_ > width_) h_ -= leaving_mixed * top_;
    }
    bool full() const { return count_ >= width_; }
    // Never 0 (0 marks an empty slot).
    std::uint64_t key() const { return mix64(h_) | 1u; }

private:
    static constexpr std::uint64_t kBase = 0x100000001b3ull;
    std::size_t width_;
    std::size_t count_ = 0;
    std::uint64_t h_ = 0;
    std::uint64_t top_ = 1;
};

// 32-bit fingerprint -> 32-bit value (0 = none), 8 bytes a slot, open
// addressing with linear probing, power-of-two capacity, grows at 3/4 load,
// no deletion. Fingerprints of different keys may collide; callers verify.
class FingerprintMap {
public:
    FingerprintMap() : slots_(kInitial) {}

    // Starts loading the slot exchange(key, ...) probes first.
    void prefetch(std::uint64_t key) const {
        const std::uint32_t tag = static_cast<std::uint32_t>(key >> 32) | 1u;
        __builtin_prefetch(slots_.data() + index(tag, slots_.size()));
    }

    // The value stored for the key's fingerprint (0 if none), replaced by value.
    std::uint32_t exchange(std::uint64_t key, std::uint32_t value) {
        if (4 * (size_ + 1) > 3 * slots_.size()) grow();
        const std::uint32_t tag = static_cast<std::uint32_t>(key >> 32) | 1u;
        for (std::size_t i = index(tag, slots_.size());; i = (i + 1) & (slots_.size() - 1)) {
            Slot& s = slots_[i];
            if (s.tag == tag) {
                const std::uint32_t old = s.value;
                s.value = value;
                return old;
            }
            if (s.tag == 0) {
                s = Slot{tag, value};
                ++size_;
                return 0;
            }
        }
    }

private:
    struct Slot {
        std::uint32_t tag = 0;
        std::uint32_t value = 0;
    };
    static constexpr std::size_t kInitial = 4096;

    static std::size_t index(std::uint32_t tag, std::size_t capacity) {
        return static_cast<std::size_t>((tag * 0x9e3779b97f4a7c15ull) >> 20) & (capacity - 1);
    }

    void grow() {
        std::vector<Slot> bigger(slots_.size() * 2);
        for (const Slot& s : slots_) {
            if (s.tag == 0) continue;
            std::size_t i = index(s.tag, bigger.size());
            while (bigger[i].tag != 0) i = (i + 1) & (bigger.size() - 1);
            bigger[i] = s;
        }
        slots_.swap(bigger);
    }

    std::vector<Slot> slots_;
    std::size_t size_ = 0;
};

} // namespace moecut::detail

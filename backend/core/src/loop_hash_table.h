// Internal to the loop detector: the rolling hash of the last w tokens and two
// open-addressing tables, one from w-gram fingerprints to their last position,
// one counting the 4-grams of a sliding window.
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
    void push(std::uint64_t entering, std::uint64_t leaving) {
        h_ = h_ * kBase + mix64(entering);
        if (++count_ > width_) h_ -= mix64(leaving) * top_;
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
// addressing with linear probing, power-of-two capacity, grows at half load,
// no deletion. Fingerprints of different keys may collide; callers verify.
class FingerprintMap {
public:
    FingerprintMap() : slots_(kInitial) {}

    // The value stored for the key's fingerprint (0 if none), replaced by value.
    std::uint32_t exchange(std::uint64_t key, std::uint32_t value) {
        if (2 * (size_ + 1) > slots_.size()) grow();
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

// Counts per 64-bit key for at most `limit` live keys: fixed capacity (four
// times the limit, a power of two), linear probing, a key whose count drops
// to 0 is removed by backward-shift deletion, so the table stays small.
class CountTable {
public:
    explicit CountTable(std::size_t limit) {
        std::size_t cap = 16;
        while (cap < 4 * limit) cap *= 2;
        keys_.assign(cap, 0);
        counts_.assign(cap, 0);
    }
    // New count of the key after adding delta (+1 or -1; -1 only for a present key).
    std::int32_t add(std::uint64_t key, std::int32_t delta) {
        const std::size_t mask = keys_.size() - 1;
        std::size_t i = key & mask;
        while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & mask;
        if (keys_[i] == 0) keys_[i] = key;
        const std::int32_t c = counts_[i] += delta;
        if (c == 0) erase(i);
        return c;
    }

private:
    void erase(std::size_t i) {
        const std::size_t mask = keys_.size() - 1;
        for (std::size_t j = (i + 1) & mask; keys_[j] != 0; j = (j + 1) & mask) {
            const std::size_t home = keys_[j] & mask;
            // Move j into the hole at i unless its home lies cyclically in (i, j].
            if (((j - home) & mask) >= ((j - i) & mask)) {
                keys_[i] = keys_[j];
                counts_[i] = counts_[j];
                i = j;
            }
        }
        keys_[i] = 0;
        counts_[i] = 0;
    }

    std::vector<std::uint64_t> keys_;
    std::vector<std::int32_t> counts_;
};

} // namespace moecut::detail

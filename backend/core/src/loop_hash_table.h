// Internal to the loop detector: an open-addressing hash table from 64-bit
// keys to a small value (linear probing, power-of-two capacity, grows at half
// load, no deletion), and the token mixing used by its rolling hashes.
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

template <class V>
class FlatHashMap {
public:
    FlatHashMap() : keys_(kInitial, 0), values_(kInitial) {}

    // The value for key, default-constructed and inserted when absent;
    // `inserted` tells which. The reference is valid until the next call.
    V& slot(std::uint64_t key, bool& inserted) {
        if (2 * (size_ + 1) > keys_.size()) grow();
        std::size_t i = key & (keys_.size() - 1);
        while (keys_[i] != 0) {
            if (keys_[i] == key) {
                inserted = false;
                return values_[i];
            }
            i = (i + 1) & (keys_.size() - 1);
        }
        keys_[i] = key;
        values_[i] = V{};
        ++size_;
        inserted = true;
        return values_[i];
    }

private:
    static constexpr std::size_t kInitial = 1024;

    void grow() {
        std::vector<std::uint64_t> keys(keys_.size() * 2, 0);
        std::vector<V> values(keys.size());
        for (std::size_t j = 0; j < keys_.size(); ++j) {
            if (keys_[j] == 0) continue;
            std::size_t i = keys_[j] & (keys.size() - 1);
            while (keys[i] != 0) i = (i + 1) & (keys.size() - 1);
            keys[i] = keys_[j];
            values[i] = values_[j];
        }
        keys_.swap(keys);
        values_.swap(values);
    }

    std::vector<std::uint64_t> keys_;
    std::vector<V> values_;
    std::size_t size_ = 0;
};

} // namespace moecut::detail

// StringMap: the string-keyed hash map of the tokenizer (vocabularies, the BPE word cache,
// added-token contents). Open addressing with linear probing over stored 64-bit hashes, keys
// packed in one arena; insert-only. std::unordered_map with a transparent hasher re-hashes
// every key it walks past in libstdc++, which made it the tokenizer's hot spot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moecut::tok {

inline uint64_t hash_bytes(std::string_view s) noexcept {
    const char* p = s.data();
    std::size_t n = s.size();
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xC2B2AE3D27D4EB4FULL);
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        h ^= w * 0x87C37B91114253D5ULL;
        h = ((h << 31) | (h >> 33)) * 0x4CF5AD432745937FULL;
    }
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h ^= w * 0x87C37B91114253D5ULL;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 33);
}

template <typename V>
class StringMap {
public:
    const V* find(std::string_view key) const {
        if (slots_.empty()) return nullptr;
        const uint64_t h = hash_bytes(key);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = h & mask; slots_[i].used; i = (i + 1) & mask) {
            const Slot& s = slots_[i];
            if (s.hash == h && s.length == key.size() && std::memcmp(keys_.data() + s.offset, key.data(), key.size()) == 0)
                return &s.value;
        }
        return nullptr;
    }
    // Adds key, or replaces its value when `overwrite`; returns false when it was there.
    bool insert(std::string_view key, V value, bool overwrite) {
        if ((size_ + 1) * 2 > slots_.size()) grow();
        const uint64_t h = hash_bytes(key);
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = h & mask;
        for (; slots_[i].used; i = (i + 1) & mask) {
            Slot& s = slots_[i];
            if (s.hash == h && s.length == key.size() && std::memcmp(keys_.data() + s.offset, key.data(), key.size()) == 0) {
                if (overwrite) s.value = std::move(value);
                return false;
            }
        }
        slots_[i] = Slot{h, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(key.size()), true, std::move(value)};
        keys_.append(key);
        ++size_;
        return true;
    }
    std::size_t size() const { return size_; }
    template <typename F> void for_each(F&& f) const {
        for (const Slot& s : slots_)
            if (s.used) f(std::string_view(keys_.data() + s.offset, s.length), s.value);
    }

private:
    struct Slot {
        uint64_t hash = 0;
        uint32_t offset = 0;
        uint32_t length = 0;
        bool used = false;
        V value{};
    };
    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
        const std::size_t mask = slots_.size() - 1;
        for (Slot& s : old) {
            if (!s.used) continue;
            std::size_t i = s.hash & mask;
            while (slots_[i].used) i = (i + 1) & mask;
            slots_[i] = std::move(s);
        }
    }
    std::vector<Slot> slots_;
    std::string keys_;
    std::size_t size_ = 0;
};

} // namespace moecut::tok

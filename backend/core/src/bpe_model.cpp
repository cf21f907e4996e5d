// The BPE model of tokenizer.json (tokenizers/src/models/bpe/{model,word}.rs).
//
// A pre-token is split into characters (a character missing from the vocabulary becomes
// <0xXX> byte tokens with byte_fallback, else the unk token, else nothing), then adjacent
// pairs are merged lowest rank first, leftmost first on ties, with a binary heap over a
// linked list of symbols: O(n log n) per word. Results of words shorter than 256 bytes are
// cached.
#include "tokenizer_parts.h"

#include "moecut/error.h"

#include <fmt/core.h>

#include <algorithm>
#include <climits>
#include <mutex>
#include <shared_mutex>

namespace moecut::tok {

namespace {

constexpr std::size_t kSmallChars = 0x3000;     // direct table for these code points
constexpr std::size_t kCacheCapacity = 1 << 16; // words; the reference keeps 10,000
constexpr std::size_t kMaxCachedLength = 256;   // bytes, as the reference
constexpr int32_t kMaxId = INT32_MAX - 1;

struct Symbol {
    int32_t id;
    int32_t prev;
    int32_t next;
    int32_t len; // bytes; 0 marks a symbol merged into its left neighbour
};

struct Candidate {
    int32_t rank;
    int32_t pos;
    int32_t new_id;
};

// Heap order: the top is the lowest rank, then the lowest position.
bool lower_priority(const Candidate& a, const Candidate& b) {
    return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
}

} // namespace

// Open-addressing map from a pair of ids to (rank, merged id).
struct BpeModel::Merges {
    struct Slot {
        uint64_t key = kEmpty;
        int32_t rank = 0;
        int32_t new_id = 0;
    };
    static constexpr uint64_t kEmpty = ~uint64_t{0};
    std::vector<Slot> slots;
    uint64_t mask = 0;
    int shift = 64;

    explicit Merges(std::size_t n) {
        std::size_t cap = 16;
        while (cap < n * 2) cap <<= 1;
        slots.assign(cap, Slot{});
        mask = cap - 1;
        shift = 64 - __builtin_ctzll(cap);
    }
    static uint64_t key_of(int32_t a, int32_t b) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    }
    std::size_t home(uint64_t key) const { return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift); }
    void insert(int32_t a, int32_t b, int32_t rank, int32_t new_id) {
        const uint64_t key = key_of(a, b);
        for (std::size_t i = home(key);; i = (i + 1) & mask) {
            if (slots[i].key == kEmpty || slots[i].key == key) {
                slots[i] = {key, rank, new_id}; // a repeated pair keeps the last rank, as a HashMap collect
                return;
            }
        }
    }
    const Slot* find(int32_t a, int32_t b) const {
        const uint64_t key = key_of(a, b);
        for (std::size_t i = home(key);; i = (i + 1) & mask) {
            if (slots[i].key == key) return &slots[i];
            if (slots[i].key == kEmpty) return nullptr;
        }
    }
};

// Word -> ids, filled up to kCacheCapacity words and then left as it is.
struct BpeModel::Cache {
    struct Entry {
        uint32_t offset = 0;
        uint32_t count = 0;
    };
    mutable std::shared_mutex mutex;
    StringMap<Entry> words;
    std::vector<int32_t> ids;
};

BpeModel::BpeModel(BpeConfig config, std::string_view origin)
    : cache_(std::make_unique<Cache>()), config_(std::move(config)), origin_(origin) {
    int32_t max_id = -1;
    for (const auto& [token, id] : config_.vocab) {
        if (id < 0 || id >= kMaxId) throw_input(origin_, fmt::format("model.vocab: id {} of \"{}\" is out of range", id, token));
        max_id = std::max(max_id, id);
        vocab_.insert(token, id, true);
    }
    // Vocabularies are dense; a stray huge id must not make a huge table.
    if (static_cast<std::size_t>(max_id) > 2 * vocab_.size() + 65536)
        throw_input(origin_, fmt::format("model.vocab: ids go up to {} for {} tokens", max_id, vocab_.size()));
    vocab_r_.assign(static_cast<std::size_t>(max_id + 1), std::string());
    has_id_.assign(static_cast<std::size_t>(max_id + 1), false);
    small_char_ids_.assign(kSmallChars, -1);
    std::fill(std::begin(byte_ids_), std::end(byte_ids_), -1);
    vocab_.for_each([&](std::string_view token, int32_t id) {
        vocab_r_[static_cast<std::size_t>(id)] = std::string(token);
        has_id_[static_cast<std::size_t>(id)] = true;
        std::size_t i = 0;
        if (!token.empty() && utf8_length(static_cast<unsigned char>(token[0])) == token.size()) {
            const char32_t cp = next_code_point(token, i);
            if (cp < kSmallChars) small_char_ids_[cp] = id;
        }
        if (token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>') {
            unsigned value = 0;
            bool ok = true;
            for (std::size_t k = 3; k < 5; ++k) {
                const char c = token[k];
                if (c >= '0' && c <= '9') value = value * 16 + static_cast<unsigned>(c - '0');
                else if (c >= 'A' && c <= 'F') value = value * 16 + static_cast<unsigned>(c - 'A' + 10);
                else ok = false; // the reference looks up "<0x%02X>": upper case only
            }
            if (ok) byte_ids_[value] = id;
        }
    });
    config_.vocab.clear();
    config_.vocab.shrink_to_fit();

    const std::size_t prefix_len = config_.continuing_subword_prefix ? config_.continuing_subword_prefix->size() : 0;
    merges_ = std::make_unique<Merges>(config_.merges.size());
    for (std::size_t rank = 0; rank < config_.merges.size(); ++rank) {
        const auto& [a, b] = config_.merges[rank];
        auto id_of = [&](const std::string& token) {
            const int32_t id = lookup(token);
            if (id < 0)
                throw_input(origin_, fmt::format("model.merges[{}]: token \"{}\" is not in the vocabulary", rank, token));
            return id;
        };
        const int32_t a_id = id_of(a), b_id = id_of(b);
        const std::string merged = a + (b.size() >= prefix_len ? b.substr(prefix_len) : std::string());
        merges_->insert(a_id, b_id, static_cast<int32_t>(rank), id_of(merged));
    }
    config_.merges.clear();
    config_.merges.shrink_to_fit();
}

BpeModel::~BpeModel() = default;

std::optional<int32_t> BpeModel::token_to_id(std::string_view token) const {
    const int32_t id = lookup(token);
    if (id < 0) return std::nullopt;
    return id;
}

const std::string* BpeModel::id_to_token(int32_t id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= vocab_r_.size() || !has_id_[static_cast<std::size_t>(id)]) return nullptr;
    return &vocab_r_[static_cast<std::size_t>(id)];
}

int32_t BpeModel::char_id(std::string_view ch, bool first, bool last) const {
    const bool prefix = !first && config_.continuing_subword_prefix;
    const bool suffix = last && config_.end_of_word_suffix;
    if (!prefix && !suffix) {
        std::size_t i = 0;
        const char32_t cp = next_code_point(ch, i);
        if (cp < kSmallChars) return small_char_ids_[cp];
        return lookup(ch);
    }
    std::string s;
    if (prefix) s += *config_.continuing_subword_prefix;
    s += ch;
    if (suffix) s += *config_.end_of_word_suffix;
    return lookup(s);
}

void BpeModel::merge_word(std::string_view word, std::vector<int32_t>& out) const {
    thread_local std::vector<Symbol> symbols;
    thread_local std::vector<Candidate> heap;
    symbols.clear();
    heap.clear();
    auto add = [](int32_t id, int32_t len) {
        const auto n = static_cast<int32_t>(symbols.size());
        if (n > 0) symbols.back().next = n;
        symbols.push_back({id, n - 1, -1, len});
    };

    int32_t unk_id = -1, unk_len = 0; // a pending unknown run
    for (std::size_t i = 0; i < word.size();) {
        const std::size_t start = i;
        next_code_point(word, i);
        const std::string_view ch = word.substr(start, i - start);
        const auto len = static_cast<int32_t>(ch.size());
        const int32_t id = char_id(ch, start == 0, i >= word.size());
        if (id >= 0) {
            if (unk_id >= 0) {
                add(unk_id, unk_len);
                unk_id = -1;
            }
            add(id, len);
            continue;
        }
        if (config_.byte_fallback) {
            // The bytes of the looked-up string (with any prefix/suffix), all or nothing.
            std::string s;
            if (start != 0 && config_.continuing_subword_prefix) s += *config_.continuing_subword_prefix;
            s += ch;
            if (i >= word.size() && config_.end_of_word_suffix) s += *config_.end_of_word_suffix;
            bool all = true;
            for (unsigned char b : s) all = all && byte_ids_[b] >= 0;
            if (all) {
                for (unsigned char b : s) add(byte_ids_[b], 1);
                continue;
            }
        }
        if (config_.unk_token) {
            const int32_t unk = lookup(*config_.unk_token);
            if (unk < 0)
                throw_input(origin_, fmt::format("model.unk_token \"{}\" is not in the vocabulary", *config_.unk_token));
            if (unk_id >= 0 && config_.fuse_unk) {
                unk_len += len;
            } else {
                if (unk_id >= 0) add(unk_id, unk_len);
                unk_id = unk;
                unk_len = len;
            }
        }
    }
    if (unk_id >= 0) add(unk_id, unk_len);

    const auto push = [](Candidate c) {
        heap.push_back(c);
        std::push_heap(heap.begin(), heap.end(), lower_priority);
    };
    for (std::size_t k = 0; k + 1 < symbols.size(); ++k)
        if (const auto* m = merges_->find(symbols[k].id, symbols[k + 1].id))
            heap.push_back({m->rank, static_cast<int32_t>(k), m->new_id});
    std::make_heap(heap.begin(), heap.end(), lower_priority);

    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), lower_priority);
        const Candidate top = heap.back();
        heap.pop_back();
        Symbol& cur = symbols[static_cast<std::size_t>(top.pos)];
        if (cur.len == 0 || cur.next < 0) continue;
        const Symbol right = symbols[static_cast<std::size_t>(cur.next)];
        const auto* m = merges_->find(cur.id, right.id);
        if (m == nullptr || m->new_id != top.new_id) continue; // stale entry
        symbols[static_cast<std::size_t>(cur.next)].len = 0;
        cur.id = top.new_id;
        cur.len += right.len;
        cur.next = right.next;
        if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].prev = top.pos;
        if (cur.prev >= 0) {
            const Symbol& prev = symbols[static_cast<std::size_t>(cur.prev)];
            if (const auto* pm = merges_->find(prev.id, cur.id)) push({pm->rank, cur.prev, pm->new_id});
        }
        if (cur.next >= 0) {
            const Symbol& next = symbols[static_cast<std::size_t>(cur.next)];
            if (const auto* nm = merges_->find(cur.id, next.id)) push({nm->rank, top.pos, nm->new_id});
        }
    }
    for (const Symbol& s : symbols)
        if (s.len != 0) out.push_back(s.id);
}

void BpeModel::tokenize(std::string_view word, std::vector<int32_t>& out) const {
    if (word.empty()) return;
    if (config_.ignore_merges) {
        const int32_t id = lookup(word);
        if (id >= 0) {
            out.push_back(id);
            return;
        }
    }
    const bool cacheable = word.size() < kMaxCachedLength;
    if (cacheable) {
        std::shared_lock lock(cache_->mutex);
        if (const Cache::Entry* e = cache_->words.find(word)) {
            const int32_t* ids = cache_->ids.data() + e->offset;
            out.insert(out.end(), ids, ids + e->count);
            return;
        }
    }
    const std::size_t first = out.size();
    merge_word(word, out);
    if (cacheable) {
        std::unique_lock lock(cache_->mutex);
        if (cache_->words.size() < kCacheCapacity) {
            const Cache::Entry e{static_cast<uint32_t>(cache_->ids.size()), static_cast<uint32_t>(out.size() - first)};
            if (cache_->words.insert(word, e, false))
                cache_->ids.insert(cache_->ids.end(), out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
        }
    }
}

} // namespace moecut::tok

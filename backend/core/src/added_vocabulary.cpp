// Added and special tokens (tokenizers/src/tokenizer/added_vocabulary.rs).
//
// Before anything else the input is split on added tokens: first those matched in the raw
// text (normalized: false, the usual case for special tokens), then, in the normalized text
// between them, those matched after normalization. Matching is leftmost-longest (the
// reference's Aho-Corasick); single_word, lstrip and rstrip adjust or reject a match.
#include "tokenizer_parts.h"

#include <algorithm>

namespace moecut::tok {

void AddedVocabulary::Trie::build(const std::vector<std::pair<std::string, int32_t>>& words) {
    // Build with child maps, then flatten into sorted edge ranges.
    struct Building {
        std::vector<std::pair<unsigned char, int32_t>> children;
        int32_t token = -1;
    };
    std::vector<Building> tmp(1);
    for (const auto& [word, token] : words) {
        int32_t node = 0;
        for (unsigned char b : word) {
            auto& ch = tmp[static_cast<std::size_t>(node)].children;
            const auto it = std::find_if(ch.begin(), ch.end(), [&](const auto& e) { return e.first == b; });
            if (it != ch.end()) {
                node = it->second;
            } else {
                const auto next = static_cast<int32_t>(tmp.size());
                ch.emplace_back(b, next);
                tmp.emplace_back();
                node = next;
            }
        }
        if (tmp[static_cast<std::size_t>(node)].token < 0) tmp[static_cast<std::size_t>(node)].token = token;
        if (!word.empty()) first_byte[static_cast<unsigned char>(word[0])] = true;
    }
    nodes.assign(tmp.size(), Node{});
    edges.clear();
    for (std::size_t n = 0; n < tmp.size(); ++n) {
        auto& ch = tmp[n].children;
        std::sort(ch.begin(), ch.end());
        nodes[n].next_first = static_cast<int32_t>(edges.size());
        nodes[n].next_count = static_cast<int32_t>(ch.size());
        nodes[n].token = tmp[n].token;
        for (const auto& [b, child] : ch) edges.push_back({b, child});
    }
}

std::pair<int32_t, std::size_t> AddedVocabulary::Trie::longest_at(std::string_view s, std::size_t pos) const {
    int32_t best = -1;
    std::size_t best_end = pos;
    int32_t node = 0;
    for (std::size_t i = pos; i < s.size(); ++i) {
        const Node& n = nodes[static_cast<std::size_t>(node)];
        const auto b = static_cast<unsigned char>(s[i]);
        const Edge* first = edges.data() + n.next_first;
        const Edge* last = first + n.next_count;
        const Edge* e = std::lower_bound(first, last, b, [](const Edge& x, unsigned char v) { return x.byte < v; });
        if (e == last || e->byte != b) break;
        node = e->node;
        if (nodes[static_cast<std::size_t>(node)].token >= 0) {
            best = nodes[static_cast<std::size_t>(node)].token;
            best_end = i + 1;
        }
    }
    return {best, best_end};
}

void AddedVocabulary::build(std::vector<AddedToken> tokens, const Normalizer* normalizer) {
    tokens_ = std::move(tokens);
    surfaces_.assign(tokens_.size(), std::string());
    std::vector<std::pair<std::string, int32_t>> raw, normalized;
    for (std::size_t k = 0; k < tokens_.size(); ++k) {
        const AddedToken& t = tokens_[k];
        surfaces_[k] = t.content;
        if (t.content.empty()) continue;
        by_id_[t.id] = k;
        by_content_.insert(t.content, t.id, false);
        if (t.special) special_contents_.insert(t.content, 1, false);
        if (!t.normalized) {
            raw.emplace_back(t.content, static_cast<int32_t>(k));
        } else {
            std::string content = t.content;
            if (normalizer != nullptr) normalizer->normalize(content);
            surfaces_[k] = content;
            normalized.emplace_back(std::move(content), static_cast<int32_t>(k));
        }
    }
    raw_ = Trie{};
    normalized_ = Trie{};
    raw_.build(raw);
    normalized_.build(normalized);
}

const AddedToken* AddedVocabulary::by_id(int32_t id) const {
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

const std::string* AddedVocabulary::surface(int32_t id) const {
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &surfaces_[it->second];
}

std::optional<int32_t> AddedVocabulary::id_of(std::string_view content) const {
    const int32_t* id = by_content_.find(content);
    if (id == nullptr) return std::nullopt;
    return *id;
}

bool AddedVocabulary::is_special_content(std::string_view content) const {
    return special_contents_.find(content) != nullptr;
}

namespace {

char32_t last_code_point(std::string_view s) {
    std::size_t start = s.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    return next_code_point(s, start);
}

bool ends_with_word(std::string_view s) { return !s.empty() && is_word_char(last_code_point(s)); }

bool starts_with_word(std::string_view s) {
    if (s.empty()) return false;
    std::size_t i = 0;
    return is_word_char(next_code_point(s, i));
}

// Start of the whitespace run that ends s.
std::size_t trailing_space_start(std::string_view s) {
    std::size_t end = s.size();
    while (end > 0) {
        std::size_t start = end - 1;
        while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        std::size_t i = start;
        if (!is_white_space(next_code_point(s, i))) break;
        end = start;
    }
    return end;
}

// Length of the whitespace run that starts s.
std::size_t leading_space_length(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t next = i;
        if (!is_white_space(next_code_point(s, next))) break;
        i = next;
    }
    return i;
}

} // namespace

void AddedVocabulary::find_matches(std::string_view s, const Trie& trie,
                                   std::vector<std::pair<int32_t, Match>>& out) const {
    out.clear();
    if (s.empty()) return;
    std::size_t start_offset = 0;
    std::size_t pos = 0;
    if (trie.nodes.size() > 1) {
        while (pos < s.size()) {
            if (!trie.first_byte[static_cast<unsigned char>(s[pos])]) {
                ++pos;
                continue;
            }
            const auto [token, end] = trie.longest_at(s, pos);
            if (token < 0) {
                ++pos;
                continue;
            }
            std::size_t start = pos, stop = end;
            pos = end; // the search goes on after the match, whatever happens to it below
            const AddedToken& t = tokens_[static_cast<std::size_t>(token)];
            if (t.single_word) {
                const bool start_space = start == 0 || !ends_with_word(s.substr(0, start));
                const bool stop_space = stop == s.size() || !starts_with_word(s.substr(stop));
                if (!start_space || !stop_space) continue;
            }
            if (t.lstrip) start = std::max(trailing_space_start(s.substr(0, start)), start_offset);
            if (t.rstrip) stop += leading_space_length(s.substr(stop));
            if (start_offset < start) out.push_back({-1, {start_offset, start}});
            out.push_back({token, {start, stop}});
            start_offset = stop;
        }
    }
    if (start_offset != s.size()) out.push_back({-1, {start_offset, s.size()}});
}

void AddedVocabulary::split(std::string_view text, const Normalizer* normalizer, std::vector<Piece>& out) const {
    std::vector<std::pair<int32_t, Match>> outer, inner;
    find_matches(text, raw_, outer);
    for (const auto& [token, range] : outer) {
        if (token >= 0) {
            Piece p;
            p.added_id = tokens_[static_cast<std::size_t>(token)].id;
            p.at_origin = range.start == 0;
            out.push_back(std::move(p));
            continue;
        }
        if (range.end <= range.start) continue;
        std::string seg(text.substr(range.start, range.end - range.start));
        if (normalizer != nullptr) normalizer->normalize(seg);
        if (seg.empty()) continue;
        find_matches(seg, normalized_, inner);
        if (inner.size() == 1 && inner[0].first < 0) {
            Piece p;
            p.text = std::move(seg);
            p.at_origin = range.start == 0;
            out.push_back(std::move(p));
            continue;
        }
        for (const auto& [tok2, sub] : inner) {
            Piece p;
            if (tok2 >= 0) {
                p.added_id = tokens_[static_cast<std::size_t>(tok2)].id;
            } else {
                if (sub.end <= sub.start) continue;
                p.text = seg.substr(sub.start, sub.end - sub.start);
            }
            p.at_origin = range.start == 0 && sub.start == 0;
            out.push_back(std::move(p));
        }
    }
}

} // namespace moecut::tok

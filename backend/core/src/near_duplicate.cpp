// Exact and near-duplicate detection (include/moecut/near_duplicate.h).
#include "moecut/near_duplicate.h"

#include <algorithm>
#include <cmath>

namespace moecut {

std::string dedup_normalize(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (char c : text) {
        const bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        if (ws) {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return out;
}

namespace {

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
}

} // namespace

std::vector<std::uint64_t> char_shingles(std::string_view s, std::size_t n) {
    std::vector<std::uint64_t> out;
    if (s.empty()) return out;
    if (s.size() < n) out.push_back(fnv1a(s));
    for (std::size_t i = 0; i + n <= s.size(); ++i) out.push_back(fnv1a(s.substr(i, n)));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
    if (a.empty() && b.empty()) return 1.0;
    std::size_t i = 0, j = 0, common = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) ++common, ++i, ++j;
        else if (a[i] < b[j]) ++i;
        else ++j;
    }
    return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

DuplicateFinder::DuplicateFinder(double threshold, std::size_t prefix_chars)
    : threshold_(threshold), prefix_chars_(prefix_chars) {}

void DuplicateFinder::add_document(std::string_view text) {
    const auto id = static_cast<std::uint32_t>(docs_.size());
    docs_.push_back(dedup_normalize(text));
    const std::string& d = docs_.back();
    for (auto h : char_shingles(std::string_view(d).substr(0, prefix_chars_))) postings_[h].push_back(id);
}

std::optional<DuplicateHit> DuplicateFinder::find(std::string_view text) const {
    std::string p = dedup_normalize(text);
    if (p.size() > prefix_chars_) p.resize(prefix_chars_);
    if (p.empty()) return std::nullopt;
    for (std::size_t d = 0; d < docs_.size(); ++d)
        if (docs_[d].size() >= p.size() && docs_[d].compare(0, p.size(), p) == 0) return DuplicateHit{d, 1.0, true};

    const auto sp = char_shingles(p);
    std::vector<std::uint32_t> counts(docs_.size(), 0);
    std::vector<std::uint32_t> touched;
    for (auto h : sp) {
        auto it = postings_.find(h);
        if (it == postings_.end()) continue;
        for (auto d : it->second)
            if (counts[d]++ == 0) touched.push_back(d);
    }
    // J(A, B) >= t implies |A ∩ B| >= t |A|.
    const double need = threshold_ * static_cast<double>(sp.size()) - 1e-9;
    std::optional<DuplicateHit> best;
    for (auto d : touched) {
        if (static_cast<double>(counts[d]) < need) continue;
        const std::string_view start = std::string_view(docs_[d]).substr(0, p.size());
        const double j = jaccard(sp, char_shingles(start));
        if (j >= threshold_ && (!best || j > best->jaccard)) best = DuplicateHit{d, j, false};
    }
    return best;
}

} // namespace moecut

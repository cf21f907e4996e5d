// Exact and near-duplicate detection between short texts (probe prompts) and
// a document collection (training and calibration text).
//
// Texts are compared after normalisation (ASCII letters lowercased, every
// whitespace run one space, trimmed). A probe duplicates a document when
//   exact: its normalised text equals the document's or begins it (a probe is
//          the start of a held-out document), or
//   near:  the Jaccard similarity of the character 5-gram sets of the probe
//          and of the document's start of the same normalised length is at
//          least the threshold (0.8).
// Candidates come from an inverted index of the 5-grams of each document's
// first prefix_chars normalised characters: a document sharing fewer than
// threshold * |probe 5-grams| of them cannot reach the threshold, so only the
// others get an exact Jaccard. Probes longer than prefix_chars are compared on
// their first prefix_chars characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace moecut {

std::string dedup_normalize(std::string_view text);
// Sorted, distinct 64-bit hashes of the n-character substrings (bytes) of a
// normalised text; a text shorter than n gives one shingle, the whole text.
std::vector<std::uint64_t> char_shingles(std::string_view normalized, std::size_t n = 5);
// |A ∩ B| / |A ∪ B| of sorted distinct sets (1 for two empty sets).
double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

struct DuplicateHit {
    std::size_t doc = 0;   // index in add order
    double jaccard = 0;    // 1 for an exact hit
    bool exact = false;
};

class DuplicateFinder {
public:
    explicit DuplicateFinder(double threshold = 0.8, std::size_t prefix_chars = 512);

    void add_document(std::string_view text);
    std::size_t size() const { return docs_.size(); }

    // The strongest hit (an exact one first, else the highest Jaccard at or
    // above the threshold), or nothing.
    std::optional<DuplicateHit> find(std::string_view text) const;

private:
    double threshold_;
    std::size_t prefix_chars_;
    std::vector<std::string> docs_;  // normalised
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> postings_;  // shingle -> docs
};

} // namespace moecut

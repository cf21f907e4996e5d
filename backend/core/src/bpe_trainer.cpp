// Byte-level BPE training (include/moecut/bpe_trainer.h). Words are counted
// once; each merge then touches only the words that hold the merged pair
// (an index pair -> words), and the best pair comes from a lazy max-heap
// whose stale entries are skipped when popped.
#include "moecut/bpe_trainer.h"

#include "tokenizer_parts.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <queue>
#include <stdexcept>
#include <unordered_map>

namespace moecut {

namespace {

constexpr std::string_view kGlmRegex =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

using Pair = std::uint64_t;
Pair make_pair_key(std::uint32_t a, std::uint32_t b) { return (static_cast<Pair>(a) << 32) | b; }
std::uint32_t left_of(Pair p) { return static_cast<std::uint32_t>(p >> 32); }
std::uint32_t right_of(Pair p) { return static_cast<std::uint32_t>(p & 0xffffffffu); }

struct HeapEntry {
    std::uint64_t count;
    Pair pair;
    // Max-heap: larger count first, then the smaller pair (left id, then right id).
    bool operator<(const HeapEntry& o) const { return count != o.count ? count < o.count : pair > o.pair; }
};

} // namespace

std::string_view glm_pretokenizer_regex() { return kGlmRegex; }

struct BpeTrainer::Impl {
    BpeTrainerOptions options;
    tok::PreTokenizerPtr pre;
    std::vector<tok::Regex> special_res;
    std::unordered_map<std::string, std::uint64_t> word_counts;
    std::vector<std::string> tokens;  // id -> token text (byte-level characters)
    std::vector<std::pair<std::uint32_t, std::uint32_t>> merges;
    bool trained = false;

    explicit Impl(BpeTrainerOptions o) : options(std::move(o)) {
        std::vector<tok::PreTokenizerPtr> parts;
        parts.push_back(tok::make_split_pre_tokenizer(tok::Regex::compile(kGlmRegex, false, "bpe_trainer"),
                                                      tok::SplitBehavior::Isolated, false));
        parts.push_back(tok::make_byte_level_pre_tokenizer(false, false));
        pre = tok::make_sequence_pre_tokenizer(std::move(parts));
        const std::size_t min_vocab = options.special_tokens.size() + 256;
        if (options.vocab_size < min_vocab)
            throw std::invalid_argument("BpeTrainer: vocab_size below the special tokens plus 256 bytes");
    }

    // Cuts the special tokens out of text (leftmost, longest first) and
    // pre-tokenizes the rest.
    void add(std::string_view text) {
        std::vector<tok::Piece> pieces;
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t best = std::string_view::npos, len = 0;
            for (const auto& s : options.special_tokens) {
                const auto at = text.find(s, start);
                if (at < best || (at == best && at != std::string_view::npos && s.size() > len)) best = at, len = s.size();
            }
            const std::size_t end = best == std::string_view::npos ? text.size() : best;
            if (end > start) pieces.push_back({tok::utf8_lossy(text.substr(start, end - start)), -1, false});
            start = best == std::string_view::npos ? text.size() : best + len;
        }
        pre->pre_tokenize(pieces);
        for (auto& p : pieces) ++word_counts[p.text];
    }

    std::uint32_t byte_id(unsigned char b) const {
        return static_cast<std::uint32_t>(options.special_tokens.size()) + b;
    }

    void train() {
        tokens = options.special_tokens;
        for (int b = 0; b < 256; ++b) tokens.emplace_back(tok::byte_level_char(static_cast<unsigned char>(b)));
        std::unordered_map<std::string, std::uint32_t> token_id;
        for (std::size_t i = 0; i < tokens.size(); ++i) token_id.emplace(tokens[i], static_cast<std::uint32_t>(i));

        // Words in a fixed order (their text), as symbol sequences.
        std::vector<std::pair<std::string, std::uint64_t>> sorted(word_counts.begin(), word_counts.end());
        std::sort(sorted.begin(), sorted.end());
        word_counts.clear();
        std::vector<std::vector<std::uint32_t>> words(sorted.size());
        std::vector<std::uint64_t> freq(sorted.size());
        for (std::size_t w = 0; w < sorted.size(); ++w) {
            const std::string& s = sorted[w].first;
            freq[w] = sorted[w].second;
            for (std::size_t i = 0; i < s.size();) {
                const char32_t cp = tok::next_code_point(s, i);
                words[w].push_back(byte_id(static_cast<unsigned char>(tok::byte_level_byte(cp))));
            }
        }
        sorted.clear();

        std::unordered_map<Pair, std::uint64_t> counts;
        std::unordered_map<Pair, std::vector<std::uint32_t>> where;
        for (std::uint32_t w = 0; w < words.size(); ++w)
            for (std::size_t i = 0; i + 1 < words[w].size(); ++i) {
                const Pair p = make_pair_key(words[w][i], words[w][i + 1]);
                counts[p] += freq[w];
                auto& list = where[p];
                if (list.empty() || list.back() != w) list.push_back(w);
            }
        std::priority_queue<HeapEntry> heap;
        for (const auto& [p, c] : counts) heap.push({c, p});

        while (tokens.size() < options.vocab_size && !heap.empty()) {
            const HeapEntry top = heap.top();
            heap.pop();
            auto it = counts.find(top.pair);
            if (it == counts.end() || it->second != top.count) continue;  // stale
            if (top.count < options.min_frequency) break;
            const std::uint32_t a = left_of(top.pair), b = right_of(top.pair);
            const std::string text = tokens[a] + tokens[b];
            std::uint32_t id;
            if (auto known = token_id.find(text); known != token_id.end()) {
                id = known->second;
            } else {
                id = static_cast<std::uint32_t>(tokens.size());
                tokens.push_back(text);
                token_id.emplace(text, id);
            }
            merges.emplace_back(a, b);

            std::vector<Pair> touched;
            const std::vector<std::uint32_t> affected = std::move(where[top.pair]);
            where.erase(top.pair);
            for (const std::uint32_t w : affected) {
                auto& sym = words[w];
                bool has = false;
                for (std::size_t i = 0; i + 1 < sym.size(); ++i)
                    if (sym[i] == a && sym[i + 1] == b) has = true;
                if (!has) continue;
                // Take the word's pairs out, merge left to right, put them back.
                for (std::size_t i = 0; i + 1 < sym.size(); ++i) {
                    const Pair p = make_pair_key(sym[i], sym[i + 1]);
                    counts[p] -= freq[w];
                    touched.push_back(p);
                }
                std::vector<std::uint32_t> merged;
                merged.reserve(sym.size());
                for (std::size_t i = 0; i < sym.size(); ++i) {
                    if (i + 1 < sym.size() && sym[i] == a && sym[i + 1] == b) {
                        merged.push_back(id);
                        ++i;
                    } else {
                        merged.push_back(sym[i]);
                    }
                }
                sym = std::move(merged);
                for (std::size_t i = 0; i + 1 < sym.size(); ++i) {
                    const Pair p = make_pair_key(sym[i], sym[i + 1]);
                    counts[p] += freq[w];
                    touched.push_back(p);
                    if (sym[i] == id || sym[i + 1] == id) {
                        auto& list = where[p];
                        if (list.empty() || list.back() != w) list.push_back(w);
                    }
                }
            }
            std::sort(touched.begin(), touched.end());
            touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
            for (const Pair p : touched) {
                auto c = counts.find(p);
                if (c == counts.end()) continue;
                if (c->second == 0) {
                    counts.erase(c);
                    continue;
                }
                if (p != top.pair) heap.push({c->second, p});
            }
            counts.erase(top.pair);
        }
        trained = true;
    }

    std::string json_text() const {
        using nlohmann::ordered_json;
        ordered_json added = ordered_json::array();
        for (std::size_t i = 0; i < options.special_tokens.size(); ++i)
            added.push_back({{"id", i},
                             {"content", options.special_tokens[i]},
                             {"single_word", false},
                             {"lstrip", false},
                             {"rstrip", false},
                             {"normalized", false},
                             {"special", true}});
        ordered_json vocab = ordered_json::object();
        for (std::size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
        ordered_json merge_list = ordered_json::array();
        for (const auto& [a, b] : merges) merge_list.push_back({tokens[a], tokens[b]});
        ordered_json split = {{"type", "Split"},
                              {"pattern", {{"Regex", std::string(kGlmRegex)}}},
                              {"behavior", "Isolated"},
                              {"invert", false}};
        ordered_json byte_level = {
            {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
        ordered_json j;
        j["version"] = "1.0";
        j["truncation"] = nullptr;
        j["padding"] = nullptr;
        j["added_tokens"] = added;
        j["normalizer"] = nullptr;
        j["pre_tokenizer"] = {{"type", "Sequence"}, {"pretokenizers", {split, byte_level}}};
        j["post_processor"] = {
            {"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}};
        j["decoder"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
        j["model"] = {{"type", "BPE"},
                      {"dropout", nullptr},
                      {"unk_token", nullptr},
                      {"continuing_subword_prefix", nullptr},
                      {"end_of_word_suffix", nullptr},
                      {"fuse_unk", false},
                      {"byte_fallback", false},
                      {"ignore_merges", false},
                      {"vocab", vocab},
                      {"merges", merge_list}};
        return j.dump(1, ' ', false, nlohmann::ordered_json::error_handler_t::strict) + "\n";
    }
};

BpeTrainer::BpeTrainer(BpeTrainerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
BpeTrainer::~BpeTrainer() = default;

void BpeTrainer::add_text(std::string_view text) {
    if (impl_->trained) throw std::logic_error("BpeTrainer: add_text after train_json");
    impl_->add(text);
}

std::string BpeTrainer::train_json() {
    if (!impl_->trained) impl_->train();
    return impl_->json_text();
}

std::size_t BpeTrainer::merges() const { return impl_->merges.size(); }

} // namespace moecut

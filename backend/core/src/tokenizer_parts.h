// Internal pieces of moecut::Tokenizer (include/moecut/tokenizer.h), one concept per source:
//   tokenizer_unicode.cpp  UTF-8 and the Unicode properties the reference uses
//   tokenizer_regex.cpp    PCRE2 regexes with Oniguruma/Rust find_iter semantics
//   normalizer.cpp         normalizers          pre_tokenizer.cpp  pre-tokenizers
//   bpe_model.cpp          the BPE model        added_vocabulary.cpp  added/special tokens
//   post_processor.cpp     BOS/EOS templates    decoder.cpp        decoders
//   tokenizer_json.cpp     reading tokenizer.json into these parts
//   tokenizer.cpp          the encode/decode pipeline
//   tokenizer_string_map.h the hash map for vocabularies and the word cache
// Behaviour follows the Rust `tokenizers` crate (huggingface/tokenizers, tokenizers/src/...),
// checked against PyPI tokenizers 0.23.3 by the golden tests.
#pragma once

#include "moecut/tokenizer.h"
#include "tokenizer_string_map.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace moecut::tok {

// ---- UTF-8 and Unicode properties (tokenizer_unicode.cpp) ----------------------------------

// Decodes the code point at s[i] (s must be valid UTF-8) and moves i past it.
char32_t next_code_point(std::string_view s, std::size_t& i);
std::size_t utf8_length(unsigned char lead);
void append_utf8(std::string& out, char32_t cp);
bool is_valid_utf8(std::string_view s);
// Rust's String::from_utf8_lossy: each maximal invalid subsequence becomes U+FFFD.
std::string utf8_lossy(std::string_view bytes);
bool is_white_space(char32_t cp);   // Unicode White_Space (Rust char::is_whitespace)
bool is_word_char(char32_t cp);     // Rust regex \w: Alphabetic, M, Nd, Pc, Join_Control
bool is_numeric(char32_t cp);       // Rust char::is_numeric: Nd, Nl, No
bool is_combining_mark(char32_t cp); // Mn, Mc, Me (StripAccents)
// Full lowercase mapping of one code point, without context (no final-sigma rule), as
// Rust's char::to_lowercase.
void append_lowercase(std::string& out, char32_t cp);
enum class UnicodeForm { NFC, NFD, NFKC, NFKD };
void normalize_unicode(std::string& s, UnicodeForm form);

// ---- Regex (tokenizer_regex.cpp) ----------------------------------------------------------

struct Match {
    std::size_t start = 0;
    std::size_t end = 0;
};

class Regex {
public:
    // A PCRE2 regex with UTF, UCP and JIT. `literal` matches the text as is (a
    // tokenizer.json {"String": ...} pattern). `where` prefixes error messages
    // ("tokenizer.json: pre_tokenizer").
    static Regex compile(std::string_view pattern, bool literal, std::string_view where);
    // Every non-overlapping match, left to right, with the empty-match rule of Rust's and
    // Oniguruma's find_iter. `text` must be valid UTF-8.
    void find_all(std::string_view text, std::vector<Match>& out) const;

private:
    struct Code;
    std::shared_ptr<const Code> code_;
};

// ---- Pieces flowing through the pipeline ---------------------------------------------------

struct Piece {
    std::string text;
    int32_t added_id = -1;  // >= 0: an added token, left alone by every later step
    bool at_origin = false; // begins at byte 0 of the original input (Metaspace "first")
};

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// One (start, end, is_match) span of a string; the spans cover it.
struct Span {
    std::size_t start;
    std::size_t end;
    bool is_match;
};

// Applies a split behaviour to spans covering `piece` and appends the kept, non-empty parts.
void split_piece(Piece&& piece, std::vector<Span>& spans, SplitBehavior behavior,
                 std::vector<Piece>& out);

// ---- Components ----------------------------------------------------------------------------

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual void normalize(std::string& s) const = 0;
};

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    // Rewrites and splits every piece that is not an added token.
    virtual void pre_tokenize(std::vector<Piece>& pieces) const = 0;
};

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    virtual void process(std::vector<int32_t>& ids, bool add_special_tokens) const = 0;
};

class Decoder {
public:
    virtual ~Decoder() = default;
    virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

using NormalizerPtr = std::unique_ptr<Normalizer>;
using PreTokenizerPtr = std::unique_ptr<PreTokenizer>;
using PostProcessorPtr = std::unique_ptr<PostProcessor>;
using DecoderPtr = std::unique_ptr<Decoder>;

// normalizer.cpp
NormalizerPtr make_unicode_normalizer(UnicodeForm form);
NormalizerPtr make_lowercase_normalizer();
NormalizerPtr make_strip_normalizer(bool left, bool right);
NormalizerPtr make_strip_accents_normalizer();
NormalizerPtr make_replace_normalizer(Regex pattern, std::string content);
NormalizerPtr make_prepend_normalizer(std::string prefix);
NormalizerPtr make_byte_level_normalizer();
NormalizerPtr make_sequence_normalizer(std::vector<NormalizerPtr> parts);

// pre_tokenizer.cpp
enum class PrependScheme { Always, Never, First };
PreTokenizerPtr make_split_pre_tokenizer(Regex pattern, SplitBehavior behavior, bool invert);
PreTokenizerPtr make_byte_level_pre_tokenizer(bool add_prefix_space, bool use_regex);
PreTokenizerPtr make_metaspace_pre_tokenizer(char32_t replacement, PrependScheme scheme, bool split);
PreTokenizerPtr make_digits_pre_tokenizer(bool individual_digits);
PreTokenizerPtr make_whitespace_pre_tokenizer();       // \w+|[^\w\s]+
PreTokenizerPtr make_whitespace_split_pre_tokenizer(); // split on whitespace, drop it
PreTokenizerPtr make_sequence_pre_tokenizer(std::vector<PreTokenizerPtr> parts);
// The GPT-2 byte-to-character table: byte b is written as byte_level_char(b) (UTF-8).
std::string_view byte_level_char(unsigned char b);
// The inverse: -1 when cp is not one of the 256 characters.
int byte_level_byte(char32_t cp);

// post_processor.cpp
PostProcessorPtr make_template_post_processor(std::vector<int32_t> before, std::vector<int32_t> after);
PostProcessorPtr make_sequence_post_processor(std::vector<PostProcessorPtr> parts);

// decoder.cpp
DecoderPtr make_byte_level_decoder();
DecoderPtr make_metaspace_decoder(char32_t replacement, bool strip_first);
DecoderPtr make_byte_fallback_decoder();
DecoderPtr make_fuse_decoder();
DecoderPtr make_strip_decoder(char32_t content, std::size_t start, std::size_t stop);
DecoderPtr make_replace_decoder(Regex pattern, std::string content);
DecoderPtr make_sequence_decoder(std::vector<DecoderPtr> parts);

// ---- The BPE model (bpe_model.cpp) ---------------------------------------------------------

struct BpeConfig {
    std::vector<std::pair<std::string, int32_t>> vocab;
    std::vector<std::pair<std::string, std::string>> merges; // in rank order
    std::optional<std::string> unk_token;
    std::optional<std::string> continuing_subword_prefix;
    std::optional<std::string> end_of_word_suffix;
    bool fuse_unk = false;
    bool byte_fallback = false;
    bool ignore_merges = false;
};

class BpeModel {
public:
    // Throws InputError prefixed by `origin` for a merge naming an unknown token.
    BpeModel(BpeConfig config, std::string_view origin);
    ~BpeModel();
    BpeModel(const BpeModel&) = delete;
    BpeModel& operator=(const BpeModel&) = delete;

    // Appends the ids of one pre-token.
    void tokenize(std::string_view word, std::vector<int32_t>& out) const;
    std::optional<int32_t> token_to_id(std::string_view token) const;
    const std::string* id_to_token(int32_t id) const;
    std::size_t size() const { return vocab_.size(); }
    template <typename F> void for_each_token(F&& f) const { vocab_.for_each(f); }

private:
    struct Merges;
    struct Cache;
    void merge_word(std::string_view word, std::vector<int32_t>& out) const;
    int32_t char_id(std::string_view ch, bool first, bool last) const;
    int32_t lookup(std::string_view token) const {
        const int32_t* id = vocab_.find(token);
        return id == nullptr ? -1 : *id;
    }

    StringMap<int32_t> vocab_;
    std::vector<std::string> vocab_r_;
    std::vector<bool> has_id_;
    std::unique_ptr<Merges> merges_;
    std::unique_ptr<Cache> cache_;
    std::vector<int32_t> small_char_ids_; // code point < kSmallChars -> id or -1
    int32_t byte_ids_[256];               // <0xXX> tokens, -1 when absent
    BpeConfig config_;                    // vocab and merges moved out
    std::string origin_;
};

// ---- Added tokens (added_vocabulary.cpp) ---------------------------------------------------

class AddedVocabulary {
public:
    AddedVocabulary() = default;
    // Builds the two matchers: raw-text tokens and normalized tokens (whose contents are
    // first passed through `normalizer`).
    void build(std::vector<AddedToken> tokens, const Normalizer* normalizer);
    // Splits text on added tokens, normalizing the text between raw-text tokens, then
    // splitting that on normalized tokens (the reference's extract_and_normalize).
    void split(std::string_view text, const Normalizer* normalizer, std::vector<Piece>& out) const;

    const std::vector<AddedToken>& tokens() const { return tokens_; }
    const AddedToken* by_id(int32_t id) const;
    // The token's text for decoding: its content, normalized when `normalized` is set
    // (the reference's id_to_token gives that form).
    const std::string* surface(int32_t id) const;
    std::optional<int32_t> id_of(std::string_view content) const;
    bool is_special_content(std::string_view content) const;

private:
    struct Trie {
        struct Node {
            int32_t next_first = -1; // children: a sorted range in `edges`
            int32_t next_count = 0;
            int32_t token = -1;      // index into tokens_ when a token ends here
        };
        struct Edge {
            unsigned char byte;
            int32_t node;
        };
        std::vector<Node> nodes;
        std::vector<Edge> edges;
        bool first_byte[256] = {};
        void build(const std::vector<std::pair<std::string, int32_t>>& words);
        // Longest token starting at pos, as (token index, end) or (-1, pos).
        std::pair<int32_t, std::size_t> longest_at(std::string_view s, std::size_t pos) const;
    };
    void find_matches(std::string_view s, const Trie& trie, std::vector<std::pair<int32_t, Match>>& out) const;

    std::vector<AddedToken> tokens_;
    std::vector<std::string> surfaces_;
    std::unordered_map<int32_t, std::size_t> by_id_;
    StringMap<int32_t> by_content_;
    StringMap<char> special_contents_;
    Trie raw_;
    Trie normalized_;
};

} // namespace moecut::tok

namespace moecut {

struct Tokenizer::Impl {
    std::string origin;
    std::unique_ptr<tok::BpeModel> model;
    tok::AddedVocabulary added;
    tok::NormalizerPtr normalizer;
    tok::PreTokenizerPtr pre_tokenizer;
    tok::PostProcessorPtr post_processor;
    tok::DecoderPtr decoder;
    std::size_t vocab_size = 0;
};

} // namespace moecut

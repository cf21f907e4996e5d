// A Hugging Face `tokenizer.json` tokenizer.
//
// Reads the files written by the `tokenizers` library (the "fast" tokenizers of
// transformers) for the byte-level and SentencePiece-style BPE models the MoE families use:
// GLM-4.5/5.x, DeepSeek-V3, Qwen2/Qwen3 (Split regex + ByteLevel), Mixtral (Metaspace or
// Prepend/Replace normalizers, byte fallback). encode() gives the same ids as
// `tokenizers.Tokenizer.encode(text, add_special_tokens=...).ids`, decode() the same text as
// `Tokenizer.decode(ids, skip_special_tokens=...)`; tests/core/test_tokenizer.cpp checks both
// against fixtures made by scripts/make_tokenizer_fixtures.py.
//
// Supported components (anything else is an InputError naming it):
//   model          BPE (merges as "a b" strings or [a, b] pairs; byte_fallback, unk_token,
//                  fuse_unk, ignore_merges, continuing_subword_prefix, end_of_word_suffix;
//                  dropout is ignored: encoding is deterministic)
//   normalizer     NFC NFD NFKC NFKD Lowercase Strip StripAccents Replace Prepend ByteLevel Sequence
//   pre_tokenizer  Split (Regex/String; Removed, Isolated, MergedWithPrevious, MergedWithNext,
//                  Contiguous; invert) ByteLevel Metaspace Digits Whitespace WhitespaceSplit Sequence
//   post_processor TemplateProcessing (single) ByteLevel RobertaProcessing BertProcessing Sequence
//   decoder        ByteLevel Metaspace ByteFallback Fuse Strip Replace Sequence
// Regexes run on PCRE2 (UTF, UCP, JIT), rewritten where Oniguruma (the reference's engine)
// reads an escape differently; Unicode normalization, properties and case mapping come from ICU.
//
// A Tokenizer is immutable after loading; encode() and decode() may run on many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

// One entry of tokenizer.json's "added_tokens".
struct AddedToken {
    int32_t id = 0;
    std::string content;
    bool single_word = false; // only matches when not inside a word
    bool lstrip = false;      // swallows the whitespace on its left
    bool rstrip = false;      // swallows the whitespace on its right
    bool normalized = true;   // matched in the normalized text, not the raw text
    bool special = false;     // skipped by decode(..., skip_special_tokens=true)
};

class Tokenizer {
public:
    // Loads tokenizer.json. `path` may also be a model folder holding a tokenizer.json.
    // Throws InputError ("FILE: problem") for a missing, malformed or unsupported file.
    static Tokenizer from_file(const std::filesystem::path& path);
    // Parses the text of a tokenizer.json; `origin` names it in error messages.
    static Tokenizer from_json(std::string_view json_text, std::string_view origin = "tokenizer.json");

    Tokenizer(Tokenizer&&) noexcept;
    Tokenizer& operator=(Tokenizer&&) noexcept;
    ~Tokenizer();

    // Splits on added tokens, normalizes, pre-tokenizes, runs BPE and (when
    // add_special_tokens) the post-processor's BOS/EOS template. Text that is not valid
    // UTF-8 is read as Rust's String::from_utf8_lossy would (bad bytes become U+FFFD).
    std::vector<int32_t> encode(std::string_view text, bool add_special_tokens = true) const;
    // Maps ids to tokens (unknown ids are skipped, special tokens too when
    // skip_special_tokens) and runs the decoder; without a decoder the tokens are joined
    // with spaces, as the reference does. Defaults match the Python API.
    std::string decode(std::span<const int32_t> ids, bool skip_special_tokens = true) const;

    // Added tokens first, then the model vocabulary. As in the reference, an added token with
    // `normalized` set is looked up by its content but reads back (id_to_token, decode) in
    // its normalized form.
    std::optional<int32_t> token_to_id(std::string_view token) const;
    std::optional<std::string> id_to_token(int32_t id) const;
    // Distinct tokens of the model vocabulary and the added tokens together
    // (`get_vocab_size(with_added_tokens=True)`).
    std::size_t vocab_size() const;
    // The added tokens in file order.
    const std::vector<AddedToken>& added_tokens() const;
    bool is_special(int32_t id) const;

    struct Impl;

private:
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace moecut

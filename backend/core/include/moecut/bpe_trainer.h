// Training a byte-level BPE tokenizer, written as a Hugging Face tokenizer.json.
//
//   BpeTrainer trainer({.vocab_size = 2048, .special_tokens = {"<|endoftext|>", "<|user|>"}});
//   for (const auto& doc : docs) trainer.add_text(doc);
//   std::string json = trainer.train_json();
//
// The pre-tokenizer is GLM's (GLM-4.5 ... GLM-5.2, the cl100k-style Split regex,
// Isolated, then ByteLevel without prefix space or regex), the decoder ByteLevel,
// no normalizer, no BOS/EOS template. Ids: the special tokens first (0, 1, ...,
// as added tokens with special=true), then the 256 byte characters in byte order,
// then one token per merge. Each round merges the most frequent adjacent pair
// (ties: the pair of smallest ids), until vocab_size tokens exist or no pair
// occurs min_frequency times. Deterministic: the same texts in the same order
// give the same bytes. The file loads into moecut::Tokenizer and PyPI
// `tokenizers` alike (tests/core/test_bpe_trainer.cpp,
// tests/data/tokenizers/tiny_glm5_moe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

struct BpeTrainerOptions {
    std::size_t vocab_size = 2048;            // total, special tokens included
    std::vector<std::string> special_tokens;  // ids 0..n-1
    std::uint64_t min_frequency = 2;
};

// GLM's pre-tokenizer regex (an Isolated Split before ByteLevel).
std::string_view glm_pretokenizer_regex();

class BpeTrainer {
public:
    explicit BpeTrainer(BpeTrainerOptions options);
    ~BpeTrainer();
    BpeTrainer(const BpeTrainer&) = delete;
    BpeTrainer& operator=(const BpeTrainer&) = delete;

    // Pre-tokenizes one document and counts its words. Occurrences of the
    // special tokens are cut out first (they are never merged into words).
    void add_text(std::string_view text);
    // Runs the merges and returns the tokenizer.json text. Call once.
    std::string train_json();
    // After train_json(): how many merges were learnt.
    std::size_t merges() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace moecut

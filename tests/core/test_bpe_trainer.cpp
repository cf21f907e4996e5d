// The byte-level BPE trainer: a small training text round-trips through the
// trained tokenizer.json, training is deterministic, merges follow pair
// frequency, and the shipped tiny model's tokenizer (trained by moecut
// train-tiny) gives the ids PyPI tokenizers gives (fixture made by
// scripts/make_tiny_model_goldens.py).
#include "moecut/bpe_trainer.h"
#include "moecut/tokenizer.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using moecut::BpeTrainer;
using moecut::BpeTrainerOptions;
using moecut::Tokenizer;
using nlohmann::json;

const std::vector<std::string> kSpecial = {"<|endoftext|>", "[gMASK]", "<sop>", "<|user|>", "<|assistant|>"};

std::vector<std::string> training_text() {
    std::vector<std::string> docs;
    for (int i = 0; i < 40; ++i) {
        docs.push_back("def add(a, b):\n    return a + b\n\nprint(add(" + std::to_string(i) + ", 2))\n");
        docs.push_back("The quick brown fox jumps over the lazy dog. The dog sleeps.\n");
        docs.push_back("for i in range(10):\n\tprint(i)  # loop\n");
    }
    docs.push_back("Ünïcödé text: 日本語のテキスト, emoji \xF0\x9F\x98\x80 and <|user|> a special token.");
    return docs;
}

std::string train(std::size_t vocab) {
    BpeTrainer t(BpeTrainerOptions{vocab, kSpecial, 2});
    for (const auto& d : training_text()) t.add_text(d);
    return t.train_json();
}

TEST(BpeTrainer, RoundTripsAndCompresses) {
    const std::string text = train(320);
    const Tokenizer tok = Tokenizer::from_json(text, "trained");
    EXPECT_EQ(tok.vocab_size(), 320u);
    for (std::size_t i = 0; i < kSpecial.size(); ++i) {
        EXPECT_EQ(tok.token_to_id(kSpecial[i]), static_cast<int32_t>(i));
        EXPECT_TRUE(tok.is_special(static_cast<int32_t>(i)));
    }
    EXPECT_EQ(tok.token_to_id("Ġ"), static_cast<int32_t>(kSpecial.size() + ' '));  // byte order
    for (const auto& doc : training_text()) {
        const auto ids = tok.encode(doc, false);
        EXPECT_EQ(tok.decode(ids, false), doc);
    }
    // Unseen text (bytes never trained on still encode, byte by byte).
    const std::string unseen = "Zebra \x01\x7F quartz -> 42 <|assistant|>ok";
    EXPECT_EQ(tok.decode(tok.encode(unseen, false), false), unseen);
    const auto special = tok.encode("<|user|>hi", false);
    ASSERT_FALSE(special.empty());
    EXPECT_EQ(special.front(), 3);
    // Merges compress the training text, and the most frequent pair of
    // characters is one token.
    std::size_t bytes = 0, tokens = 0;
    for (const auto& doc : training_text()) bytes += doc.size(), tokens += tok.encode(doc, false).size();
    EXPECT_LT(tokens * 2, bytes);
    const auto first_merged = static_cast<int32_t>(kSpecial.size() + 256);
    const std::string raw = tok.decode(std::vector<int32_t>{first_merged}, false);
    EXPECT_EQ(tok.encode(raw, false), std::vector<int32_t>{first_merged}) << raw;
}

TEST(BpeTrainer, IsDeterministicAndMostFrequentPairMergesFirst) {
    EXPECT_EQ(train(350), train(350));
    BpeTrainer t(BpeTrainerOptions{5 + 256 + 2, kSpecial, 1});
    t.add_text("ab ab ab ab cd cd");
    const json j = json::parse(t.train_json());
    const auto& merges = j.at("model").at("merges");
    ASSERT_EQ(merges.size(), 2u);
    EXPECT_EQ(merges[0], json::array({"a", "b"}));        // 4 occurrences
    EXPECT_EQ(merges[1], json::array({"Ġ", "ab"}));       // 3 occurrences ("Ġab")
    EXPECT_EQ(j.at("model").at("vocab").at("Ġab"), 5 + 256 + 1);
}

TEST(BpeTrainer, StopsWhenNoPairIsFrequentEnough) {
    BpeTrainer t(BpeTrainerOptions{1000, kSpecial, 2});
    t.add_text("xy xy qz");
    (void)t.train_json();
    // Words "xy", "Ġxy", "Ġqz": only (x, y) occurs twice; after it, (Ġ, xy) occurs once.
    EXPECT_EQ(t.merges(), 1u);
}

// The shipped tokenizer (made by train-tiny) against PyPI tokenizers.
TEST(BpeTrainer, ShippedTokenizerMatchesTheReference) {
    const auto dir = moecut::test::test_data_dir() / "tokenizers" / "tiny_glm5_moe";
    const Tokenizer tok =
        Tokenizer::from_file(moecut::test::source_dir() / "resources" / "models" / "tiny-glm5-moe" / "tokenizer.json");
    const json expected = json::parse(moecut::test::read_text(dir / "expected.json"));
    EXPECT_EQ(tok.vocab_size(), expected.at("vocab_size").get<std::size_t>());
    const json& cases = expected.at("cases");
    ASSERT_GE(cases.size(), 30u);
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const json& c = cases[k];
        const std::string text = c.at("text").get<std::string>();
        SCOPED_TRACE("case " + std::to_string(k));
        const auto ids = c.at("ids").get<std::vector<int32_t>>();
        EXPECT_EQ(tok.encode(text, true), ids);
        EXPECT_EQ(tok.decode(ids, false), c.at("decoded_keep_special").get<std::string>());
    }
}

} // namespace

// moecut::Tokenizer against the reference `tokenizers` library (golden fixtures made by
// scripts/make_tokenizer_fixtures.py with tokenizers 0.23.3), plus hand-built tokenizer.json
// files for the BPE details and the error paths.
#include "moecut/error.h"
#include "moecut/tokenizer.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <thread>

namespace {

using moecut::InputError;
using moecut::Tokenizer;
using nlohmann::json;
namespace fs = std::filesystem;

fs::path fixture_dir(const std::string& family) { return moecut::test::test_data_dir() / "tokenizers" / family; }

json read_json(const fs::path& p) { return json::parse(moecut::test::read_text(p)); }

std::string show(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '\n') out += "\\n";
        else if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        }
        else out.push_back(static_cast<char>(c));
    }
    return out.size() > 120 ? out.substr(0, 120) + "..." : out;
}

// ---- Golden fixtures -----------------------------------------------------------------------

class TokenizerGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenizerGolden, IdsAndDecodingMatchTheReference) {
    const fs::path dir = fixture_dir(GetParam());
    const Tokenizer tok = Tokenizer::from_file(dir / "tokenizer.json");
    const json expected = read_json(dir / "expected.json");
    EXPECT_EQ(tok.vocab_size(), expected.at("vocab_size").get<std::size_t>());
    const json& cases = expected.at("cases");
    ASSERT_GE(cases.size(), 30u);
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const json& c = cases[k];
        const std::string text = c.at("text").get<std::string>();
        SCOPED_TRACE("case " + std::to_string(k) + ": \"" + show(text) + "\"");
        const auto ids = c.at("ids").get<std::vector<int32_t>>();
        EXPECT_EQ(tok.encode(text, true), ids);
        EXPECT_EQ(tok.encode(text, false), c.at("ids_no_special").get<std::vector<int32_t>>());
        EXPECT_EQ(tok.decode(ids, true), c.at("decoded").get<std::string>());
        EXPECT_EQ(tok.decode(ids, false), c.at("decoded_keep_special").get<std::string>());
    }
}

INSTANTIATE_TEST_SUITE_P(Families, TokenizerGolden,
                         ::testing::Values("glm", "deepseek_v3", "qwen3", "mixtral", "mixtral_metaspace",
                                           "gpt2_roberta", "misc_splits", "spm_unk", "bpe_affixes",
                                           "whitespace_bytelevel"));

// Byte-level BPE without a normalizer loses nothing: decoding gives the text back.
TEST(Tokenizer, ByteLevelFamiliesRoundTrip) {
    for (const std::string family : {"glm", "deepseek_v3"}) {
        const Tokenizer tok = Tokenizer::from_file(fixture_dir(family));
        const json expected = read_json(fixture_dir(family) / "expected.json");
        for (const json& c : expected.at("cases")) {
            const std::string text = c.at("text").get<std::string>();
            EXPECT_EQ(tok.decode(tok.encode(text, false), false), text) << family << ": " << show(text);
        }
    }
}

TEST(Tokenizer, LookupsAndAddedTokens) {
    const Tokenizer tok = Tokenizer::from_file(fixture_dir("qwen3"));
    const auto im_start = tok.token_to_id("<|im_start|>");
    ASSERT_TRUE(im_start.has_value());
    EXPECT_TRUE(tok.is_special(*im_start));
    EXPECT_EQ(tok.id_to_token(*im_start), "<|im_start|>");
    const auto think = tok.token_to_id("<think>");
    ASSERT_TRUE(think.has_value());
    EXPECT_FALSE(tok.is_special(*think));
    EXPECT_EQ(tok.encode("<think>", false), std::vector<int32_t>{*think});
    EXPECT_EQ(tok.token_to_id("Ġ"), tok.encode(" ", false).at(0));
    EXPECT_FALSE(tok.token_to_id("no such token").has_value());
    EXPECT_FALSE(tok.id_to_token(1 << 30).has_value());
    bool found = false;
    for (const auto& a : tok.added_tokens()) found = found || (a.content == "<|im_end|>" && a.special && !a.normalized);
    EXPECT_TRUE(found);
    // Unknown ids are dropped by decode, as the reference does.
    const std::vector<int32_t> ids = {*think, 1 << 30, -5};
    EXPECT_EQ(tok.decode(ids, false), "<think>");
}

TEST(Tokenizer, InvalidUtf8IsReadLikeFromUtf8Lossy) {
    const Tokenizer tok = Tokenizer::from_file(fixture_dir("glm"));
    // One U+FFFD per maximal invalid subsequence: "\xE2\x82" is one, "\xFF" another.
    EXPECT_EQ(tok.encode("a\xE2\x82" "b\xFF", false), tok.encode("a\xEF\xBF\xBD" "b\xEF\xBF\xBD", false));
    EXPECT_EQ(tok.encode(std::string("x\0y", 3), false).size(), 3u);
}

TEST(Tokenizer, EncodeIsThreadSafe) {
    const Tokenizer tok = Tokenizer::from_file(fixture_dir("deepseek_v3"));
    const json expected = read_json(fixture_dir("deepseek_v3") / "expected.json");
    std::vector<std::thread> threads;
    std::vector<int> failures(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int rep = 0; rep < 5; ++rep)
                for (const json& c : expected.at("cases"))
                    if (tok.encode(c.at("text").get<std::string>(), true) != c.at("ids").get<std::vector<int32_t>>())
                        ++failures[static_cast<std::size_t>(t)];
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures, std::vector<int>(4, 0));
}

// ---- Hand-built files ----------------------------------------------------------------------

json bpe_file(json vocab, json merges) {
    return json{{"version", "1.0"},
                {"added_tokens", json::array()},
                {"normalizer", nullptr},
                {"pre_tokenizer", nullptr},
                {"post_processor", nullptr},
                {"decoder", nullptr},
                {"model", {{"type", "BPE"}, {"vocab", std::move(vocab)}, {"merges", std::move(merges)}}}};
}

std::vector<int32_t> ids(std::initializer_list<int32_t> l) { return l; }

TEST(Tokenizer, BpeMergesLowestRankFirstThenLeftmost) {
    const json vocab = {{"a", 0}, {"b", 1}, {"c", 2}, {"aa", 3}, {"ab", 4}, {"bc", 5}, {"abc", 6}, {"aaa", 7}};
    // bc outranks ab, so "abc" becomes a + bc (no a+bc merge), not ab + c -> abc.
    Tokenizer t1 = Tokenizer::from_json(bpe_file(vocab, json::array({"b c", "a b", "ab c"})).dump());
    EXPECT_EQ(t1.encode("abc"), ids({0, 5}));
    const json pairs = json::array({json::array({"a", "b"}), json::array({"ab", "c"}), json::array({"b", "c"})});
    Tokenizer t2 = Tokenizer::from_json(bpe_file(vocab, pairs).dump());
    EXPECT_EQ(t2.encode("abc"), ids({6}));
    // Ties go to the leftmost pair: "aaa" is aa + a, "aaaa" is aa + aa.
    Tokenizer t3 = Tokenizer::from_json(bpe_file(vocab, json::array({"a a"})).dump());
    EXPECT_EQ(t3.encode("aaa"), ids({3, 0}));
    EXPECT_EQ(t3.encode("aaaa"), ids({3, 3}));
    // Without a decoder, decode joins tokens with spaces.
    EXPECT_EQ(t3.decode(ids({3, 0}), true), "aa a");
    EXPECT_EQ(t3.vocab_size(), 8u);
}

TEST(Tokenizer, UnknownCharactersAndByteFallback) {
    json f = bpe_file({{"<unk>", 0}, {"a", 1}, {"<0x62>", 2}}, json::array());
    f["model"]["unk_token"] = "<unk>";
    EXPECT_EQ(Tokenizer::from_json(f.dump()).encode("acca"), ids({1, 0, 0, 1}));
    f["model"]["fuse_unk"] = true;
    EXPECT_EQ(Tokenizer::from_json(f.dump()).encode("acca"), ids({1, 0, 1}));
    f["model"]["byte_fallback"] = true;
    EXPECT_EQ(Tokenizer::from_json(f.dump()).encode("abc"), ids({1, 2, 0}));
    // Without an unk token unknown characters vanish.
    f["model"]["unk_token"] = nullptr;
    EXPECT_EQ(Tokenizer::from_json(f.dump()).encode("acb"), ids({1, 2}));
    // An unk token missing from the vocabulary is bad input once it is needed.
    f["model"]["unk_token"] = "<missing>";
    const Tokenizer t = Tokenizer::from_json(f.dump(), "t.json");
    EXPECT_EQ(t.encode("a"), ids({1}));
    EXPECT_THROW(t.encode("c"), InputError);
}

TEST(Tokenizer, IgnoreMergesTakesWholeWordsFromTheVocabulary) {
    json f = bpe_file({{"a", 0}, {"b", 1}, {"ab", 2}, {"abab", 3}, {"ba", 4}}, json::array({"a b", "b a"}));
    EXPECT_EQ(Tokenizer::from_json(f.dump()).encode("abab"), ids({2, 2}));
    f["model"]["ignore_merges"] = true;
    EXPECT_EQ(Tokenizer::from_json(f.dump()).encode("abab"), ids({3}));
}

void expect_input_error(const std::string& text, const std::string& needle) {
    try {
        Tokenizer::from_json(text, "bad.json");
        ADD_FAILURE() << "no InputError for " << needle;
    } catch (const InputError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("bad.json: ", 0), 0u) << what;
        EXPECT_NE(what.find(needle), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
}

TEST(Tokenizer, BadFilesAreInputErrors) {
    expect_input_error("{not json", "not valid JSON");
    expect_input_error("[1, 2]", "not a tokenizer.json");
    json f = bpe_file({{"a", 0}}, json::array({"a b"}));
    expect_input_error(f.dump(), "\"b\" is not in the vocabulary");
    f = bpe_file({{"a", 0}}, json::array({"a"}));
    expect_input_error(f.dump(), "model.merges[0]");
    f = bpe_file({{"a", 0}}, json::array());
    f["model"]["type"] = "WordPiece";
    expect_input_error(f.dump(), "WordPiece");
    f = bpe_file({{"a", -3}}, json::array());
    expect_input_error(f.dump(), "model.vocab");
    f = bpe_file({{"a", 0}, {"b", 50'000'000}}, json::array());
    expect_input_error(f.dump(), "ids go up to 50000000");
    f = bpe_file({{"a", 0}}, json::array());
    json nested = {{"type", "Lowercase"}};
    for (int k = 0; k < 40; ++k) nested = {{"type", "Sequence"}, {"normalizers", json::array({nested})}};
    f["normalizer"] = nested;
    expect_input_error(f.dump(), "nested too deeply");
    f["normalizer"] = nullptr;
    f = bpe_file({{"a", 0}}, json::array());
    f["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}, {"invert", false}};
    expect_input_error(f.dump(), "does not compile");
    f["pre_tokenizer"] = {{"type", "Punctuation"}};
    expect_input_error(f.dump(), "unsupported pre_tokenizer type \"Punctuation\"");
    f["pre_tokenizer"] = nullptr;
    f["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", ""}};
    expect_input_error(f.dump(), "Precompiled");
    f["normalizer"] = nullptr;
    f["post_processor"] = {{"type", "TemplateProcessing"},
                           {"single", {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}}}},
                           {"special_tokens", json::object()}};
    expect_input_error(f.dump(), "\"<s>\"");
    f["post_processor"] = nullptr;
    f["decoder"] = {{"type", "Strip"}, {"content", "ab"}, {"start", 1}, {"stop", 0}};
    expect_input_error(f.dump(), "one character");
}

TEST(Tokenizer, FromFileAcceptsAFolderAndReportsMissingFiles) {
    moecut::test::TempDir dir;
    EXPECT_THROW(Tokenizer::from_file(dir.path()), InputError);
    EXPECT_THROW(Tokenizer::from_file(dir / "nothing.json"), InputError);
    moecut::test::write_text(dir / "tokenizer.json", bpe_file({{"a", 0}}, json::array()).dump());
    EXPECT_EQ(Tokenizer::from_file(dir.path()).encode("aa"), ids({0, 0}));
}

} // namespace

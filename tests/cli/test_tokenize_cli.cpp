// moecut tokenize, end to end, on the golden tokenizer fixtures (tests/data/tokenizers, made by
// scripts/make_tokenizer_fixtures.py): the ids printed are the reference library's.
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace moecut {
namespace {

using nlohmann::json;
using test::run_moecut;

const json& reference_case(const std::string& family, const std::string& text) {
    static json cache;
    cache = json::parse(test::read_text(test::test_data_dir() / "tokenizers" / family / "expected.json"));
    for (const json& c : cache.at("cases"))
        if (c.at("text") == text) return c;
    throw std::runtime_error("no fixture case for " + text);
} // namespace moecut

std::vector<int32_t> parse_ids(const std::string& line) {
    std::istringstream in(line);
    std::vector<int32_t> ids;
    for (int32_t id; in >> id;) ids.push_back(id);
    return ids;
} // namespace moecut

TEST(TokenizeCli, PrintsTheReferenceIds) {
    const auto dir = test::test_data_dir() / "tokenizers" / "deepseek_v3";
    const std::string text = "Äpfel über Straße; Ça coûte 12 € — déjà vu.";
    const json& expected = reference_case("deepseek_v3", text);
    auto r = run_moecut({"tokenize", "--model", dir.string(), text});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(parse_ids(r.out), expected.at("ids").get<std::vector<int32_t>>());
    r = run_moecut({"tokenize", "--model", (dir / "tokenizer.json").string(), "--no-special-tokens", text});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(parse_ids(r.out), expected.at("ids_no_special").get<std::vector<int32_t>>());
} // namespace moecut

TEST(TokenizeCli, JsonHasIdsAndTokens) {
    const auto dir = test::test_data_dir() / "tokenizers" / "qwen3";
    const std::string text = "<|im_start|>user\nHi<|im_end|>";
    const auto r = run_moecut({"tokenize", "--model", dir.string(), "--json", text});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json out = json::parse(r.out);
    const auto ids = out.at("ids").get<std::vector<int32_t>>();
    const auto tokens = out.at("tokens").get<std::vector<std::string>>();
    ASSERT_EQ(ids.size(), tokens.size());
    EXPECT_EQ(out.at("count").get<std::size_t>(), ids.size());
    ASSERT_GE(tokens.size(), 3u);
    EXPECT_EQ(tokens.front(), "<|im_start|>");
    EXPECT_EQ(tokens.back(), "<|im_end|>");
    std::string joined;
    for (const auto& t : tokens) joined += t;
    EXPECT_EQ(joined, "<|im_start|>userĊHi<|im_end|>"); // byte-level: '\n' is written Ċ
} // namespace moecut

TEST(TokenizeCli, MissingTokenizerIsBadInput) {
    test::TempDir dir;
    const auto r = run_moecut({"tokenize", "--model", dir.path().string(), "hello"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("tokenizer.json"), std::string::npos) << r.err;
} // namespace moecut

} // namespace
} // namespace moecut

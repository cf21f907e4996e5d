// Calibration data: formats, domains, packing, budget, deterministic
// selection, and one-line errors naming FILE:LINE.
#include "moecut/calibration.h"
#include "moecut/chat_template.h"
#include "moecut/error.h"
#include "moecut/tokenizer.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <numeric>
#include <set>

namespace moecut {
namespace {

using test::TempDir;
using test::write_text;

std::string tokens_line(int first, int n, const std::string& domain = {}) {
    std::string s = "{\"tokens\": [";
    for (int i = 0; i < n; ++i) s += (i ? ", " : "") + std::to_string(first + i);
    s += "]";
    if (!domain.empty()) s += ", \"domain\": \"" + domain + "\"";
    return s + "}\n";
}

std::vector<std::int32_t> concat(const CalibrationSet& s, int domain) {
    std::vector<std::int32_t> out;
    for (const auto& q : s.sequences)
        if (q.domain == domain) out.insert(out.end(), q.tokens.begin(), q.tokens.end());
    return out;
}

std::string error_of(const std::vector<CalibrationSource>& src, const CalibrationOptions& o) {
    try {
        load_calibration(src, o);
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Calibration, PacksEachDomainIntoSequences) {
    TempDir t;
    write_text(t / "calib_code.jsonl", tokens_line(0, 5) + "\n" + tokens_line(100, 7) + tokens_line(200, 3, "prose"));
    CalibrationOptions o;
    o.seq_len = 4;
    const auto s = load_calibration({{t / "calib_code.jsonl", ""}}, o);
    ASSERT_EQ(s.domains, (std::vector<std::string>{"calib_code", "prose"}));
    EXPECT_EQ(s.tokens.at("calib_code"), 12u);
    EXPECT_EQ(s.tokens.at("prose"), 3u);
    EXPECT_EQ(s.total_tokens, 15u);
    // 12 tokens -> 4 + 4 + 4, documents continuing across sequences; 3 -> one short sequence.
    ASSERT_EQ(s.sequences.size(), 4u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(s.sequences[static_cast<std::size_t>(i)].tokens.size(), 4u);
    EXPECT_EQ(s.sequences[3].tokens, (std::vector<std::int32_t>{200, 201, 202}));
    auto code = concat(s, 0);
    std::multiset<std::int32_t> got(code.begin(), code.end()), want;
    for (int i = 0; i < 5; ++i) want.insert(i);
    for (int i = 0; i < 7; ++i) want.insert(100 + i);
    EXPECT_EQ(got, want);
    EXPECT_EQ(s.hash.rfind("sha256:", 0), 0u);
}

TEST(Calibration, PerSampleSequencesAreTruncated) {
    TempDir t;
    write_text(t / "d.jsonl", tokens_line(0, 10) + tokens_line(50, 2));
    CalibrationOptions o;
    o.seq_len = 6;
    o.pack = false;
    const auto s = load_calibration({{t / "d.jsonl", ""}}, o);
    ASSERT_EQ(s.sequences.size(), 2u);
    std::set<std::size_t> lens = {s.sequences[0].tokens.size(), s.sequences[1].tokens.size()};
    EXPECT_EQ(lens, (std::set<std::size_t>{6, 2}));
    EXPECT_EQ(s.total_tokens, 8u);
}

TEST(Calibration, BudgetIsSharedAndDeterministic) {
    TempDir t;
    std::string big, small;
    for (int i = 0; i < 50; ++i) big += tokens_line(i * 10, 10, "big");
    small = tokens_line(1000, 6, "small");
    write_text(t / "a.jsonl", big + small);
    CalibrationOptions o;
    o.seq_len = 16;
    o.max_tokens = 100;
    const auto s = load_calibration({{t / "a.jsonl", ""}}, o);
    // "small" has 6 tokens: the other 94 go to "big" (the crossing document cut to fit).
    EXPECT_EQ(s.tokens.at("small"), 6u);
    EXPECT_EQ(s.tokens.at("big"), 94u);
    const auto again = load_calibration({{t / "a.jsonl", ""}}, o);
    EXPECT_EQ(again.hash, s.hash);
    EXPECT_EQ(concat(again, 0), concat(s, 0));
    o.seed = 7;
    const auto other = load_calibration({{t / "a.jsonl", ""}}, o);
    EXPECT_NE(other.hash, s.hash);  // another sample of documents
    EXPECT_EQ(other.tokens.at("big"), 94u);
    // Not simply the first lines of the file.
    auto b = concat(s, 0);
    EXPECT_FALSE(std::equal(b.begin(), b.begin() + 20, std::vector<std::int32_t>(20).begin(),
                            [](std::int32_t x, std::int32_t) { return x < 20; }));
}

TEST(Calibration, DomainOverrideAndFileStem) {
    TempDir t;
    write_text(t / "my data.v2.jsonl", tokens_line(1, 3, "tagged") + tokens_line(5, 3));
    CalibrationOptions o;
    auto s = load_calibration({{t / "my data.v2.jsonl", ""}}, o);
    EXPECT_EQ(s.domains, (std::vector<std::string>{"tagged", "my_data_v2"}));
    const auto src = parse_calibration_arg("code=" + (t / "my data.v2.jsonl").string());
    EXPECT_EQ(src.domain, "code");
    s = load_calibration({src}, o);
    EXPECT_EQ(s.domains, (std::vector<std::string>{"code"}));
    EXPECT_EQ(s.tokens.at("code"), 6u);
    EXPECT_EQ(parse_calibration_arg("/tmp/a=b.jsonl").domain, "");  // "/tmp/a" is no domain name
    EXPECT_EQ(parse_calibration_arg("all=x.jsonl").domain, "");
}

TEST(Calibration, TextAndMessagesUseTokenizerAndTemplate) {
    TempDir t;
    const auto tok = Tokenizer::from_file(test::test_data_dir() / "tokenizers" / "qwen3");
    const ChatTemplate tmpl("{% for m in messages %}<{{ m.role }}>{{ m.content }}\n{% endfor %}", std::nullopt,
                            std::nullopt);
    write_text(t / "x.jsonl", R"({"text": "hello world"})"
                              "\n"
                              R"({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]})"
                              "\n");
    CalibrationOptions o;
    o.tokenizer = &tok;
    o.chat_template = &tmpl;
    o.pack = false;
    o.seed = 0;
    const auto s = load_calibration({{t / "x.jsonl", ""}}, o);
    ASSERT_EQ(s.sequences.size(), 2u);
    const auto a = tok.encode("hello world", true), b = tok.encode("<user>hi\n<assistant>yo\n", false);
    std::set<std::vector<std::int32_t>> got = {s.sequences[0].tokens, s.sequences[1].tokens}, want = {a, b};
    EXPECT_EQ(got, want);
}

TEST(Calibration, BadLinesNameFileAndLine) {
    TempDir t;
    const auto f = t / "bad.jsonl";
    CalibrationOptions o;
    o.vocab_size = 100;
    auto err = [&](const std::string& body) {
        write_text(f, tokens_line(0, 3) + body);
        return error_of({{f, ""}}, o);
    };
    const std::string at2 = f.string() + ":2: ";
    EXPECT_EQ(err("{not json\n").rfind(at2 + "not valid JSON", 0), 0u) << err("{not json\n");
    EXPECT_EQ(err("[1, 2]\n"), at2 + "must be a JSON object");
    EXPECT_EQ(err("{\"x\": 1}\n"), at2 + "needs one of \"text\", \"messages\" or \"tokens\"");
    EXPECT_EQ(err("{\"tokens\": [1], \"text\": \"a\"}\n"), at2 + "has more than one of \"text\", \"messages\" and \"tokens\"");
    EXPECT_EQ(err("{\"tokens\": [1, 100]}\n"), at2 + "token id 100 outside the vocabulary [0, 100)");
    EXPECT_EQ(err("{\"tokens\": [1.5]}\n"), at2 + "\"tokens\" must hold integers");
    EXPECT_EQ(err("{\"tokens\": [1], \"domain\": \"a b\"}\n"), at2 + "domain \"a b\" is not [A-Za-z0-9_-]{1,64}");
    EXPECT_EQ(err("{\"tokens\": [1], \"domain\": \"all\"}\n"),
              at2 + "domain \"all\" is reserved (it is the union of the domains)");
    o.tokenizer_origin = "model has no tokenizer.json";
    EXPECT_EQ(err("{\"text\": \"a\"}\n"), at2 + "\"text\" needs a tokenizer (model has no tokenizer.json)");
    EXPECT_EQ(error_of({{t / "missing.jsonl", ""}}, o), (t / "missing.jsonl").string() + ": cannot open the calibration file");
    write_text(f, "\n  \n");
    EXPECT_EQ(error_of({{f, ""}}, o), f.string() + ": no calibration lines");
}

} // namespace
} // namespace moecut

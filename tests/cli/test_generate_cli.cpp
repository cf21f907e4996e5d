// moecut generate and moecut score, end to end on make-tiny checkpoints: with
// token ids only, with a tokenizer (copied from tests/data/tokenizers, its
// vocabulary fits the tiny model's 512) and a chat template, and bad input.
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace moecut {
namespace {

using nlohmann::json;
using test::run_moecut;

bool have_engine() {
    static const bool have = run_moecut({"generate", "--help"}).exit_code == 0;
    return have;
}

// A tiny Qwen3-MoE checkpoint, optionally with a byte-level tokenizer (501 ids).
std::filesystem::path tiny(const test::TempDir& tmp, bool tokenizer) {
    const auto dir = tmp / "m";
    const auto r = run_moecut({"make-tiny", "--family", "qwen3_moe", "--out", dir.string(), "--seed", "4"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (tokenizer)
        std::filesystem::copy_file(test::test_data_dir() / "tokenizers" / "whitespace_bytelevel" / "tokenizer.json",
                                   dir / "tokenizer.json");
    return dir;
}

std::size_t lines_of(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

TEST(GenerateCli, TokenIdsWithoutATokenizer) {
    if (!have_engine()) GTEST_SKIP() << "built without the LibTorch engine";
    test::TempDir tmp;
    const auto dir = tiny(tmp, false);
    const std::vector<std::string> args = {"generate", "--model", dir.string(), "--prompt-tokens", "5,6, 7",
                                           "--max-new-tokens", "6", "--json"};
    auto r = run_moecut(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json out = json::parse(r.out);
    EXPECT_EQ(out.at("prompt_ids").get<std::vector<int>>(), (std::vector<int>{5, 6, 7}));
    const auto gen = out.at("generated_ids").get<std::vector<int>>();
    ASSERT_FALSE(gen.empty());
    EXPECT_LE(gen.size(), 6u);
    for (int id : gen) {
        EXPECT_TRUE(id >= 0 && id < 512);
    }
    EXPECT_TRUE(out.at("text").is_null());
    const std::string stop = out.at("stop_reason");
    // The checkpoint's EOS is 2 (generation_config.json).
    EXPECT_EQ(stop, gen.back() == 2 ? "eos" : "max_tokens");
    if (stop == "max_tokens") {
        EXPECT_EQ(gen.size(), 6u);
    }
    // Greedy is deterministic; so is a seeded temperature.
    EXPECT_EQ(json::parse(run_moecut(args).out).at("generated_ids"), out.at("generated_ids"));
    auto hot = args;
    hot.insert(hot.end(), {"--temperature", "1.5", "--seed", "3"});
    const auto h1 = run_moecut(hot), h2 = run_moecut(hot);
    ASSERT_EQ(h1.exit_code, 0) << h1.err;
    EXPECT_EQ(json::parse(h1.out).at("generated_ids"), json::parse(h2.out).at("generated_ids"));
    // Plain output: the ids on one line.
    r = run_moecut({"generate", "--model", dir.string(), "--prompt-tokens", "5 6 7", "--max-new-tokens", "3"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(lines_of(r.out), 1u);
}

TEST(GenerateCli, TextAndChatWithATokenizer) {
    if (!have_engine()) GTEST_SKIP() << "built without the LibTorch engine";
    test::TempDir tmp;
    const auto dir = tiny(tmp, true);
    auto r = run_moecut({"generate", "--model", dir.string(), "--prompt", "hello world", "--max-new-tokens", "4",
                         "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json out = json::parse(r.out);
    const auto tok = run_moecut({"tokenize", "--model", dir.string(), "--json", "hello world"});
    ASSERT_EQ(tok.exit_code, 0) << tok.err;
    EXPECT_EQ(out.at("prompt_ids"), json::parse(tok.out).at("ids"));
    EXPECT_TRUE(out.at("text").is_string());

    test::write_text(dir / "tokenizer_config.json",
                     R"({"chat_template": "{% for m in messages %}<|x|> {{ m['role'] }}: {{ m['content'] }}\n)"
                     R"({% endfor %}{% if add_generation_prompt %}<|x|> assistant:{% endif %}"})");
    r = run_moecut({"generate", "--model", dir.string(), "--prompt", "hi", "--chat", "--max-new-tokens", "2", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    out = json::parse(r.out);
    const std::string rendered = "<|x|> user: hi\n<|x|> assistant:";
    EXPECT_EQ(out.at("prompt_text"), rendered);
    const auto tok2 = run_moecut({"tokenize", "--model", dir.string(), "--json", "--no-special-tokens", rendered});
    EXPECT_EQ(out.at("prompt_ids"), json::parse(tok2.out).at("ids"));
    EXPECT_EQ(out.at("prompt_ids").at(0), 500);  // the added token <|x|> (single_word: a space follows it)
}

TEST(GenerateCli, BadInputIsExitTwoWithOneLine) {
    if (!have_engine()) GTEST_SKIP() << "built without the LibTorch engine";
    test::TempDir tmp;
    const auto dir = tiny(tmp, false);
    auto r = run_moecut({"generate", "--model", dir.string(), "--prompt", "hello"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(dir.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("tokenizer.json"), std::string::npos) << r.err;
    for (const auto& ids : {"5,x", "600", ""}) {
        r = run_moecut({"generate", "--model", dir.string(), "--prompt-tokens", ids});
        EXPECT_EQ(r.exit_code, 2) << ids;
        EXPECT_EQ(lines_of(r.err), 1u) << r.err;
    }
    r = run_moecut({"generate", "--model", dir.string(), "--prompt-tokens", "5", "--chat"});
    EXPECT_EQ(r.exit_code, 2);
}

// The full samplers: seeded sampling is reproducible, the flags reach the
// sampler (recorded in --json), penalties change greedy output, bad values are
// one line naming the flag.
TEST(GenerateCli, SamplerFlags) {
    if (!have_engine()) GTEST_SKIP() << "built without the LibTorch engine";
    test::TempDir tmp;
    const auto dir = tiny(tmp, false);
    const std::vector<std::string> base = {"generate", "--model", dir.string(), "--prompt-tokens", "5,6,7,5,6,7",
                                           "--max-new-tokens", "12", "--json"};
    auto with = [&](std::vector<std::string> extra) {
        auto a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return run_moecut(a);
    };
    const std::vector<std::string> hot = {"--temperature", "1", "--top-k", "50", "--top-p", "0.95", "--min-p",
                                          "0.01", "--rep-pen", "1.1", "--frequency-penalty", "0.3",
                                          "--sampler-semantics", "llamacpp", "--penalty-last-n", "8", "--seed", "77"};
    const auto a = with(hot), b = with(hot);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    const json ja = json::parse(a.out);
    EXPECT_EQ(ja.at("generated_ids"), json::parse(b.out).at("generated_ids"));
    EXPECT_EQ(ja.at("sampler").at("semantics"), "llamacpp");
    EXPECT_EQ(ja.at("sampler").at("top_k"), 50);
    EXPECT_EQ(ja.at("sampler").at("penalty_last_n"), 8);
    EXPECT_EQ(ja.at("seed"), 77);
    // Sampling over 12 tokens: different seeds give some different sequence.
    bool differs = false;
    for (const char* seed : {"78", "79", "80"}) {
        auto other = hot;
        other.back() = seed;
        const auto r = with(other);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        differs |= json::parse(r.out).at("generated_ids") != ja.at("generated_ids");
    }
    EXPECT_TRUE(differs);
    // Default stays greedy; a huge presence + repetition penalty forbids repeats.
    const auto greedy = json::parse(with({}).out);
    EXPECT_EQ(greedy.at("sampler").at("temperature"), 0.0);
    const auto pen = with({"--rep-pen", "1000000", "--presence-penalty", "2"});
    ASSERT_EQ(pen.exit_code, 0) << pen.err;
    auto ids = json::parse(pen.out).at("generated_ids").get<std::vector<int>>();
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
    for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
             {"--top-p", "1.5"}, {"--min-p", "-0.1"}, {"--temperature", "-1"}, {"--top-k", "-3"},
             {"--rep-pen", "0"}, {"--presence-penalty", "3"}, {"--penalty-last-n", "-2"},
             {"--sampler-semantics", "sglang"}}) {
        const auto r = with({flag, value});
        EXPECT_EQ(r.exit_code, 2) << flag;
        EXPECT_EQ(lines_of(r.err), 1u) << r.err;
        EXPECT_NE(r.err.find(flag), std::string::npos) << r.err;
    }
    const auto hf = with({"--sampler-semantics", "hf", "--frequency-penalty", "0.5"});
    EXPECT_EQ(hf.exit_code, 2);
    EXPECT_NE(hf.err.find("--frequency-penalty"), std::string::npos) << hf.err;
}

TEST(ScoreCli, LogProbsAndPerplexityPerLineAndTag) {
    if (!have_engine()) GTEST_SKIP() << "built without the LibTorch engine";
    test::TempDir tmp;
    const auto dir = tiny(tmp, true);
    const auto data = tmp / "data.jsonl";
    test::write_text(data, "{\"tokens\": [5, 9, 11, 300, 7], \"source\": \"code\"}\n"
                           "\n"
                           "{\"text\": \"the quick brown fox\", \"domain\": \"prose\"}\n"
                           "{\"tokens\": [1, 2, 3], \"source\": \"code\"}\n");
    auto r = run_moecut({"score", "--model", dir.string(), "--data", data.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json out = json::parse(r.out);
    ASSERT_EQ(out.at("lines").size(), 3u);
    EXPECT_EQ(out.at("lines")[1].at("line"), 3);
    std::int64_t scored = 0;
    double nll = 0;
    for (const auto& l : out.at("lines")) {
        const auto lp = l.at("logprobs").get<std::vector<double>>();
        EXPECT_EQ(static_cast<std::int64_t>(lp.size()), l.at("tokens").get<std::int64_t>() - 1);
        double s = 0;
        for (double v : lp) {
            EXPECT_LE(v, 0.0);
            EXPECT_GT(v, -50.0);
            s -= v;
        }
        EXPECT_NEAR(l.at("mean_nll").get<double>(), s / static_cast<double>(lp.size()), 1e-9);
        EXPECT_NEAR(l.at("perplexity").get<double>(), std::exp(l.at("mean_nll").get<double>()), 1e-6);
        scored += static_cast<std::int64_t>(lp.size());
        nll += s;
    }
    EXPECT_EQ(out.at("overall").at("scored_tokens"), scored);
    EXPECT_NEAR(out.at("overall").at("mean_nll").get<double>(), nll / static_cast<double>(scored), 1e-9);
    EXPECT_EQ(out.at("by_tag").at("code").at("lines"), 2);
    EXPECT_EQ(out.at("by_tag").at("code").at("scored_tokens"), 4 + 2);
    EXPECT_EQ(out.at("by_tag").at("prose").at("lines"), 1);
    // A random 512-token model is near uniform: perplexity in the hundreds.
    EXPECT_GT(out.at("overall").at("perplexity").get<double>(), 50.0);

    r = run_moecut({"score", "--model", dir.string(), "--data", data.string(), "--json", "--max-tokens", "3"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out).at("lines")[0].at("tokens"), 3);
    // The first two log-probs do not depend on what comes after them.
    const auto a = out.at("lines")[0].at("logprobs"), b = json::parse(r.out).at("lines")[0].at("logprobs");
    EXPECT_NEAR(a[1].get<double>(), b[1].get<double>(), 1e-4);

    r = run_moecut({"score", "--model", dir.string(), "--data", data.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("overall"), std::string::npos);
    EXPECT_NE(r.out.find("tag code"), std::string::npos);
}

// The probe-set format ("prompt", "source") on the shipped demo model: a
// trained model predicts held-out code far better than uniform over its vocabulary.
TEST(ScoreCli, ProbeLinesOnTheShippedModel) {
    if (!have_engine()) GTEST_SKIP() << "built without the LibTorch engine";
    const auto model = std::filesystem::path(MOECUT_SOURCE_DIR) / "resources" / "models" / "tiny-glm5-moe";
    test::TempDir tmp;
    const auto data = tmp / "probes.jsonl";
    test::write_text(data, "{\"id\": \"a\", \"prompt\": \"def main():\\n    return 0\\n\", \"source\": \"python\"}\n"
                           "{\"id\": \"b\", \"prompt\": \"for f in *.txt; do\\n  echo \\\"$f\\\"\\ndone\", "
                           "\"source\": \"shell\"}\n");
    const auto r = run_moecut({"score", "--model", model.string(), "--data", data.string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json out = json::parse(r.out);
    EXPECT_EQ(out.at("by_tag").at("python").at("lines"), 1);
    EXPECT_EQ(out.at("by_tag").at("shell").at("lines"), 1);
    const double vocab = json::parse(test::read_text(model / "config.json")).at("vocab_size").get<double>();
    EXPECT_LT(out.at("overall").at("perplexity").get<double>(), vocab / 4);
    EXPECT_GT(out.at("overall").at("perplexity").get<double>(), 1.0);
}

TEST(ScoreCli, BadDataNamesFileAndLine) {
    if (!have_engine()) GTEST_SKIP() << "built without the LibTorch engine";
    test::TempDir tmp;
    const auto dir = tiny(tmp, false);
    const auto data = tmp / "bad.jsonl";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{\"tokens\": [1, 2]}\n{oops\n", ":2: not valid JSON"},
        {"[1, 2]\n", ":1: not a JSON object"},
        {"{\"tokens\": [1, 2], \"text\": \"a\"}\n", ":1: needs exactly one"},
        {"{\"tokens\": [1, 2], \"prompt\": \"a\"}\n", ":1: needs exactly one"},
        {"{\"tokens\": [1, 9999]}\n", ":1: token id 9999 outside"},
        {"{\"tokens\": [1, \"a\"]}\n", ":1: \"tokens\" must be"},
        {"{\"tokens\": [1]}\n", ":1: fewer than 2 tokens"},
        {"{\"tokens\": [1, 2], \"source\": 3}\n", ":1: \"source\" must be a string"},
    };
    for (const auto& [text, problem] : cases) {
        test::write_text(data, text);
        const auto r = run_moecut({"score", "--model", dir.string(), "--data", data.string()});
        EXPECT_EQ(r.exit_code, 2) << text;
        EXPECT_EQ(lines_of(r.err), 1u) << r.err;
        EXPECT_NE(r.err.find(data.string() + problem), std::string::npos) << r.err;
    }
    test::write_text(data, "{\"text\": \"no tokenizer here\"}\n");
    const auto r = run_moecut({"score", "--model", dir.string(), "--data", data.string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(lines_of(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(dir.string() + ": no tokenizer.json"), std::string::npos) << r.err;
}

} // namespace
} // namespace moecut

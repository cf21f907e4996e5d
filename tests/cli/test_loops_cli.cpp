// End-to-end: the real moecut binary's `loops detect` on JSONL files.
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace moecut::test {
namespace {

std::string line(const nlohmann::json& j) { return j.dump() + "\n"; }

std::vector<nlohmann::json> run_json_lines(const std::vector<std::string>& args) {
    const CliResult r = run_moecut(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    std::vector<nlohmann::json> out;
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);) out.push_back(nlohmann::json::parse(l));
    return out;
}

std::vector<int> cycle_tokens(int prefix, int period, int copies) {
    std::vector<int> t;
    for (int i = 0; i < prefix; ++i) t.push_back(1000 + i);
    for (int c = 0; c < copies; ++c)
        for (int i = 0; i < period; ++i) t.push_back(50 + i);
    return t;
}

TEST(LoopsCli, OutcomesPeriodStartAndIds) {
    TempDir dir;
    std::vector<int> counting;
    for (int i = 0; i < 300; ++i) counting.push_back(i);
    write_text(dir / "gen.jsonl",
               line({{"id", "looped"}, {"tokens", cycle_tokens(20, 7, 30)}, {"finished_with_eos", false}, {"cap", 230}}) +
                   line({{"id", 2}, {"tokens", counting}, {"cap", 300}}) +
                   line({{"tokens", counting}, {"eos", true}}) + "\n" +
                   line({{"id", "late-eos"}, {"tokens", cycle_tokens(5, 2, 60)}, {"eos", true}}) +
                   line({{"id", "cut"}, {"tokens", counting}, {"eos", false}, {"cap", 1000}}));
    const auto out = run_json_lines({"loops", "detect", (dir / "gen.jsonl").string(), "--json"});
    ASSERT_EQ(out.size(), 5u);
    EXPECT_EQ(out[0]["id"], "looped");
    EXPECT_EQ(out[0]["outcome"], "loop");
    EXPECT_EQ(out[0]["kind"], "cycle");
    EXPECT_EQ(out[0]["period"], 7);
    EXPECT_EQ(out[0]["start"], 20);
    EXPECT_EQ(out[0]["tokens"], 230);
    EXPECT_EQ(out[1]["id"], 2);
    EXPECT_EQ(out[1]["outcome"], "runaway");
    EXPECT_FALSE(out[1].contains("period"));
    EXPECT_FALSE(out[2].contains("id"));
    EXPECT_EQ(out[2]["outcome"], "eos");
    EXPECT_EQ(out[3]["outcome"], "loop");  // EOS after a detected loop: still a loop
    EXPECT_EQ(out[3]["period"], 2);
    EXPECT_EQ(out[3]["start"], 5);
    EXPECT_EQ(out[4]["outcome"], "error");  // stopped below the cap, no EOS, no loop
}

TEST(LoopsCli, TextWithTheModelTokenizerAndThinkMarkers) {
    TempDir dir;
    std::string loop;
    for (int i = 0; i < 60; ++i) loop += "I am sorry. ";
    write_text(dir / "text.jsonl", line({{"id", "t1"}, {"text", "<think>a plan</think>An answer.</think>again"}}) +
                                       line({{"id", "t2"}, {"text", "Fine. " + loop}}) +
                                       line({{"id", "t3"}, {"text", "A short and finished answer."}}));
    const std::string model = (source_dir() / "resources/models/tiny-glm5-moe").string();
    const auto out = run_json_lines({"loops", "detect", (dir / "text.jsonl").string(), "--json", "--model", model});
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0]["kind"], "think_restart");
    EXPECT_EQ(out[1]["kind"], "cycle");
    EXPECT_EQ(out[2]["outcome"], "eos");
    const auto same = run_json_lines({"loops", "detect", (dir / "text.jsonl").string(), "--json", "--tokenizer",
                                      model + "/tokenizer.json"});
    EXPECT_EQ(same, out);
}

TEST(LoopsCli, HumanTableAndSummary) {
    TempDir dir;
    write_text(dir / "gen.jsonl", line({{"id", "x"}, {"tokens", cycle_tokens(3, 4, 40)}}) +
                                      line({{"id", "y"}, {"tokens", std::vector<int>{1, 2, 3}}}));
    const CliResult r = run_moecut({"loops", "detect", (dir / "gen.jsonl").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("outcome"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("cycle"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2 lines: eos 1, loop 1, runaway 0, timeout 0, error 0"), std::string::npos) << r.out;
}

TEST(LoopsCli, BadLinesNameFileAndLine) {
    TempDir dir;
    const std::string ok = line({{"tokens", std::vector<int>{1, 2}}});
    const std::vector<std::pair<std::string, std::string>> cases = {
        {ok + "{not json\n", ":2: not valid JSON"},
        {ok + ok + "[1, 2]\n", ":3: not a JSON object"},
        {line({{"tokens", std::vector<double>{1.5}}}), ":1: \"tokens\" holds a non-integer"},
        {line({{"id", 1}}), ":1: neither \"tokens\" nor \"text\""},
        {line({{"text", "hi"}}), ":1: \"text\" needs --model or --tokenizer"},
        {line({{"tokens", std::vector<int>{1}}, {"eos", "yes"}}), ":1: \"eos\" is not a boolean"},
        {line({{"tokens", std::vector<int>{1}}, {"cap", 0}}), ":1: \"cap\" is not a positive integer"},
    };
    for (const auto& [content, mention] : cases) {
        write_text(dir / "bad.jsonl", content);
        const CliResult r = run_moecut({"loops", "detect", (dir / "bad.jsonl").string(), "--json"});
        EXPECT_EQ(r.exit_code, 2) << content << r.err;
        EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
        EXPECT_NE(r.err.find("bad.jsonl" + mention), std::string::npos) << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
    const CliResult missing = run_moecut({"loops", "detect", (dir / "none.jsonl").string()});
    EXPECT_EQ(missing.exit_code, 2);
}

} // namespace
} // namespace moecut::test

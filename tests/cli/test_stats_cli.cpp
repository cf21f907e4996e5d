// End-to-end: the real moecut binary's `stats` subcommands, JSON parsed back.
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

namespace moecut::test {
namespace {

nlohmann::json run_json(const std::vector<std::string>& args) {
    const CliResult r = run_moecut(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    return nlohmann::json::parse(r.out);
}

// Bad input: exit code 2 and exactly one line on stderr naming the flag.
void expect_bad_input(const std::vector<std::string>& args, const std::string& mention) {
    const CliResult r = run_moecut(args);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "more than one line: " << r.err;
    EXPECT_NE(r.err.find(mention), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

bool close(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)) + 1e-15; }

TEST(StatsCli, CiSeedReportFigures) {
    const auto j = run_json({"stats", "ci", "--successes", "72", "--n", "2000", "--json"});
    EXPECT_EQ(j["method"], "exact");
    EXPECT_DOUBLE_EQ(j["rate"].get<double>(), 0.036);
    // statsmodels proportion_confint(72, 2000, method="beta").
    EXPECT_TRUE(close(j["lower"].get<double>(), 0.028272282305312472)) << j.dump();
    EXPECT_TRUE(close(j["upper"].get<double>(), 0.045123210435492875)) << j.dump();
    const auto w = run_json({"stats", "ci", "--successes", "144", "--n", "2000", "--method", "wilson", "--json"});
    EXPECT_EQ(w["method"], "wilson");
    EXPECT_TRUE(close(w["lower"].get<double>(), 0.061473133317261355)) << w.dump();
    EXPECT_TRUE(close(w["upper"].get<double>(), 0.08416785915549115)) << w.dump();
}

TEST(StatsCli, CiMatchesFixtureCases) {
    std::ifstream in(test_data_dir() / "stats" / "expected.json");
    ASSERT_TRUE(in.good());
    const auto data = nlohmann::json::parse(in);
    int checked = 0;
    for (const auto& c : data["ci"]) {
        const std::uint64_t n = c["n"];
        if (c["confidence"] != 0.9 || (n != 10 && n != 2000)) continue;  // a handful of process runs
        const auto j = run_json({"stats", "ci", "--successes", std::to_string(c["k"].get<std::uint64_t>()), "--n",
                                 std::to_string(n), "--method", c["method"].get<std::string>(), "--confidence", "0.9",
                                 "--json"});
        EXPECT_TRUE(close(j["lower"].get<double>(), c["lower"].get<double>())) << c.dump() << j.dump();
        EXPECT_TRUE(close(j["upper"].get<double>(), c["upper"].get<double>())) << c.dump() << j.dump();
        ++checked;
    }
    EXPECT_GE(checked, 8);
}

TEST(StatsCli, CiHumanReadable) {
    const CliResult r = run_moecut({"stats", "ci", "--successes", "0", "--n", "50"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("0/50 = 0.000%"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Clopper-Pearson"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0.000% to 7.112%"), std::string::npos) << r.out;  // 1 - 0.025^(1/50)
}

TEST(StatsCli, CompareZTest) {
    const auto j = run_json({"stats", "compare", "--a", "72/2000", "--b", "144/2000", "--json"});
    EXPECT_DOUBLE_EQ(j["rate_a"].get<double>(), 0.036);
    EXPECT_DOUBLE_EQ(j["rate_b"].get<double>(), 0.072);
    EXPECT_TRUE(close(j["diff"].get<double>(), 0.036));
    // statsmodels proportions_ztest([144, 72], [2000, 2000]).
    EXPECT_TRUE(close(j["z"].get<double>(), 5.036862005093146)) << j.dump();
    EXPECT_TRUE(close(j["p"].get<double>(), 4.7322568416948205e-07)) << j.dump();
    EXPECT_LT(j["diff_lower"].get<double>(), 0.036);
    EXPECT_GT(j["diff_lower"].get<double>(), 0.0);
    const auto swapped = run_json({"stats", "compare", "--a", "144/2000", "--b", "72/2000", "--json"});
    EXPECT_DOUBLE_EQ(swapped["z"].get<double>(), -j["z"].get<double>());
}

TEST(StatsCli, CompareFisher) {
    const auto j = run_json({"stats", "compare", "--a", "1/4", "--b", "3/4", "--test", "fisher", "--json"});
    EXPECT_EQ(j["test"], "fisher");
    // [[1,3],[3,1]]: pmf over the first cell is {1,16,36,16,1}/70; p = 34/70.
    EXPECT_TRUE(close(j["p"].get<double>(), 34.0 / 70.0)) << j.dump();
    EXPECT_FALSE(j.contains("z"));
    const CliResult human = run_moecut({"stats", "compare", "--a", "1/4", "--b", "3/4", "--test", "fisher"});
    EXPECT_EQ(human.exit_code, 0);
    EXPECT_NE(human.out.find("Fisher's exact test"), std::string::npos) << human.out;
}

TEST(StatsCli, Power) {
    const auto j = run_json({"stats", "power", "--p1", "0.036", "--p2", "0.072", "--json"});
    EXPECT_EQ(j["n_per_arm"].get<int>(), 618);
    const auto j90 = run_json({"stats", "power", "--p1", "0.036", "--p2", "0.072", "--power", "0.9", "--json"});
    EXPECT_EQ(j90["n_per_arm"].get<int>(), 827);  // statsmodels 826.26, rounded up
    const auto at = run_json({"stats", "power", "--p1", "0.036", "--p2", "0.072", "--n", "618", "--json"});
    // statsmodels power_proportions_2indep(0.036, 0.036, 618).
    EXPECT_TRUE(close(at["power"].get<double>(), 0.8002724308007918)) << at.dump();
    const CliResult human = run_moecut({"stats", "power", "--p1", "0.036", "--p2", "0.072"});
    EXPECT_EQ(human.exit_code, 0);
    EXPECT_NE(human.out.find("n per arm: 618"), std::string::npos) << human.out;
}

TEST(StatsCli, BadInputExitsTwoWithOneLine) {
    expect_bad_input({"stats", "ci", "--successes", "5", "--n", "3"}, "--successes");
    expect_bad_input({"stats", "ci", "--successes", "0", "--n", "0"}, "--n");
    expect_bad_input({"stats", "ci", "--successes", "x", "--n", "3"}, "--successes");
    expect_bad_input({"stats", "ci", "--successes", "1", "--n", "3", "--method", "wald"}, "--method");
    expect_bad_input({"stats", "ci", "--successes", "1", "--n", "3", "--confidence", "1"}, "--confidence");
    expect_bad_input({"stats", "compare", "--a", "72-2000", "--b", "1/2"}, "--a");
    expect_bad_input({"stats", "compare", "--a", "7/2", "--b", "1/2"}, "--a");
    expect_bad_input({"stats", "compare", "--a", "1/2", "--b", "1/2/3"}, "--b");
    expect_bad_input({"stats", "compare", "--a", "1/2", "--b", "/2"}, "--b");
    expect_bad_input({"stats", "compare", "--a", "1/2", "--b", "1/0"}, "--b");
    expect_bad_input({"stats", "compare", "--a", "1/2", "--b", "1/2", "--test", "t"}, "--test");
    expect_bad_input({"stats", "power", "--p1", "0.1", "--p2", "0.1"}, "--p2");
    expect_bad_input({"stats", "power", "--p1", "1.5", "--p2", "0.1"}, "--p1");
    expect_bad_input({"stats", "power", "--p1", "0.1", "--p2", "0.2", "--power", "abc"}, "--power");
    expect_bad_input({"stats", "power", "--p1", "0.1", "--p2", "0.2", "--n", "0"}, "--n");
}

} // namespace
} // namespace moecut::test

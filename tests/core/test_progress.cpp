// ProgressReporter: JSON lines and the bar, written to a temporary file.
#include "moecut/progress.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace moecut {
namespace {

std::string contents(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    return out;
}

TEST(Progress, JsonLines) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    {
        ProgressReporter p("prune", 1000, ProgressReporter::Mode::JsonLines, f);
        for (int i = 1; i <= 1000; ++i) p.update(static_cast<std::uint64_t>(i));
        p.finish();
    }
    std::istringstream in(contents(f));
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    std::fclose(f);
    // The first update and the final one, and nothing repeated (throttled).
    ASSERT_GE(lines.size(), 2u);
    EXPECT_LT(lines.size(), 20u);
    EXPECT_EQ(lines.front(), (nlohmann::json{{"event", "progress"}, {"step", "prune"}, {"done", 1}, {"total", 1000}}));
    EXPECT_EQ(lines.back().at("done"), 1000);
    EXPECT_EQ(lines.back().at("total"), 1000);
    EXPECT_NE(lines[lines.size() - 2].at("done"), 1000);  // finish() does not repeat the final line
}

TEST(Progress, BarAndAuto) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    {
        ProgressReporter p("prune", 4, ProgressReporter::Mode::Bar, f);
        p.update(2);
        p.finish();
    }
    const std::string s = contents(f);
    EXPECT_NE(s.find("\rprune ["), std::string::npos) << s;
    EXPECT_NE(s.find("100%"), std::string::npos) << s;
    EXPECT_EQ(s.back(), '\n');
    // A file is not a terminal: Auto picks JSON lines.
    ProgressReporter q("x", 1, ProgressReporter::Mode::Auto, f);
    EXPECT_EQ(q.mode(), ProgressReporter::Mode::JsonLines);
    std::fclose(f);
}

} // namespace
} // namespace moecut

// Shared by the test_stats_*.cpp files: the scipy/statsmodels reference values
// in tests/data/stats/expected.json (made by scripts/make_stats_fixtures.py)
// and the comparison they are held to.
#pragma once

#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

namespace moecut::test {

inline const nlohmann::json& stats_expected() {
    static const nlohmann::json data = [] {
        std::ifstream in(test_data_dir() / "stats" / "expected.json");
        if (!in) throw std::runtime_error("cannot open tests/data/stats/expected.json");
        return nlohmann::json::parse(in);
    }();
    return data;
}

// 1e-9 relative, plus 1e-15 absolute for references that are 0 in exact
// arithmetic but come out of the reference formula as +-1e-18 (a Wilson lower
// bound at k = 0). Far tighter than any statistic is reported with, and well
// above the ~1e-11 that lgamma-based terms can lose at n = 10^4.
inline ::testing::AssertionResult close_to(double actual, double expected, double rel = 1e-9) {
    const double tol = rel * std::max(std::fabs(actual), std::fabs(expected)) + 1e-15;
    if (std::fabs(actual - expected) <= tol) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "actual " << actual << " vs expected " << expected << " (diff "
                                         << actual - expected << ", tolerance " << tol << ")";
}

} // namespace moecut::test

// Expert order within one row, as moecut's make_plan ranks: higher is
// stronger, ties go to the lower expert id.
#pragma once

#include <algorithm>
#include <numeric>
#include <vector>

namespace saliency {

// Expert ids, strongest first.
template <typename T>
std::vector<int> rankingOf(const T* values, int n)
{
    std::vector<int> ids(static_cast<std::size_t>(n));
    std::iota(ids.begin(), ids.end(), 0);
    std::stable_sort(ids.begin(), ids.end(), [values](int a, int b) { return values[a] > values[b]; });
    return ids;
}

// rank[expert] = position in rankingOf (0 = strongest).
inline std::vector<int> ranksOf(const std::vector<int>& ranking)
{
    std::vector<int> rank(ranking.size());
    for (std::size_t i = 0; i < ranking.size(); ++i)
        rank[static_cast<std::size_t>(ranking[i])] = static_cast<int>(i);
    return rank;
}

} // namespace saliency

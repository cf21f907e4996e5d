// Item roles shared by the results models (leaderboard, per source, sweep,
// comparison): the unformatted value behind each cell, for plots and exports.
#pragma once

#include <Qt>

namespace ResultsRoles {
enum Role {
    // The cell's value unformatted: rates as fractions (0.036), counts as
    // qint64, p-values as double, labels as QString. Invalid where the display
    // shows "–" (e.g. the baseline row's p-value).
    RawRole = Qt::UserRole + 1,
    // true on the row that is the baseline of the comparisons.
    BaselineRole,
};
}

// The experiment store's schema, as the migrations that build it: step i
// takes a file from user_version i to i + 1, inside one transaction.
#pragma once

#include <cstdint>
#include <vector>

namespace moecut::store_schema {

// PRAGMA application_id of a store: "MoEC".
inline constexpr std::int32_t kApplicationId = 0x4D6F4543;

struct Migration {
    int to_version;
    const char* sql;
};

const std::vector<Migration>& migrations();

} // namespace moecut::store_schema

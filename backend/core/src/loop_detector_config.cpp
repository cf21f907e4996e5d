// LoopDetectorConfig: validation and JSON for run records (loop_detector.h).
#include "moecut/loop_detector.h"

#include "moecut/error.h"

#include <cmath>
#include <string>

namespace moecut {

namespace {

void require(bool ok, const char* field, const char* rule) {
    if (!ok) throw InputError(std::string("loop detector config: ") + field + " " + rule);
}

template <class T>
void read(const nlohmann::json& j, const char* key, T& out) {
    const auto it = j.find(key);
    if (it == j.end()) return;
    try {
        out = it->get<T>();
    } catch (const nlohmann::json::exception&) {
        throw InputError(std::string("loop detector config: ") + key + " has the wrong type (" + it->type_name() + ")");
    }
}

constexpr const char* kKeys[] = {"min_period",      "max_period", "min_count",     "min_tokens",    "long_cycles",
                                 "long_min_count",  "anchor",     "near_duplicates", "window",      "max_distinct4",
                                 "think_end_ids",   "think_start_ids"};

} // namespace

void LoopDetectorConfig::validate() const {
    require(min_period >= 1, "min_period", "must be at least 1");
    require(max_period >= min_period, "max_period", "must be at least min_period");
    require(min_count >= 2, "min_count", "must be at least 2");
    require(min_tokens >= 0, "min_tokens", "must not be negative");
    require(long_min_count >= 2, "long_min_count", "must be at least 2");
    require(anchor >= 1 && anchor <= 32, "anchor", "must be in 1..32");
    require(window >= 8, "window", "must be at least 8");
    require(std::isfinite(max_distinct4) && max_distinct4 >= 0 && max_distinct4 <= 1, "max_distinct4",
            "must be in [0, 1]");
}

void to_json(nlohmann::json& j, const LoopDetectorConfig& c) {
    j = nlohmann::json{{"min_period", c.min_period},
                       {"max_period", c.max_period},
                       {"min_count", c.min_count},
                       {"min_tokens", c.min_tokens},
                       {"long_cycles", c.long_cycles},
                       {"long_min_count", c.long_min_count},
                       {"anchor", c.anchor},
                       {"near_duplicates", c.near_duplicates},
                       {"window", c.window},
                       {"max_distinct4", c.max_distinct4},
                       {"think_end_ids", c.think_end_ids},
                       {"think_start_ids", c.think_start_ids}};
}

void from_json(const nlohmann::json& j, LoopDetectorConfig& c) {
    if (!j.is_object()) throw InputError("loop detector config: expected a JSON object");
    for (const auto& [key, value] : j.items()) {
        bool known = false;
        for (const char* k : kKeys) known = known || key == k;
        if (!known) throw InputError("loop detector config: unknown key '" + key + "'");
    }
    read(j, "min_period", c.min_period);
    read(j, "max_period", c.max_period);
    read(j, "min_count", c.min_count);
    read(j, "min_tokens", c.min_tokens);
    read(j, "long_cycles", c.long_cycles);
    read(j, "long_min_count", c.long_min_count);
    read(j, "anchor", c.anchor);
    read(j, "near_duplicates", c.near_duplicates);
    read(j, "window", c.window);
    read(j, "max_distinct4", c.max_distinct4);
    read(j, "think_end_ids", c.think_end_ids);
    read(j, "think_start_ids", c.think_start_ids);
    c.validate();
}

} // namespace moecut

// Conversion between nlohmann JSON and Jinja values, and Python's json.dumps.
#pragma once

#include "jinja_value.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace moecut::jinja {

// Objects keep their key order (ordered_json); null becomes None.
Value from_json(const nlohmann::ordered_json& j);

struct DumpOptions {
    bool ensure_ascii = false;             // transformers' tojson default
    std::optional<std::string> indent;     // None: one line
    std::string item_separator = ", ";     // json.dumps defaults: ", " and ": ",
    std::string key_separator = ": ";      // or "," and ": " when indenting
    bool sort_keys = false;
};

// json.dumps(value, ...) as transformers' tojson filter calls it.
std::string dumps(const Value& v, const DumpOptions& opt);

} // namespace moecut::jinja

// Typed access to config.json fields, with errors that name the field.
#include "arch_fields.h"

#include "moecut/error.h"

#include <fmt/core.h>

#include <cmath>
#include <limits>

namespace moecut::detail {

using nlohmann::json;

void ConfigFields::fail(std::string_view problem) const { throw_input(path_, problem); }

const json* ConfigFields::get(std::string_view key) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
}

const json* ConfigFields::first_of(std::initializer_list<std::string_view> keys, std::string* which) const {
    for (std::string_view k : keys) {
        if (const json* v = get(k)) {
            if (which) *which = std::string(k);
            return v;
        }
    }
    return nullptr;
}

std::int64_t ConfigFields::as_int(const json& v, std::string_view key, std::int64_t min) const {
    std::int64_t out = 0;
    if (v.is_number_integer()) {
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxInt))
            fail(fmt::format("field '{}' is too large", key));
        out = v.get<std::int64_t>();
    } else if (v.is_number_float()) {
        double d = v.get<double>();
        if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > static_cast<double>(kMaxInt))
            fail(fmt::format("field '{}' must be an integer, got {}", key, v.dump()));
        out = static_cast<std::int64_t>(d);
    } else {
        fail(fmt::format("field '{}' must be an integer, got {}", key, v.dump()));
    }
    if (out < min) fail(fmt::format("field '{}' is {}, must be at least {}", key, out, min));
    if (out > kMaxInt) fail(fmt::format("field '{}' is too large ({})", key, out));
    return out;
}

double ConfigFields::as_num(const json& v, std::string_view key) const {
    if (!v.is_number()) fail(fmt::format("field '{}' must be a number, got {}", key, v.dump()));
    double d = v.get<double>();
    if (!std::isfinite(d)) fail(fmt::format("field '{}' must be finite", key));
    return d;
}

std::int64_t ConfigFields::int_req(std::string_view key, std::int64_t min) const {
    const json* v = get(key);
    if (!v) fail(fmt::format("missing required field '{}'", key));
    return as_int(*v, key, min);
}

std::int64_t ConfigFields::int_req_any(std::initializer_list<std::string_view> keys, std::string* which,
                                       std::int64_t min) const {
    std::string found;
    const json* v = first_of(keys, &found);
    if (!v) fail(fmt::format("missing required field '{}'", *keys.begin()));
    if (which) *which = found;
    return as_int(*v, found, min);
}

std::int64_t ConfigFields::int_opt(std::string_view key, std::int64_t def, std::int64_t min) const {
    const json* v = get(key);
    return v ? as_int(*v, key, min) : def;
}

double ConfigFields::num_opt(std::string_view key, double def) const {
    const json* v = get(key);
    return v ? as_num(*v, key) : def;
}

bool ConfigFields::bool_opt(std::string_view key, bool def) const {
    const json* v = get(key);
    if (!v) return def;
    if (!v->is_boolean()) fail(fmt::format("field '{}' must be true or false, got {}", key, v->dump()));
    return v->get<bool>();
}

std::string ConfigFields::str_opt(std::string_view key, const std::string& def) const {
    const json* v = get(key);
    if (!v) return def;
    if (!v->is_string()) fail(fmt::format("field '{}' must be a string, got {}", key, v->dump()));
    return v->get<std::string>();
}

} // namespace moecut::detail

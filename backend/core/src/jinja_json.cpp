#include "jinja_json.h"

#include "jinja_text.h"

#include <algorithm>
#include <cmath>

namespace moecut::jinja {

Value from_json(const nlohmann::ordered_json& j) {
    switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return Value(None{});
    case nlohmann::ordered_json::value_t::boolean: return Value(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value(j.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: {
        auto u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(INT64_MAX)) return Value(static_cast<double>(u));
        return Value(static_cast<std::int64_t>(u));
    }
    case nlohmann::ordered_json::value_t::number_float: return Value(j.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
        std::vector<Value> items;
        items.reserve(j.size());
        for (const auto& item : j) items.push_back(from_json(item));
        return make_list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
        Value d = make_dict();
        for (const auto& [k, v] : j.items()) d.dict()->items.emplace_back(Value(k), from_json(v));
        return d;
    }
    default: fail("unsupported JSON value (binary or discarded)");
    }
}

namespace {

std::string key_string(const Value& k, const DumpOptions& opt) {
    if (k.is_string()) return k.str();
    if (k.is_bool()) return k.as_bool() ? "true" : "false";
    if (k.is_none()) return "null";
    if (k.is_int()) return std::to_string(k.as_int());
    if (k.is_float()) return py_float_repr(k.as_float());
    (void)opt;
    fail("keys must be str, int, float, bool or None, not " + type_name(k));
}

void dump(const Value& v, const DumpOptions& opt, int level, std::string& out) {
    auto newline = [&](int lvl) {
        if (!opt.indent) return;
        out += "\n";
        for (int i = 0; i < lvl; ++i) out += *opt.indent;
    };
    if (v.is_none()) {
        out += "null";
    } else if (v.is_bool()) {
        out += v.as_bool() ? "true" : "false";
    } else if (v.is_int()) {
        out += std::to_string(v.as_int());
    } else if (v.is_float()) {
        double d = v.as_float();
        out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d < 0 ? "-Infinity" : "Infinity") : py_float_repr(d);
    } else if (v.is_string()) {
        out += json_quote(v.str(), opt.ensure_ascii);
    } else if (v.is_list()) {
        const auto& items = v.list()->items;
        if (items.empty()) {
            out += "[]";
            return;
        }
        out += "[";
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i) out += opt.item_separator;
            newline(level + 1);
            dump(items[i], opt, level + 1, out);
        }
        newline(level);
        out += "]";
    } else if (v.is_dict()) {
        std::vector<std::pair<std::string, const Value*>> items;
        for (const auto& [k, val] : v.dict()->items) items.emplace_back(key_string(k, opt), &val);
        if (opt.sort_keys)
            std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        if (items.empty()) {
            out += "{}";
            return;
        }
        out += "{";
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i) out += opt.item_separator;
            newline(level + 1);
            out += json_quote(items[i].first, opt.ensure_ascii);
            out += opt.key_separator;
            dump(*items[i].second, opt, level + 1, out);
        }
        newline(level);
        out += "}";
    } else {
        fail("Object of type " + type_name(v) + " is not JSON serializable");
    }
}

} // namespace

std::string dumps(const Value& v, const DumpOptions& opt) {
    std::string out;
    dump(v, opt, 0, out);
    return out;
}

} // namespace moecut::jinja

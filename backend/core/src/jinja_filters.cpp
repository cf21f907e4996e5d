// Jinja 3.1's filters, with transformers' tojson (ensure_ascii=False, indent,
// separators, sort_keys passed through to json.dumps).
#include "jinja_eval.h"
#include "jinja_json.h"
#include "jinja_text.h"

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

namespace moecut::jinja {

namespace {

using FilterFn = Value (*)(Evaluator&, const Value&, const CallArgs&);

std::optional<std::string> opt_str(const Value& v) {
    if (v.is_undefined() || v.is_none()) return std::nullopt;
    return to_str(v);
}

std::int64_t opt_int(const Value& v, std::int64_t dflt) {
    if (v.is_int()) return v.as_int();
    if (v.is_bool()) return v.as_bool() ? 1 : 0;
    if (v.is_undefined() || v.is_none()) return dflt;
    fail("an integer is required, got " + type_name(v));
}

// Jinja's make_attrgetter: "a.b.0" looks up each part with getitem-then-getattr.
Value attribute_of(Evaluator& ev, const Value& item, const Value& attribute) {
    if (attribute.is_undefined() || attribute.is_none()) return item;
    if (attribute.is_int()) return ev.get_item_or_attr(item, attribute);
    Value cur = item;
    for (const std::string& part : py_split(to_str(attribute), std::string("."), -1)) {
        bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
        numeric = numeric && part.size() < 18;
        cur = ev.get_item_or_attr(cur, numeric ? Value(std::int64_t{std::stoll(part)}) : Value(part));
    }
    return cur;
}

// The sort key sort/dictsort/unique/min/max use: strings lowercased unless
// case_sensitive.
Value sort_key(const Value& v, bool case_sensitive) {
    if (!case_sensitive && v.is_string()) return Value(py_lower(v.str()));
    return v;
}

std::vector<Value> sorted_by(Evaluator& ev, std::vector<Value> items, const Value& attribute, bool case_sensitive,
                             bool reverse) {
    std::vector<std::pair<Value, Value>> keyed;
    for (Value& item : items) keyed.emplace_back(sort_key(attribute_of(ev, item, attribute), case_sensitive), item);
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
        return reverse ? less(b.first, a.first) : less(a.first, b.first);
    });
    std::vector<Value> out;
    for (auto& kv : keyed) out.push_back(std::move(kv.second));
    return out;
}

Value tojson(Evaluator&, const Value& v, const CallArgs& a) {
    DumpOptions opt;
    opt.ensure_ascii = truthy(a.get(0, "ensure_ascii", Value(false)));
    Value indent = a.get(1, "indent");
    if (indent.is_int()) check_built_size(static_cast<double>(indent.as_int()));
    if (indent.is_int() || indent.is_bool()) opt.indent = std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, opt_int(indent, 0))), ' ');
    else if (indent.is_string()) opt.indent = indent.str();
    if (opt.indent) opt.item_separator = ",";
    Value seps = a.get(2, "separators");
    if (!seps.is_undefined() && !seps.is_none()) {
        std::vector<Value> parts = iterate(seps);
        if (parts.size() != 2) fail("separators must be an (item_separator, key_separator) pair");
        opt.item_separator = to_str(parts[0]);
        opt.key_separator = to_str(parts[1]);
    }
    opt.sort_keys = truthy(a.get(3, "sort_keys", Value(false)));
    return Value(dumps(v, opt));
}

Value do_default(Evaluator&, const Value& v, const CallArgs& a) {
    bool boolean = truthy(a.get(1, "boolean", Value(false)));
    if (v.is_undefined() || (boolean && !truthy(v))) return a.get(0, "default_value", Value(""));
    return v;
}

Value do_first(Evaluator&, const Value& v, const CallArgs&) {
    std::vector<Value> items = iterate(v);
    if (items.empty()) return Value(Undefined{"No first item, sequence was empty."});
    return items.front();
}

Value do_last(Evaluator&, const Value& v, const CallArgs&) {
    std::vector<Value> items = iterate(v);
    if (items.empty()) return Value(Undefined{"No last item, sequence was empty."});
    return items.back();
}

Value do_join(Evaluator& ev, const Value& v, const CallArgs& a) {
    std::string sep = to_str(a.get(0, "d", Value("")));
    Value attribute = a.get(1, "attribute");
    std::string out;
    bool first = true;
    for (const Value& item : iterate(v)) {
        if (!first) out += sep;
        first = false;
        out += to_str(attribute_of(ev, item, attribute));
    }
    return Value(std::move(out));
}

Value do_items(Evaluator&, const Value& v, const CallArgs&) {
    if (v.is_undefined()) return make_list({});
    if (!v.is_dict()) fail("Can only get item pairs from a mapping.");
    std::vector<Value> out;
    for (const auto& [k, val] : v.dict()->items) out.push_back(make_list({k, val}, true));
    return make_list(std::move(out));
}

Value do_int(Evaluator&, const Value& v, const CallArgs& a) {
    Value dflt = a.get(0, "default", Value(0));
    std::int64_t base = opt_int(a.get(1, "base"), 10);
    if (v.is_undefined()) fail_undefined(v); // Undefined.__int__ raises
    if (v.is_int()) return v;
    if (v.is_bool()) return Value(std::int64_t{v.as_bool()});
    if (v.is_float()) return std::isfinite(v.as_float()) ? Value(static_cast<std::int64_t>(v.as_float())) : dflt;
    if (v.is_string()) {
        std::string s = py_strip(v.str(), std::nullopt, true, true);
        std::string digits;
        for (char c : s)
            if (c != '_') digits.push_back(c);
        try {
            std::size_t used = 0;
            long long n = std::stoll(digits, &used, static_cast<int>(base));
            if (used == digits.size() && !digits.empty()) return Value(static_cast<std::int64_t>(n));
        } catch (...) {
        }
        try {
            std::size_t used = 0;
            double d = std::stod(s, &used);
            if (used == s.size() && std::isfinite(d)) return Value(static_cast<std::int64_t>(d));
        } catch (...) {
        }
    }
    return dflt;
}

Value do_float(Evaluator&, const Value& v, const CallArgs& a) {
    Value dflt = a.get(0, "default", Value(0.0));
    if (v.is_undefined()) fail_undefined(v);
    if (v.is_number()) return Value(v.is_float() ? v.as_float() : v.is_int() ? static_cast<double>(v.as_int()) : v.as_bool() ? 1.0 : 0.0);
    if (v.is_string()) {
        std::string s = py_strip(v.str(), std::nullopt, true, true);
        try {
            std::size_t used = 0;
            double d = std::stod(s, &used);
            if (used == s.size()) return Value(d);
        } catch (...) {
        }
    }
    return dflt;
}

Value do_round(Evaluator&, const Value& v, const CallArgs& a) {
    std::int64_t precision = opt_int(a.get(0, "precision"), 0);
    std::string method = to_str(a.get(1, "method", Value("common")));
    if (!v.is_number()) fail("must be real number, not " + type_name(v));
    if (!v.is_float() && method == "common" && precision >= 0) return v.is_bool() ? Value(std::int64_t{v.as_bool()}) : v;
    double x = v.is_float() ? v.as_float() : static_cast<double>(v.is_int() ? v.as_int() : v.as_bool());
    double scale = std::pow(10.0, static_cast<double>(precision));
    if (method == "ceil") return Value(std::ceil(x * scale) / scale);
    if (method == "floor") return Value(std::floor(x * scale) / scale);
    if (method != "common") fail("method must be common, ceil or floor");
    std::fesetround(FE_TONEAREST);
    return Value(std::nearbyint(x * scale) / scale); // Python rounds half to even
}

Value do_reverse(Evaluator&, const Value& v, const CallArgs&) {
    if (v.is_string()) {
        std::u32string u = decode_utf8(v.str());
        std::reverse(u.begin(), u.end());
        return Value(encode_utf8(u));
    }
    std::vector<Value> items = iterate(v);
    std::reverse(items.begin(), items.end());
    return make_list(std::move(items));
}

Value do_sort(Evaluator& ev, const Value& v, const CallArgs& a) {
    return make_list(sorted_by(ev, iterate(v), a.get(2, "attribute"), truthy(a.get(1, "case_sensitive", Value(false))),
                               truthy(a.get(0, "reverse", Value(false)))));
}

Value do_dictsort(Evaluator&, const Value& v, const CallArgs& a) {
    if (!v.is_dict()) fail("dictsort needs a mapping");
    bool case_sensitive = truthy(a.get(0, "case_sensitive", Value(false)));
    std::string by = to_str(a.get(1, "by", Value("key")));
    bool reverse = truthy(a.get(2, "reverse", Value(false)));
    std::size_t pos = by == "key" ? 0 : by == "value" ? 1 : 2;
    if (pos == 2) fail("You can only sort by either \"key\" or \"value\"");
    std::vector<std::pair<Value, Value>> items = v.dict()->items;
    std::stable_sort(items.begin(), items.end(), [&](const auto& x, const auto& y) {
        Value kx = sort_key(pos == 0 ? x.first : x.second, case_sensitive);
        Value ky = sort_key(pos == 0 ? y.first : y.second, case_sensitive);
        return reverse ? less(ky, kx) : less(kx, ky);
    });
    std::vector<Value> out;
    for (auto& [k, val] : items) out.push_back(make_list({k, val}, true));
    return make_list(std::move(out));
}

Value do_unique(Evaluator& ev, const Value& v, const CallArgs& a) {
    bool case_sensitive = truthy(a.get(0, "case_sensitive", Value(false)));
    Value attribute = a.get(1, "attribute");
    std::vector<Value> seen, out;
    for (const Value& item : iterate(v)) {
        Value key = sort_key(attribute_of(ev, item, attribute), case_sensitive);
        if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); })) continue;
        seen.push_back(key);
        out.push_back(item);
    }
    return make_list(std::move(out));
}

Value min_max(Evaluator& ev, const Value& v, const CallArgs& a, bool want_max) {
    std::vector<Value> items = iterate(v);
    if (items.empty()) return Value(Undefined{"No aggregated item, sequence was empty."});
    bool case_sensitive = truthy(a.get(0, "case_sensitive", Value(false)));
    Value attribute = a.get(1, "attribute");
    Value best = items[0];
    Value best_key = sort_key(attribute_of(ev, best, attribute), case_sensitive);
    for (std::size_t i = 1; i < items.size(); ++i) {
        Value key = sort_key(attribute_of(ev, items[i], attribute), case_sensitive);
        if (want_max ? less(best_key, key) : less(key, best_key)) {
            best = items[i];
            best_key = key;
        }
    }
    return best;
}

Value do_sum(Evaluator& ev, const Value& v, const CallArgs& a) {
    Value attribute = a.get(0, "attribute");
    Value total = a.get(1, "start", Value(0));
    for (const Value& item : iterate(v)) total = op_add(total, attribute_of(ev, item, attribute));
    return total;
}

Value do_map(Evaluator& ev, const Value& v, const CallArgs& a) {
    std::vector<Value> out;
    if (!truthy(v)) return make_list({}); // Jinja maps nothing over a falsy value
    if (a.positional.empty()) {
        Value attribute = a.get(99, "attribute");
        Value dflt = a.get(99, "default");
        for (const Value& item : iterate(v)) {
            Value r = attribute_of(ev, item, attribute);
            out.push_back(r.is_undefined() && !dflt.is_undefined() ? dflt : r);
        }
        return make_list(std::move(out));
    }
    std::string name = to_str(a.positional[0]);
    CallArgs rest;
    rest.positional.assign(a.positional.begin() + 1, a.positional.end());
    rest.keyword = a.keyword;
    for (const Value& item : iterate(v)) out.push_back(apply_filter(ev, name, item, rest));
    return make_list(std::move(out));
}

// select/reject/selectattr/rejectattr.
Value select_items(Evaluator& ev, const Value& v, const CallArgs& a, bool by_attr, bool keep) {
    std::size_t first = by_attr ? 1 : 0;
    Value attribute = by_attr ? a.get(0, "attribute") : Value();
    bool has_test_name = a.positional.size() > first;
    std::string test = has_test_name ? to_str(a.positional[first]) : "";
    CallArgs rest;
    if (has_test_name) rest.positional.assign(a.positional.begin() + static_cast<long>(first) + 1, a.positional.end());
    std::vector<Value> out;
    if (!truthy(v)) return make_list({});
    for (const Value& item : iterate(v)) {
        Value subject = by_attr ? attribute_of(ev, item, attribute) : item;
        bool pass = has_test_name ? apply_test(ev, test, subject, rest) : truthy(subject);
        if (pass == keep) out.push_back(item);
    }
    return make_list(std::move(out));
}

Value do_indent(Evaluator&, const Value& v, const CallArgs& a) {
    Value width = a.get(0, "width", Value(4));
    if (!width.is_string()) check_built_size(static_cast<double>(opt_int(width, 4)));
    std::string indention = width.is_string() ? width.str() : std::string(static_cast<std::size_t>(opt_int(width, 4)), ' ');
    bool first = truthy(a.get(1, "first", Value(false)));
    bool blank = truthy(a.get(2, "blank", Value(false)));
    if (v.is_undefined()) fail_undefined(v);
    if (!v.is_string()) fail("unsupported operand type(s) for +=: '" + type_name(v) + "' and 'str'");
    std::vector<std::string> lines = py_splitlines(v.str() + "\n", false);
    std::string rv;
    if (blank) {
        for (std::size_t i = 0; i < lines.size(); ++i) rv += (i ? "\n" + indention : "") + lines[i];
    } else {
        rv = lines.empty() ? "" : lines[0];
        for (std::size_t i = 1; i < lines.size(); ++i) rv += "\n" + (lines[i].empty() ? "" : indention + lines[i]);
    }
    return Value(first ? indention + rv : rv);
}

Value do_center(Evaluator&, const Value& v, const CallArgs& a) {
    std::string s = to_str(v);
    std::int64_t width = opt_int(a.get(0, "width"), 80);
    auto len = static_cast<std::int64_t>(utf8_length(s));
    if (width <= len) return Value(s);
    check_built_size(static_cast<double>(width));
    std::int64_t marg = width - len, left = marg / 2 + (marg & width & 1);
    return Value(std::string(static_cast<std::size_t>(left), ' ') + s + std::string(static_cast<std::size_t>(marg - left), ' '));
}

Value do_batch(Evaluator&, const Value& v, const CallArgs& a) {
    std::int64_t count = opt_int(a.get(0, "linecount"), 1);
    if (count <= 0) fail("batch size must be positive");
    Value fill = a.get(1, "fill_with");
    std::vector<Value> out, cur;
    for (const Value& item : iterate(v)) {
        cur.push_back(item);
        if (static_cast<std::int64_t>(cur.size()) == count) out.push_back(make_list(std::exchange(cur, {})));
    }
    if (!cur.empty()) {
        if (!fill.is_undefined() && !fill.is_none())
            while (static_cast<std::int64_t>(cur.size()) < count) cur.push_back(fill);
        out.push_back(make_list(std::move(cur)));
    }
    return make_list(std::move(out));
}

Value do_format(Evaluator&, const Value& v, const CallArgs& a) {
    if (!a.positional.empty() && !a.keyword.empty()) fail("can't handle positional and keyword arguments at the same time");
    if (!a.keyword.empty()) {
        Value d = make_dict();
        for (const auto& [k, val] : a.keyword) d.dict()->set(Value(k), val);
        return op_mod(Value(to_str(v)), d);
    }
    return op_mod(Value(to_str(v)), make_list(a.positional, true));
}

Value do_wordcount(Evaluator&, const Value& v, const CallArgs&) {
    std::int64_t n = 0;
    bool in_word = false;
    for (char32_t c : decode_utf8(to_str(v))) {
        bool word = c == '_' || (c >= '0' && c <= '9') || py_to_lower(c) != py_to_upper(c) || c >= 0x3000;
        if (word && !in_word) ++n;
        in_word = word;
    }
    return Value(n);
}

const std::unordered_map<std::string, FilterFn>& filters() {
    static const std::unordered_map<std::string, FilterFn> table = {
        {"tojson", tojson},
        {"default", do_default},
        {"d", do_default},
        {"length", [](Evaluator&, const Value& v, const CallArgs&) { return Value(length(v)); }},
        {"count", [](Evaluator&, const Value& v, const CallArgs&) { return Value(length(v)); }},
        {"first", do_first},
        {"last", do_last},
        {"join", do_join},
        {"items", do_items},
        {"list", [](Evaluator&, const Value& v, const CallArgs&) { return make_list(iterate(v)); }},
        {"string", [](Evaluator&, const Value& v, const CallArgs&) { return Value(to_str(v)); }},
        {"int", do_int},
        {"float", do_float},
        {"abs",
         [](Evaluator&, const Value& v, const CallArgs&) {
             if (v.is_float()) return Value(std::fabs(v.as_float()));
             if (v.is_int() || v.is_bool()) return Value(static_cast<std::int64_t>(std::llabs(v.is_int() ? v.as_int() : v.as_bool())));
             fail("bad operand type for abs(): '" + type_name(v) + "'");
         }},
        {"round", do_round},
        {"upper", [](Evaluator&, const Value& v, const CallArgs&) { return Value(py_upper(to_str(v))); }},
        {"lower", [](Evaluator&, const Value& v, const CallArgs&) { return Value(py_lower(to_str(v))); }},
        {"capitalize", [](Evaluator&, const Value& v, const CallArgs&) { return Value(py_capitalize(to_str(v))); }},
        {"title", [](Evaluator&, const Value& v, const CallArgs&) { return Value(jinja_title(to_str(v))); }},
        {"trim",
         [](Evaluator&, const Value& v, const CallArgs& a) {
             return Value(py_strip(to_str(v), opt_str(a.get(0, "chars")), true, true));
         }},
        {"replace",
         [](Evaluator&, const Value& v, const CallArgs& a) {
             return Value(py_replace(to_str(v), to_str(a.get(0, "old")), to_str(a.get(1, "new")),
                                     opt_int(a.get(2, "count"), -1)));
         }},
        {"safe", [](Evaluator&, const Value& v, const CallArgs&) { return v; }},
        {"escape", [](Evaluator&, const Value& v, const CallArgs&) { return Value(html_escape(to_str(v))); }},
        {"e", [](Evaluator&, const Value& v, const CallArgs&) { return Value(html_escape(to_str(v))); }},
        {"forceescape", [](Evaluator&, const Value& v, const CallArgs&) { return Value(html_escape(to_str(v))); }},
        {"reverse", do_reverse},
        {"sort", do_sort},
        {"dictsort", do_dictsort},
        {"unique", do_unique},
        {"min", [](Evaluator& ev, const Value& v, const CallArgs& a) { return min_max(ev, v, a, false); }},
        {"max", [](Evaluator& ev, const Value& v, const CallArgs& a) { return min_max(ev, v, a, true); }},
        {"sum", do_sum},
        {"map", do_map},
        {"select", [](Evaluator& ev, const Value& v, const CallArgs& a) { return select_items(ev, v, a, false, true); }},
        {"reject", [](Evaluator& ev, const Value& v, const CallArgs& a) { return select_items(ev, v, a, false, false); }},
        {"selectattr",
         [](Evaluator& ev, const Value& v, const CallArgs& a) { return select_items(ev, v, a, true, true); }},
        {"rejectattr",
         [](Evaluator& ev, const Value& v, const CallArgs& a) { return select_items(ev, v, a, true, false); }},
        {"attr", [](Evaluator& ev, const Value& v, const CallArgs& a) { return ev.get_attr(v, to_str(a.get(0, "name"))); }},
        {"indent", do_indent},
        {"center", do_center},
        {"batch", do_batch},
        {"format", do_format},
        {"wordcount", do_wordcount},
        {"pprint", [](Evaluator&, const Value& v, const CallArgs&) { return Value(repr(v)); }},
    };
    return table;
}

// Jinja filters that chat templates do not use; a template may name them in a
// branch it never takes, so they parse, and fail only when run.
const std::unordered_set<std::string>& unsupported_filters() {
    static const std::unordered_set<std::string> names = {
        "filesizeformat", "groupby", "random", "slice", "striptags", "truncate", "urlencode", "urlize",
        "wordwrap", "xmlattr"};
    return names;
}

} // namespace

bool has_filter(const std::string& name) { return filters().count(name) || unsupported_filters().count(name); }

Value apply_filter(Evaluator& ev, const std::string& name, const Value& input, const CallArgs& args) {
    auto it = filters().find(name);
    if (it != filters().end()) return it->second(ev, input, args);
    if (unsupported_filters().count(name)) fail("the '" + name + "' filter is not supported in chat templates");
    fail("No filter named '" + name + "'.");
}

} // namespace moecut::jinja

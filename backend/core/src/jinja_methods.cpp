// The Python methods a sandboxed template may call on str, dict and list
// values ("text".startswith(...), message.get(...), tool.items()).
#include "jinja_eval.h"
#include "jinja_text.h"

#include <algorithm>
#include <unordered_map>

namespace moecut::jinja {

namespace {

using Method = Value (*)(const Value& self, const CallArgs& args);

std::optional<std::string> opt_str(const Value& v) {
    if (v.is_undefined() || v.is_none()) return std::nullopt;
    if (!v.is_string()) fail("expected a string or None, not " + type_name(v));
    return v.str();
}

std::int64_t opt_int(const Value& v, std::int64_t dflt) {
    if (v.is_undefined() || v.is_none()) return dflt;
    if (v.is_bool()) return v.as_bool() ? 1 : 0;
    if (!v.is_int()) fail("'" + type_name(v) + "' object cannot be interpreted as an integer");
    return v.as_int();
}

std::string str_arg(const Value& v, const char* method) {
    if (!v.is_string())
        fail(std::string(method) + "() argument must be str, not " + type_name(v));
    return v.str();
}

Value strings_to_list(std::vector<std::string> parts) {
    std::vector<Value> out;
    for (auto& p : parts) out.emplace_back(std::move(p));
    return make_list(std::move(out));
}

// Code-point index of byte offset `byte` in s.
std::int64_t cp_index(const std::string& s, std::size_t byte) {
    return static_cast<std::int64_t>(utf8_length(std::string_view(s).substr(0, byte)));
}

// s[start:end] limits for find/count/startswith, as byte offsets.
std::pair<std::size_t, std::size_t> byte_range(const std::string& s, const Value& start, const Value& end) {
    std::u32string u = decode_utf8(s);
    auto n = static_cast<std::int64_t>(u.size());
    auto clamp = [&](const Value& v, std::int64_t dflt) {
        std::int64_t x = opt_int(v, dflt);
        if (x < 0) x += n;
        return std::clamp<std::int64_t>(x, 0, n);
    };
    std::int64_t b = clamp(start, 0), e = clamp(end, n);
    auto to_byte = [&](std::int64_t cp) { return encode_utf8(std::u32string_view(u).substr(0, static_cast<std::size_t>(cp))).size(); };
    return {to_byte(b), to_byte(std::max(b, e))};
}

Value affix_test(const Value& self, const CallArgs& a, bool prefix) {
    auto [b, e] = byte_range(self.str(), a.get(1, "start"), a.get(2, "end"));
    std::string_view window = std::string_view(self.str()).substr(b, e - b);
    Value arg = a.get(0, prefix ? "prefix" : "suffix");
    std::vector<Value> options = arg.is_list() && arg.list()->is_tuple ? arg.list()->items : std::vector<Value>{arg};
    for (const Value& o : options) {
        std::string x = str_arg(o, prefix ? "startswith" : "endswith");
        if (window.size() >= x.size() && (prefix ? window.substr(0, x.size()) : window.substr(window.size() - x.size())) == x)
            return Value(true);
    }
    return Value(false);
}

Value find_impl(const Value& self, const CallArgs& a, bool reverse, bool raise) {
    std::string sub = str_arg(a.get(0, "sub"), "find");
    auto [b, e] = byte_range(self.str(), a.get(1, "start"), a.get(2, "end"));
    std::string_view window = std::string_view(self.str()).substr(b, e - b);
    std::size_t hit = reverse ? window.rfind(sub) : window.find(sub);
    if (hit == std::string_view::npos) {
        if (raise) fail("substring not found");
        return Value(std::int64_t{-1});
    }
    return Value(cp_index(self.str(), b + hit));
}

Value str_format(const Value& self, const CallArgs& a) {
    const std::string& f = self.str();
    std::string out;
    std::size_t auto_index = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
        char c = f[i];
        if (c == '}' ) {
            if (i + 1 < f.size() && f[i + 1] == '}') ++i;
            else fail("Single '}' encountered in format string");
            out.push_back('}');
            continue;
        }
        if (c != '{') {
            out.push_back(c);
            continue;
        }
        if (i + 1 < f.size() && f[i + 1] == '{') {
            out.push_back('{');
            ++i;
            continue;
        }
        std::size_t close = f.find('}', i);
        if (close == std::string::npos) fail("Single '{' encountered in format string");
        std::string field = f.substr(i + 1, close - i - 1);
        i = close;
        char conv = 's';
        if (std::size_t bang = field.find('!'); bang != std::string::npos) {
            conv = bang + 1 < field.size() ? field[bang + 1] : 's';
            field.resize(bang);
        }
        if (field.find(':') != std::string::npos) fail("format specs in str.format() are not supported");
        Value v;
        if (field.empty()) v = a.get(auto_index++, "\x01");
        else if (std::all_of(field.begin(), field.end(), [](char d) { return d >= '0' && d <= '9'; }))
            v = field.size() < 9 ? a.get(std::stoul(field), "\x01") : Value();
        else v = a.get(static_cast<std::size_t>(-1), field);
        if (v.is_undefined()) fail("format field '" + field + "' has no value");
        out += conv == 'r' ? repr(v) : to_str(v);
    }
    return Value(std::move(out));
}

Value str_join(const Value& self, const CallArgs& a) {
    std::string out;
    bool first = true;
    for (const Value& item : iterate(a.get(0, "iterable"))) {
        if (!item.is_string()) fail("sequence item: expected str instance, " + type_name(item) + " found");
        if (!first) out += self.str();
        first = false;
        out += item.str();
    }
    return Value(std::move(out));
}

Value partition(const Value& self, const CallArgs& a, bool reverse) {
    std::string sep = str_arg(a.get(0, "sep"), "partition");
    if (sep.empty()) fail("empty separator");
    const std::string& s = self.str();
    std::size_t hit = reverse ? s.rfind(sep) : s.find(sep);
    if (hit == std::string::npos)
        return reverse ? make_list({Value(""), Value(""), self}, true) : make_list({self, Value(""), Value("")}, true);
    return make_list({Value(s.substr(0, hit)), Value(sep), Value(s.substr(hit + sep.size()))}, true);
}

Value justify(const Value& self, const CallArgs& a, int where) { // 0 left, 1 right, 2 center
    std::int64_t width = opt_int(a.get(0, "width"), 0);
    std::string fill = a.has(1, "fillchar") ? str_arg(a.get(1, "fillchar"), "fillchar") : " ";
    auto len = static_cast<std::int64_t>(utf8_length(self.str()));
    if (width <= len) return self;
    check_built_size(static_cast<double>(width) * static_cast<double>(fill.size()));
    std::int64_t marg = width - len;
    std::int64_t left = where == 0 ? 0 : where == 1 ? marg : marg / 2 + (marg & width & 1);
    std::string out;
    for (std::int64_t i = 0; i < left; ++i) out += fill;
    out += self.str();
    for (std::int64_t i = left; i < marg; ++i) out += fill;
    return Value(std::move(out));
}

template <bool (*Pred)(char32_t)>
Value all_chars(const Value& self, const CallArgs&) {
    std::u32string u = decode_utf8(self.str());
    return Value(!u.empty() && std::all_of(u.begin(), u.end(), Pred));
}
bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_alpha(char32_t c) { return py_to_lower(c) != py_to_upper(c) || (c >= 0x3040 && c <= 0x9FFF); }
bool is_alnum(char32_t c) { return is_digit(c) || is_alpha(c); }

const std::unordered_map<std::string, Method>& string_methods() {
    static const std::unordered_map<std::string, Method> table = {
        {"startswith", [](const Value& s, const CallArgs& a) { return affix_test(s, a, true); }},
        {"endswith", [](const Value& s, const CallArgs& a) { return affix_test(s, a, false); }},
        {"strip", [](const Value& s, const CallArgs& a) { return Value(py_strip(s.str(), opt_str(a.get(0, "chars")), true, true)); }},
        {"lstrip", [](const Value& s, const CallArgs& a) { return Value(py_strip(s.str(), opt_str(a.get(0, "chars")), true, false)); }},
        {"rstrip", [](const Value& s, const CallArgs& a) { return Value(py_strip(s.str(), opt_str(a.get(0, "chars")), false, true)); }},
        {"split",
         [](const Value& s, const CallArgs& a) {
             return strings_to_list(py_split(s.str(), opt_str(a.get(0, "sep")), opt_int(a.get(1, "maxsplit"), -1)));
         }},
        {"rsplit",
         [](const Value& s, const CallArgs& a) {
             return strings_to_list(py_rsplit(s.str(), opt_str(a.get(0, "sep")), opt_int(a.get(1, "maxsplit"), -1)));
         }},
        {"splitlines",
         [](const Value& s, const CallArgs& a) {
             return strings_to_list(py_splitlines(s.str(), truthy(a.get(0, "keepends", Value(false)))));
         }},
        {"upper", [](const Value& s, const CallArgs&) { return Value(py_upper(s.str())); }},
        {"lower", [](const Value& s, const CallArgs&) { return Value(py_lower(s.str())); }},
        {"casefold", [](const Value& s, const CallArgs&) { return Value(py_lower(s.str())); }},
        {"title", [](const Value& s, const CallArgs&) { return Value(py_title(s.str())); }},
        {"capitalize", [](const Value& s, const CallArgs&) { return Value(py_capitalize(s.str())); }},
        {"replace",
         [](const Value& s, const CallArgs& a) {
             return Value(py_replace(s.str(), str_arg(a.get(0, "old"), "replace"), str_arg(a.get(1, "new"), "replace"),
                                     opt_int(a.get(2, "count"), -1)));
         }},
        {"find", [](const Value& s, const CallArgs& a) { return find_impl(s, a, false, false); }},
        {"rfind", [](const Value& s, const CallArgs& a) { return find_impl(s, a, true, false); }},
        {"index", [](const Value& s, const CallArgs& a) { return find_impl(s, a, false, true); }},
        {"rindex", [](const Value& s, const CallArgs& a) { return find_impl(s, a, true, true); }},
        {"count",
         [](const Value& s, const CallArgs& a) {
             std::string sub = str_arg(a.get(0, "sub"), "count");
             auto [b, e] = byte_range(s.str(), a.get(1, "start"), a.get(2, "end"));
             std::string_view w = std::string_view(s.str()).substr(b, e - b);
             if (sub.empty()) return Value(static_cast<std::int64_t>(utf8_length(w)) + 1);
             std::int64_t n = 0;
             for (std::size_t p = w.find(sub); p != std::string_view::npos; p = w.find(sub, p + sub.size())) ++n;
             return Value(n);
         }},
        {"join", str_join},
        {"format", str_format},
        {"partition", [](const Value& s, const CallArgs& a) { return partition(s, a, false); }},
        {"rpartition", [](const Value& s, const CallArgs& a) { return partition(s, a, true); }},
        {"ljust", [](const Value& s, const CallArgs& a) { return justify(s, a, 0); }},
        {"rjust", [](const Value& s, const CallArgs& a) { return justify(s, a, 1); }},
        {"center", [](const Value& s, const CallArgs& a) { return justify(s, a, 2); }},
        {"zfill",
         [](const Value& s, const CallArgs& a) {
             std::int64_t width = opt_int(a.get(0, "width"), 0);
             std::string str = s.str();
             auto len = static_cast<std::int64_t>(utf8_length(str));
             if (width <= len) return s;
             check_built_size(static_cast<double>(width));
             std::size_t at = (!str.empty() && (str[0] == '+' || str[0] == '-')) ? 1 : 0;
             str.insert(at, std::string(static_cast<std::size_t>(width - len), '0'));
             return Value(str);
         }},
        {"removeprefix",
         [](const Value& s, const CallArgs& a) {
             std::string p = str_arg(a.get(0, "prefix"), "removeprefix");
             return s.str().compare(0, p.size(), p) == 0 ? Value(s.str().substr(p.size())) : s;
         }},
        {"removesuffix",
         [](const Value& s, const CallArgs& a) {
             std::string x = str_arg(a.get(0, "suffix"), "removesuffix");
             const std::string& str = s.str();
             bool ends = !x.empty() && str.size() >= x.size() && str.compare(str.size() - x.size(), x.size(), x) == 0;
             return ends ? Value(str.substr(0, str.size() - x.size())) : s;
         }},
        {"isdigit", all_chars<is_digit>},
        {"isdecimal", all_chars<is_digit>},
        {"isnumeric", all_chars<is_digit>},
        {"isalpha", all_chars<is_alpha>},
        {"isalnum", all_chars<is_alnum>},
        {"isspace", all_chars<py_isspace>},
        {"islower", [](const Value& s, const CallArgs&) { return Value(py_lower(s.str()) == s.str() && py_upper(s.str()) != s.str()); }},
        {"isupper", [](const Value& s, const CallArgs&) { return Value(py_upper(s.str()) == s.str() && py_lower(s.str()) != s.str()); }},
    };
    return table;
}

const std::unordered_map<std::string, Method>& dict_methods() {
    static const std::unordered_map<std::string, Method> table = {
        {"get",
         [](const Value& d, const CallArgs& a) {
             const Value* v = d.dict()->find(a.get(0, "key"));
             return v ? *v : a.get(1, "default", Value(None{}));
         }},
        {"items",
         [](const Value& d, const CallArgs&) {
             std::vector<Value> out;
             for (const auto& [k, v] : d.dict()->items) out.push_back(make_list({k, v}, true));
             return make_list(std::move(out));
         }},
        {"keys",
         [](const Value& d, const CallArgs&) {
             std::vector<Value> out;
             for (const auto& kv : d.dict()->items) out.push_back(kv.first);
             return make_list(std::move(out));
         }},
        {"values",
         [](const Value& d, const CallArgs&) {
             std::vector<Value> out;
             for (const auto& kv : d.dict()->items) out.push_back(kv.second);
             return make_list(std::move(out));
         }},
        {"copy",
         [](const Value& d, const CallArgs&) {
             auto copy = std::make_shared<DictData>(*d.dict());
             return Value(copy);
         }},
    };
    return table;
}

const std::unordered_map<std::string, Method>& list_methods() {
    static const std::unordered_map<std::string, Method> table = {
        {"index",
         [](const Value& l, const CallArgs& a) {
             Value x = a.get(0, "value");
             const auto& items = l.list()->items;
             for (std::size_t i = 0; i < items.size(); ++i)
                 if (equals(items[i], x)) return Value(static_cast<std::int64_t>(i));
             fail(repr(x) + " is not in list");
         }},
        {"count",
         [](const Value& l, const CallArgs& a) {
             Value x = a.get(0, "value");
             const auto& items = l.list()->items;
             return Value(static_cast<std::int64_t>(
                 std::count_if(items.begin(), items.end(), [&](const Value& v) { return equals(v, x); })));
         }},
        {"copy", [](const Value& l, const CallArgs&) { return make_list(l.list()->items, l.list()->is_tuple); }},
    };
    return table;
}

} // namespace

bool get_method(const Value& obj, const std::string& name, Value& out) {
    const std::unordered_map<std::string, Method>* table = obj.is_string() ? &string_methods()
                                                           : obj.is_dict() ? &dict_methods()
                                                           : obj.is_list() ? &list_methods()
                                                                           : nullptr;
    if (!table) return false;
    auto it = table->find(name);
    if (it == table->end()) return false;
    Method m = it->second;
    Value self = obj;
    out = make_native(name, [m, self](Evaluator&, const CallArgs& a) { return m(self, a); });
    return true;
}

} // namespace moecut::jinja

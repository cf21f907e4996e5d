// Value basics: construction, truth, equality, ordering, str() and repr().
#include "jinja_value.h"

#include "jinja_text.h"

#include <algorithm>
#include <cmath>

namespace moecut::jinja {

void fail(std::string message) { throw RenderError(std::move(message)); }

void check_built_size(double n) {
    if (n > static_cast<double>(kMaxBuiltSize)) fail("the result would be too large (over 64 MiB)");
}

void fail_undefined(const Value& v) {
    const std::string& hint = std::get<Undefined>(v.v).hint;
    fail(hint.empty() ? "undefined value" : hint);
}

const Value* DictData::find(const Value& key) const {
    for (const auto& [k, v] : items)
        if (equals(k, key)) return &v;
    return nullptr;
}

const Value* DictData::find_str(std::string_view key) const {
    for (const auto& [k, v] : items)
        if (k.is_string() && k.str() == key) return &v;
    return nullptr;
}

void DictData::set(Value key, Value value) {
    for (auto& [k, v] : items) {
        if (equals(k, key)) {
            v = std::move(value);
            return;
        }
    }
    items.emplace_back(std::move(key), std::move(value));
}

Value CallArgs::get(std::size_t i, std::string_view name, Value fallback) const {
    if (i < positional.size()) return positional[i];
    for (const auto& [k, v] : keyword)
        if (k == name) return v;
    return fallback;
}

bool CallArgs::has(std::size_t i, std::string_view name) const {
    if (i < positional.size()) return true;
    return std::any_of(keyword.begin(), keyword.end(), [&](const auto& kv) { return kv.first == name; });
}

Value make_list(std::vector<Value> items, bool is_tuple) {
    auto l = std::make_shared<ListData>();
    l->items = std::move(items);
    l->is_tuple = is_tuple;
    return Value(l);
}

Value make_dict() { return Value(std::make_shared<DictData>()); }

Value make_native(std::string name, NativeFunction::Fn fn) {
    return Value(CallablePtr(std::make_shared<NativeFunction>(std::move(name), std::move(fn))));
}

bool truthy(const Value& v) {
    struct Visitor {
        bool operator()(const Undefined&) const { return false; }
        bool operator()(const None&) const { return false; }
        bool operator()(bool b) const { return b; }
        bool operator()(std::int64_t i) const { return i != 0; }
        bool operator()(double d) const { return d != 0.0; }
        bool operator()(const std::string& s) const { return !s.empty(); }
        bool operator()(const ListPtr& l) const { return !l->items.empty(); }
        bool operator()(const DictPtr& d) const { return !d->items.empty(); }
        bool operator()(const Namespace&) const { return true; }
        bool operator()(const CallablePtr&) const { return true; }
    };
    return std::visit(Visitor{}, v.v);
}

static double as_number(const Value& v) {
    if (v.is_bool()) return v.as_bool() ? 1.0 : 0.0;
    if (v.is_int()) return static_cast<double>(v.as_int());
    return v.as_float();
}

static std::int64_t as_integer(const Value& v) { return v.is_bool() ? (v.as_bool() ? 1 : 0) : v.as_int(); }

bool equals(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (!a.is_float() && !b.is_float()) return as_integer(a) == as_integer(b);
        return as_number(a) == as_number(b);
    }
    if (a.v.index() != b.v.index()) return false;
    if (a.is_undefined() || a.is_none()) return true;
    if (a.is_string()) return a.str() == b.str();
    if (a.is_list()) {
        const auto& x = *a.list();
        const auto& y = *b.list();
        if (x.is_tuple != y.is_tuple || x.items.size() != y.items.size()) return false;
        for (std::size_t i = 0; i < x.items.size(); ++i)
            if (!equals(x.items[i], y.items[i])) return false;
        return true;
    }
    if (a.is_dict()) {
        const auto& x = *a.dict();
        const auto& y = *b.dict();
        if (x.items.size() != y.items.size()) return false;
        for (const auto& [k, v] : x.items) {
            const Value* other = y.find(k);
            if (!other || !equals(v, *other)) return false;
        }
        return true;
    }
    if (a.is_namespace()) return a.ns().attrs == b.ns().attrs;
    if (a.is_callable()) return a.callable() == b.callable();
    return false;
}

bool less(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (!a.is_float() && !b.is_float()) return as_integer(a) < as_integer(b);
        return as_number(a) < as_number(b);
    }
    if (a.is_string() && b.is_string()) return a.str() < b.str(); // UTF-8 byte order is code point order
    if (a.is_list() && b.is_list() && a.list()->is_tuple == b.list()->is_tuple) {
        const auto& x = a.list()->items;
        const auto& y = b.list()->items;
        for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
            if (equals(x[i], y[i])) continue;
            return less(x[i], y[i]);
        }
        return x.size() < y.size();
    }
    if (a.is_undefined()) fail_undefined(a);
    if (b.is_undefined()) fail_undefined(b);
    fail("'<' not supported between instances of '" + type_name(a) + "' and '" + type_name(b) + "'");
}

std::string type_name(const Value& v) {
    struct Visitor {
        std::string operator()(const Undefined&) const { return "Undefined"; }
        std::string operator()(const None&) const { return "NoneType"; }
        std::string operator()(bool) const { return "bool"; }
        std::string operator()(std::int64_t) const { return "int"; }
        std::string operator()(double) const { return "float"; }
        std::string operator()(const std::string&) const { return "str"; }
        std::string operator()(const ListPtr& l) const { return l->is_tuple ? "tuple" : "list"; }
        std::string operator()(const DictPtr&) const { return "dict"; }
        std::string operator()(const Namespace&) const { return "Namespace"; }
        std::string operator()(const CallablePtr&) const { return "function"; }
    };
    return std::visit(Visitor{}, v.v);
}

static std::string container_repr(const Value& v) {
    std::string out;
    if (v.is_list()) {
        const auto& l = *v.list();
        out = l.is_tuple ? "(" : "[";
        for (std::size_t i = 0; i < l.items.size(); ++i) {
            if (i) out += ", ";
            out += repr(l.items[i]);
        }
        if (l.is_tuple && l.items.size() == 1) out += ",";
        out += l.is_tuple ? ")" : "]";
        return out;
    }
    const DictData& d = v.is_dict() ? *v.dict() : *v.ns().attrs;
    out = "{";
    for (std::size_t i = 0; i < d.items.size(); ++i) {
        if (i) out += ", ";
        out += repr(d.items[i].first) + ": " + repr(d.items[i].second);
    }
    out += "}";
    return v.is_namespace() ? "<Namespace " + out + ">" : out;
}

std::string to_str(const Value& v) {
    struct Visitor {
        const Value& self;
        std::string operator()(const Undefined&) const { return ""; }
        std::string operator()(const None&) const { return "None"; }
        std::string operator()(bool b) const { return b ? "True" : "False"; }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const { return py_float_repr(d); }
        std::string operator()(const std::string& s) const { return s; }
        std::string operator()(const ListPtr&) const { return container_repr(self); }
        std::string operator()(const DictPtr&) const { return container_repr(self); }
        std::string operator()(const Namespace&) const { return container_repr(self); }
        std::string operator()(const CallablePtr& c) const { return c->repr(); }
    };
    return std::visit(Visitor{v}, v.v);
}

std::string repr(const Value& v) {
    if (v.is_string()) return py_repr_string(v.str());
    if (v.is_undefined()) return "Undefined";
    return to_str(v);
}

} // namespace moecut::jinja

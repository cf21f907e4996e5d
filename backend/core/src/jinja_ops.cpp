// Python's operators on Values: arithmetic, `in`, len(), iteration, indexing
// and slicing.
#include "jinja_text.h"
#include "jinja_value.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace moecut::jinja {

namespace {

bool is_intlike(const Value& v) { return v.is_int() || v.is_bool(); }
std::int64_t to_int(const Value& v) { return v.is_bool() ? (v.as_bool() ? 1 : 0) : v.as_int(); }
double to_double(const Value& v) { return v.is_float() ? v.as_float() : static_cast<double>(to_int(v)); }

[[noreturn]] void bad_operands(const char* op, const Value& a, const Value& b) {
    if (a.is_undefined()) fail_undefined(a);
    if (b.is_undefined()) fail_undefined(b);
    fail(std::string("unsupported operand type(s) for ") + op + ": '" + type_name(a) + "' and '" + type_name(b) + "'");
}

Value repeat(const Value& seq, std::int64_t n) {
    double unit = seq.is_string() ? static_cast<double>(seq.str().size()) : static_cast<double>(seq.list()->items.size());
    check_built_size(unit * static_cast<double>(n));
    if (seq.is_string()) {
        std::string out;
        for (std::int64_t i = 0; i < n; ++i) out += seq.str();
        return Value(std::move(out));
    }
    std::vector<Value> items;
    for (std::int64_t i = 0; i < n; ++i)
        items.insert(items.end(), seq.list()->items.begin(), seq.list()->items.end());
    return make_list(std::move(items), seq.list()->is_tuple);
}

// str % args, for the conversions templates use (s r d i f x o %).
Value percent_format(const std::string& fmt, const Value& args) {
    std::vector<Value> values;
    const DictData* mapping = args.is_dict() ? args.dict().get() : nullptr;
    if (args.is_list() && args.list()->is_tuple) values = args.list()->items;
    else if (!mapping) values.push_back(args);
    std::size_t next = 0;
    std::string out;
    for (std::size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%') {
            out.push_back(fmt[i]);
            continue;
        }
        if (++i >= fmt.size()) fail("incomplete format");
        Value arg;
        bool have_arg = false;
        if (fmt[i] == '(' && mapping) {
            std::size_t close = fmt.find(')', i);
            if (close == std::string::npos) fail("incomplete format key");
            const Value* found = mapping->find_str(std::string_view(fmt).substr(i + 1, close - i - 1));
            if (!found) fail("format key not found");
            arg = *found;
            have_arg = true;
            i = close + 1;
        }
        std::string spec = "%";
        while (i < fmt.size() && std::string_view("-+ #0123456789.").find(fmt[i]) != std::string_view::npos)
            spec.push_back(fmt[i++]);
        if (i >= fmt.size()) fail("incomplete format");
        char conv = fmt[i];
        if (conv == '%') {
            out.push_back('%');
            continue;
        }
        if (!have_arg) {
            if (next >= values.size()) fail("not enough arguments for format string");
            arg = values[next++];
        }
        char buf[512];
        if (conv == 's' || conv == 'r') {
            std::string text = conv == 's' ? to_str(arg) : repr(arg);
            std::snprintf(buf, sizeof buf, (spec + "s").c_str(), text.c_str());
            out += std::string(buf).size() >= sizeof buf - 1 ? text : std::string(buf);
        } else if (conv == 'd' || conv == 'i' || conv == 'x' || conv == 'X' || conv == 'o') {
            if (!arg.is_number()) fail("%" + std::string(1, conv) + " format: a number is required, not " + type_name(arg));
            long long n = arg.is_float() ? static_cast<long long>(arg.as_float()) : to_int(arg);
            std::string c = conv == 'i' ? "d" : std::string(1, conv);
            std::snprintf(buf, sizeof buf, (spec + "ll" + c).c_str(), n);
            out += buf;
        } else if (conv == 'f' || conv == 'F' || conv == 'e' || conv == 'E' || conv == 'g' || conv == 'G') {
            if (!arg.is_number()) fail("must be real number, not " + type_name(arg));
            std::snprintf(buf, sizeof buf, (spec + conv).c_str(), to_double(arg));
            out += buf;
        } else {
            fail(std::string("unsupported format character '") + conv + "'");
        }
    }
    // Python only insists on using every argument when they came as a tuple or a
    // single plain value; a list or dict argument may go unused.
    bool mapping_like = mapping || (args.is_list() && !args.list()->is_tuple);
    if (next < values.size() && !mapping_like) fail("not all arguments converted during string formatting");
    return Value(std::move(out));
}

// Python's slice.indices(): clamps start/stop for a sequence of length n.
void slice_indices(std::int64_t n, const Value& start, const Value& stop, std::int64_t step, std::int64_t& b,
                   std::int64_t& e) {
    auto bound = [&](const Value& v, std::int64_t dflt) {
        if (v.is_undefined() || v.is_none()) return dflt;
        if (!is_intlike(v)) fail("slice indices must be integers or None");
        std::int64_t x = to_int(v);
        if (x < 0) x += n;
        if (step > 0) return std::clamp<std::int64_t>(x, 0, n);
        return std::clamp<std::int64_t>(x, -1, n - 1);
    };
    b = bound(start, step > 0 ? 0 : n - 1);
    e = bound(stop, step > 0 ? n : -1);
}

} // namespace

Value op_add(const Value& a, const Value& b) {
    if (is_intlike(a) && is_intlike(b)) {
        std::int64_t r;
        if (!__builtin_add_overflow(to_int(a), to_int(b), &r)) return Value(r);
        return Value(to_double(a) + to_double(b));
    }
    if (a.is_number() && b.is_number()) return Value(to_double(a) + to_double(b));
    if (a.is_string() && b.is_string()) return Value(a.str() + b.str());
    if (a.is_list() && b.is_list() && a.list()->is_tuple == b.list()->is_tuple) {
        std::vector<Value> items = a.list()->items;
        items.insert(items.end(), b.list()->items.begin(), b.list()->items.end());
        return make_list(std::move(items), a.list()->is_tuple);
    }
    if (a.is_string() && !b.is_undefined())
        fail("can only concatenate str (not \"" + type_name(b) + "\") to str");
    bad_operands("+", a, b);
}

Value op_sub(const Value& a, const Value& b) {
    if (is_intlike(a) && is_intlike(b)) {
        std::int64_t r;
        if (!__builtin_sub_overflow(to_int(a), to_int(b), &r)) return Value(r);
    }
    if (a.is_number() && b.is_number()) return Value(to_double(a) - to_double(b));
    bad_operands("-", a, b);
}

Value op_mul(const Value& a, const Value& b) {
    if (is_intlike(a) && is_intlike(b)) {
        std::int64_t r;
        if (!__builtin_mul_overflow(to_int(a), to_int(b), &r)) return Value(r);
    }
    if (a.is_number() && b.is_number()) return Value(to_double(a) * to_double(b));
    if ((a.is_string() || a.is_list()) && is_intlike(b)) return repeat(a, to_int(b));
    if ((b.is_string() || b.is_list()) && is_intlike(a)) return repeat(b, to_int(a));
    bad_operands("*", a, b);
}

Value op_div(const Value& a, const Value& b) {
    if (!a.is_number() || !b.is_number()) bad_operands("/", a, b);
    if (to_double(b) == 0.0) fail("division by zero");
    return Value(to_double(a) / to_double(b));
}

Value op_floordiv(const Value& a, const Value& b) {
    if (!a.is_number() || !b.is_number()) bad_operands("//", a, b);
    if (to_double(b) == 0.0) fail("integer division or modulo by zero");
    if (is_intlike(a) && is_intlike(b)) {
        std::int64_t x = to_int(a), y = to_int(b);
        std::int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
        return Value(q);
    }
    return Value(std::floor(to_double(a) / to_double(b)));
}

Value op_mod(const Value& a, const Value& b) {
    if (a.is_string()) return percent_format(a.str(), b);
    if (!a.is_number() || !b.is_number()) bad_operands("%", a, b);
    if (to_double(b) == 0.0) fail("integer division or modulo by zero");
    if (is_intlike(a) && is_intlike(b)) {
        std::int64_t x = to_int(a), y = to_int(b);
        std::int64_t r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        return Value(r);
    }
    double x = to_double(a), y = to_double(b);
    double r = std::fmod(x, y);
    if (r != 0 && ((r < 0) != (y < 0))) r += y;
    return Value(r);
}

Value op_pow(const Value& a, const Value& b) {
    if (!a.is_number() || !b.is_number()) bad_operands("** or pow()", a, b);
    if (is_intlike(a) && is_intlike(b) && to_int(b) >= 0) { // square and multiply; past int64 Python goes on exactly, we round
        std::int64_t base = to_int(a), result = 1;
        bool overflow = false;
        for (std::int64_t e = to_int(b); e > 0 && !overflow; e >>= 1) {
            if (e & 1) overflow = __builtin_mul_overflow(result, base, &result);
            if (e > 1 && !overflow) overflow = __builtin_mul_overflow(base, base, &base);
        }
        if (!overflow) return Value(result);
        return Value(std::pow(to_double(a), to_double(b)));
    }
    double r = std::pow(to_double(a), to_double(b));
    if (std::isinf(r) && std::isfinite(to_double(a)) && std::isfinite(to_double(b)))
        fail("(34, 'Numerical result out of range')");
    return Value(r);
}

Value op_neg(const Value& a) {
    if (is_intlike(a)) return Value(-to_int(a));
    if (a.is_float()) return Value(-a.as_float());
    if (a.is_undefined()) fail_undefined(a);
    fail("bad operand type for unary -: '" + type_name(a) + "'");
}

bool op_contains(const Value& container, const Value& item) {
    if (container.is_string()) {
        if (!item.is_string()) fail("'in <string>' requires string as left operand, not " + type_name(item));
        return container.str().find(item.str()) != std::string::npos;
    }
    if (container.is_list()) {
        for (const Value& v : container.list()->items)
            if (equals(v, item)) return true;
        return false;
    }
    if (container.is_dict()) {
        if (item.is_dict() || (item.is_list() && !item.list()->is_tuple)) fail("unhashable type: '" + type_name(item) + "'");
        return container.dict()->find(item) != nullptr;
    }
    if (container.is_undefined()) return false;
    fail("argument of type '" + type_name(container) + "' is not iterable");
}

std::int64_t length(const Value& v) {
    if (v.is_string()) return static_cast<std::int64_t>(utf8_length(v.str()));
    if (v.is_list()) return static_cast<std::int64_t>(v.list()->items.size());
    if (v.is_dict()) return static_cast<std::int64_t>(v.dict()->items.size());
    if (v.is_undefined()) return 0;
    fail("object of type '" + type_name(v) + "' has no len()");
}

std::vector<Value> iterate(const Value& v) {
    std::vector<Value> out;
    if (v.is_list()) return v.list()->items;
    if (v.is_dict()) {
        for (const auto& kv : v.dict()->items) out.push_back(kv.first);
        return out;
    }
    if (v.is_string()) {
        for (char32_t c : decode_utf8(v.str())) {
            std::string one;
            append_utf8(one, c);
            out.emplace_back(std::move(one));
        }
        return out;
    }
    if (v.is_undefined()) return out;
    fail("'" + type_name(v) + "' object is not iterable");
}

bool get_item(const Value& container, const Value& key, Value& out) {
    if (container.is_undefined()) fail_undefined(container);
    if (container.is_dict()) {
        const Value* found = container.dict()->find(key);
        if (found) out = *found;
        return found != nullptr;
    }
    if (container.is_namespace() && key.is_string()) {
        const Value* found = container.ns().attrs->find_str(key.str());
        if (found) out = *found;
        return found != nullptr;
    }
    if (!is_intlike(key)) return false;
    std::int64_t i = to_int(key);
    if (container.is_list()) {
        auto n = static_cast<std::int64_t>(container.list()->items.size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) return false;
        out = container.list()->items[static_cast<std::size_t>(i)];
        return true;
    }
    if (container.is_string()) {
        std::u32string u = decode_utf8(container.str());
        auto n = static_cast<std::int64_t>(u.size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) return false;
        std::string one;
        append_utf8(one, u[static_cast<std::size_t>(i)]);
        out = Value(std::move(one));
        return true;
    }
    return false;
}

Value get_slice(const Value& container, const Value& start, const Value& stop, const Value& step_v) {
    std::int64_t step = 1;
    if (!step_v.is_undefined() && !step_v.is_none()) {
        if (!is_intlike(step_v)) fail("slice indices must be integers or None");
        step = to_int(step_v);
    }
    if (step == 0) fail("slice step cannot be zero");
    if (container.is_undefined()) fail_undefined(container);
    std::int64_t b, e;
    if (container.is_list()) {
        const auto& items = container.list()->items;
        slice_indices(static_cast<std::int64_t>(items.size()), start, stop, step, b, e);
        std::vector<Value> out;
        for (std::int64_t i = b; step > 0 ? i < e : i > e; i += step) out.push_back(items[static_cast<std::size_t>(i)]);
        return make_list(std::move(out), container.list()->is_tuple);
    }
    if (container.is_string()) {
        std::u32string u = decode_utf8(container.str());
        slice_indices(static_cast<std::int64_t>(u.size()), start, stop, step, b, e);
        std::string out;
        for (std::int64_t i = b; step > 0 ? i < e : i > e; i += step) append_utf8(out, u[static_cast<std::size_t>(i)]);
        return Value(std::move(out));
    }
    fail("'" + type_name(container) + "' object is not subscriptable");
}

} // namespace moecut::jinja

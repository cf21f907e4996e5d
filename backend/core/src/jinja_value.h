// Values of the Jinja interpreter, with Python's semantics.
//
// Chat templates are Jinja run by Python, so what a template prints depends on
// Python: str(None) is "None", str([1, 'a']) is "[1, 'a']", 1 == 1.0 == True,
// "a" * 3 is "aaa", `x or y` yields an operand, not a bool. Value reproduces
// those rules for the types a template can meet: undefined, none, bool, int,
// float, string, list (and tuple), dict, namespace and callables.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace moecut::jinja {

// An error while rendering: a message and the template line it happened on
// (0 when not yet known; the evaluator fills it in).
class RenderError : public std::runtime_error {
public:
    RenderError(std::string message, int line = 0) : std::runtime_error(std::move(message)), line(line) {}
    int line;
};

[[noreturn]] void fail(std::string message);

struct Value;
// The largest string or list a template may build (repetition, padding):
// far beyond any prompt, and it stops "x" * 10**15 from exhausting memory.
inline constexpr std::size_t kMaxBuiltSize = std::size_t{64} << 20;
// Fails when a result of `n` bytes or items would pass kMaxBuiltSize.
void check_built_size(double n);
// Raises Jinja's UndefinedError for an undefined value (its hint says what).
[[noreturn]] void fail_undefined(const Value& v);
struct ListData;
struct DictData;
class Callable;
class Evaluator;

using ListPtr = std::shared_ptr<ListData>;
using DictPtr = std::shared_ptr<DictData>;
using CallablePtr = std::shared_ptr<Callable>;

// Jinja's Undefined: prints as "", is falsy, iterates as empty, and fails on
// attribute access, calls and arithmetic. `hint` names what was missing.
struct Undefined {
    std::string hint;
};
struct None {};
// A namespace() object: attributes that `set ns.x = ...` may change.
struct Namespace {
    DictPtr attrs;
};

struct Value {
    using Storage = std::variant<Undefined, None, bool, std::int64_t, double, std::string, ListPtr, DictPtr,
                                 Namespace, CallablePtr>;
    Storage v;

    Value() : v(Undefined{}) {}
    Value(None) : v(None{}) {}
    Value(Undefined u) : v(std::move(u)) {}
    Value(bool b) : v(b) {}
    Value(int i) : v(std::int64_t{i}) {}
    Value(std::int64_t i) : v(i) {}
    Value(double d) : v(d) {}
    Value(std::string s) : v(std::move(s)) {}
    Value(std::string_view s) : v(std::string(s)) {}
    Value(const char* s) : v(std::string(s)) {}
    Value(ListPtr l) : v(std::move(l)) {}
    Value(DictPtr d) : v(std::move(d)) {}
    Value(Namespace n) : v(std::move(n)) {}
    Value(CallablePtr c) : v(std::move(c)) {}

    bool is_undefined() const { return std::holds_alternative<Undefined>(v); }
    bool is_none() const { return std::holds_alternative<None>(v); }
    bool is_bool() const { return std::holds_alternative<bool>(v); }
    bool is_int() const { return std::holds_alternative<std::int64_t>(v); }
    bool is_float() const { return std::holds_alternative<double>(v); }
    bool is_number() const { return is_int() || is_float() || is_bool(); }
    bool is_string() const { return std::holds_alternative<std::string>(v); }
    bool is_list() const { return std::holds_alternative<ListPtr>(v); }
    bool is_dict() const { return std::holds_alternative<DictPtr>(v); }
    bool is_namespace() const { return std::holds_alternative<Namespace>(v); }
    bool is_callable() const { return std::holds_alternative<CallablePtr>(v); }

    bool as_bool() const { return std::get<bool>(v); }
    std::int64_t as_int() const { return std::get<std::int64_t>(v); }
    double as_float() const { return std::get<double>(v); }
    const std::string& str() const { return std::get<std::string>(v); }
    const ListPtr& list() const { return std::get<ListPtr>(v); }
    const DictPtr& dict() const { return std::get<DictPtr>(v); }
    const Namespace& ns() const { return std::get<Namespace>(v); }
    const CallablePtr& callable() const { return std::get<CallablePtr>(v); }
};

struct ListData {
    std::vector<Value> items;
    bool is_tuple = false; // only changes how it prints: (1, 2) rather than [1, 2]
};

// An insertion-ordered dict, as Python's. Small (a message, a tool schema), so
// lookups are linear.
struct DictData {
    std::vector<std::pair<Value, Value>> items;

    const Value* find(const Value& key) const;
    const Value* find_str(std::string_view key) const;
    void set(Value key, Value value);
};

// Arguments of a call: positional, then keyword.
struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keyword;

    // The argument at position i or named `name`, else fallback.
    Value get(std::size_t i, std::string_view name, Value fallback = Value()) const;
    bool has(std::size_t i, std::string_view name) const;
};

class Callable {
public:
    virtual ~Callable() = default;
    virtual Value call(Evaluator& ev, const CallArgs& args) = 0;
    virtual std::string repr() const = 0;
};

// A callable made of a C++ function (builtin globals, bound methods).
class NativeFunction : public Callable {
public:
    using Fn = std::function<Value(Evaluator&, const CallArgs&)>;
    NativeFunction(std::string name, Fn fn) : name_(std::move(name)), fn_(std::move(fn)) {}
    Value call(Evaluator& ev, const CallArgs& args) override { return fn_(ev, args); }
    std::string repr() const override { return "<built-in function " + name_ + ">"; }

private:
    std::string name_;
    Fn fn_;
};

Value make_list(std::vector<Value> items, bool is_tuple = false);
Value make_dict();
Value make_native(std::string name, NativeFunction::Fn fn);

// Python's truth value.
bool truthy(const Value& v);
// Python's ==.
bool equals(const Value& a, const Value& b);
// Python's <; fails on types Python cannot order.
bool less(const Value& a, const Value& b);
// str(v) as Jinja prints it ({{ v }}): undefined prints as "".
std::string to_str(const Value& v);
// repr(v).
std::string repr(const Value& v);
// The Python type name, for error messages ("dict object", "str object").
std::string type_name(const Value& v);

// Arithmetic and containment with Python's rules.
Value op_add(const Value& a, const Value& b);
Value op_sub(const Value& a, const Value& b);
Value op_mul(const Value& a, const Value& b);
Value op_div(const Value& a, const Value& b);
Value op_floordiv(const Value& a, const Value& b);
Value op_mod(const Value& a, const Value& b);
Value op_pow(const Value& a, const Value& b);
Value op_neg(const Value& a);
bool op_contains(const Value& container, const Value& item); // item in container

// len(); fails on values without a length.
std::int64_t length(const Value& v);
// The items a for loop visits: list items, dict keys, string characters;
// undefined gives none.
std::vector<Value> iterate(const Value& v);
// container[key] for lists, tuples, strings and dicts; nullptr result means
// "missing" (the caller turns it into an undefined).
bool get_item(const Value& container, const Value& key, Value& out);
// container[start:stop:step]; absent bounds are undefined values.
Value get_slice(const Value& container, const Value& start, const Value& stop, const Value& step);

} // namespace moecut::jinja

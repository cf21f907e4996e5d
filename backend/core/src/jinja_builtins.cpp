// Jinja's tests (`x is defined`) and the environment's global functions, as
// Jinja 3.1 and transformers' chat-template environment provide them.
#include "jinja_eval.h"
#include "jinja_text.h"

#include <ctime>
#include <unordered_map>

namespace moecut::jinja {

namespace {

using TestFn = bool (*)(Evaluator&, const Value&, const CallArgs&);

bool has_upper_or_lower(const std::string& s, bool want_upper) {
    bool cased = false;
    for (char32_t c : decode_utf8(s)) {
        bool up = py_to_lower(c) != c, low = py_to_upper(c) != c;
        if ((want_upper && low) || (!want_upper && up)) return false;
        cased = cased || up || low;
    }
    return cased;
}

bool same_as(const Value& a, const Value& b) {
    if (a.v.index() != b.v.index()) return false;
    if (a.is_list()) return a.list() == b.list();
    if (a.is_dict()) return a.dict() == b.dict();
    return equals(a, b);
}

Value number_arg(const CallArgs& args, const char* what) {
    Value v = args.get(0, what);
    if (!v.is_number()) fail(std::string("the '") + what + "' argument must be a number");
    return v;
}

const std::unordered_map<std::string, TestFn>& tests() {
    static const std::unordered_map<std::string, TestFn> table = {
        {"defined", [](Evaluator&, const Value& v, const CallArgs&) { return !v.is_undefined(); }},
        {"undefined", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_undefined(); }},
        {"none", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_none(); }},
        {"boolean", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_bool(); }},
        {"true", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_bool() && v.as_bool(); }},
        {"false", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_bool() && !v.as_bool(); }},
        {"integer", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_int(); }},
        {"float", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_float(); }},
        {"number", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_number(); }},
        {"string", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_string(); }},
        {"mapping", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_dict(); }},
        {"sequence",
         [](Evaluator&, const Value& v, const CallArgs&) {
             return v.is_string() || v.is_list() || v.is_dict() || v.is_undefined();
         }},
        {"iterable",
         [](Evaluator&, const Value& v, const CallArgs&) {
             return v.is_string() || v.is_list() || v.is_dict() || v.is_undefined();
         }},
        // Undefined defines __call__ (to fail), so Python calls it callable.
        {"callable", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_callable() || v.is_undefined(); }},
        {"lower",
         [](Evaluator&, const Value& v, const CallArgs&) { return has_upper_or_lower(to_str(v), false); }},
        {"upper", [](Evaluator&, const Value& v, const CallArgs&) { return has_upper_or_lower(to_str(v), true); }},
        {"escaped", [](Evaluator&, const Value&, const CallArgs&) { return false; }},
        {"odd",
         [](Evaluator&, const Value& v, const CallArgs&) { return equals(op_mod(v, Value(2)), Value(1)); }},
        {"even",
         [](Evaluator&, const Value& v, const CallArgs&) { return equals(op_mod(v, Value(2)), Value(0)); }},
        {"divisibleby",
         [](Evaluator&, const Value& v, const CallArgs& a) {
             return equals(op_mod(v, number_arg(a, "num")), Value(0));
         }},
        {"sameas", [](Evaluator&, const Value& v, const CallArgs& a) { return same_as(v, a.get(0, "other")); }},
        {"in", [](Evaluator&, const Value& v, const CallArgs& a) { return op_contains(a.get(0, "seq"), v); }},
        {"filter",
         [](Evaluator&, const Value& v, const CallArgs&) { return v.is_string() && has_filter(v.str()); }},
        {"test", [](Evaluator&, const Value& v, const CallArgs&) { return v.is_string() && has_test(v.str()); }},
        {"eq", [](Evaluator&, const Value& v, const CallArgs& a) { return equals(v, a.get(0, "other")); }},
        {"ne", [](Evaluator&, const Value& v, const CallArgs& a) { return !equals(v, a.get(0, "other")); }},
        {"lt", [](Evaluator&, const Value& v, const CallArgs& a) { return less(v, a.get(0, "other")); }},
        {"gt", [](Evaluator&, const Value& v, const CallArgs& a) { return less(a.get(0, "other"), v); }},
        {"le",
         [](Evaluator&, const Value& v, const CallArgs& a) {
             Value o = a.get(0, "other");
             return less(v, o) || equals(v, o);
         }},
        {"ge",
         [](Evaluator&, const Value& v, const CallArgs& a) {
             Value o = a.get(0, "other");
             return less(o, v) || equals(v, o);
         }},
    };
    return table;
}

const std::string& canonical_test(const std::string& name) {
    static const std::unordered_map<std::string, std::string> aliases = {
        {"==", "eq"}, {"equalto", "eq"}, {"!=", "ne"}, {"<", "lt"}, {"lessthan", "lt"}, {">", "gt"},
        {"greaterthan", "gt"}, {"<=", "le"}, {">=", "ge"}};
    auto it = aliases.find(name);
    return it == aliases.end() ? name : it->second;
}

std::int64_t int_arg(const Value& v, const char* what) {
    if (v.is_bool()) return v.as_bool() ? 1 : 0;
    if (!v.is_int()) fail(std::string("'") + type_name(v) + "' object cannot be interpreted as an integer (" + what + ")");
    return v.as_int();
}

Value make_namespace(Evaluator& ev, const CallArgs& args) {
    auto attrs = std::make_shared<DictData>();
    ev.track(attrs);
    for (const Value& p : args.positional) {
        if (!p.is_dict()) fail("namespace() takes a mapping as its positional argument");
        for (const auto& [k, v] : p.dict()->items) attrs->set(k, v);
    }
    for (const auto& [k, v] : args.keyword) attrs->set(Value(k), v);
    for (const auto& [k, v] : attrs->items)
        if (k.is_string() && !k.str().empty() && k.str()[0] == '_')
            fail("Chat templates cannot store underscore-prefixed attributes on a namespace, but got " + repr(k) +
                 ". Please rename the attribute.");
    return Value(Namespace{attrs});
}

} // namespace

bool has_test(const std::string& name) { return tests().count(canonical_test(name)) != 0; }

bool apply_test(Evaluator& ev, const std::string& name, const Value& input, const CallArgs& args) {
    auto it = tests().find(canonical_test(name));
    if (it == tests().end()) fail("No test named '" + name + "'.");
    return it->second(ev, input, args);
}

void add_globals(DictData& g) {
    g.set(Value("range"), make_native("range", [](Evaluator&, const CallArgs& a) -> Value {
              std::int64_t start = 0, stop, step = 1;
              if (a.positional.size() == 1) {
                  stop = int_arg(a.positional[0], "stop");
              } else if (a.positional.size() == 2 || a.positional.size() == 3) {
                  start = int_arg(a.positional[0], "start");
                  stop = int_arg(a.positional[1], "stop");
                  if (a.positional.size() == 3) step = int_arg(a.positional[2], "step");
              } else {
                  fail("range expected 1 to 3 arguments, got " + std::to_string(a.positional.size()));
              }
              if (step == 0) fail("range() arg 3 must not be zero");
              std::vector<Value> out;
              for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
                  if (out.size() >= 100000)
                      fail("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
                  out.emplace_back(i);
              }
              return make_list(std::move(out));
          }));
    g.set(Value("dict"), make_native("dict", [](Evaluator&, const CallArgs& a) -> Value {
              Value d = make_dict();
              for (const Value& p : a.positional) {
                  if (p.is_dict()) {
                      for (const auto& [k, v] : p.dict()->items) d.dict()->set(k, v);
                  } else {
                      for (const Value& pair : iterate(p)) {
                          std::vector<Value> kv = iterate(pair);
                          if (kv.size() != 2) fail("dictionary update sequence element has the wrong length");
                          d.dict()->set(kv[0], kv[1]);
                      }
                  }
              }
              for (const auto& [k, v] : a.keyword) d.dict()->set(Value(k), v);
              return d;
          }));
    g.set(Value("namespace"), make_native("namespace", [](Evaluator& ev, const CallArgs& a) { return make_namespace(ev, a); }));
    g.set(Value("raise_exception"), make_native("raise_exception", [](Evaluator&, const CallArgs& a) -> Value {
              fail(to_str(a.get(0, "message")));
          }));
    g.set(Value("strftime_now"), make_native("strftime_now", [](Evaluator&, const CallArgs& a) -> Value {
              std::string fmt = to_str(a.get(0, "format"));
              std::time_t now = std::time(nullptr);
              std::tm tm{};
              localtime_r(&now, &tm);
              char buf[512];
              std::size_t n = std::strftime(buf, sizeof buf, fmt.c_str(), &tm);
              return Value(std::string(buf, n));
          }));
    g.set(Value("joiner"), make_native("joiner", [](Evaluator&, const CallArgs& a) -> Value {
              std::string sep = a.has(0, "sep") ? to_str(a.get(0, "sep")) : ", ";
              auto used = std::make_shared<bool>(false);
              return make_native("joiner", [sep, used](Evaluator&, const CallArgs&) -> Value {
                  if (!*used) {
                      *used = true;
                      return Value("");
                  }
                  return Value(sep);
              });
          }));
}

} // namespace moecut::jinja

// Expression evaluation: operators, attribute and item access, calls.
#include "jinja_eval.h"

namespace moecut::jinja {

namespace {

// The unsafe methods ImmutableSandboxedEnvironment refuses: they would change
// a list or dict that the caller passed in.
bool is_mutating_method(const Value& obj, const std::string& name) {
    if (obj.is_list())
        return name == "append" || name == "extend" || name == "insert" || name == "pop" || name == "remove" ||
               name == "reverse" || name == "sort" || name == "clear";
    if (obj.is_dict())
        return name == "clear" || name == "pop" || name == "popitem" || name == "setdefault" || name == "update";
    return false;
}

std::string object_name(const Value& v) {
    if (v.is_none()) return "'None'";
    return "'" + type_name(v) + " object'";
}

} // namespace

Value Evaluator::eval(const Expr& e) {
    try {
        return eval_inner(e);
    } catch (RenderError& err) {
        if (err.line == 0) err.line = e.line;
        throw;
    } catch (const std::bad_alloc&) {
        throw RenderError("out of memory", e.line);
    } catch (const std::exception& err) { // a library error (e.g. a number out of range) is the template's fault
        throw RenderError(err.what(), e.line);
    }
}

Value Evaluator::get_attr(const Value& obj, const std::string& name) {
    if (obj.is_undefined()) fail_undefined(obj);
    if (is_mutating_method(obj, name)) {
        std::string what = type_name(obj);
        return make_native(name, [what, name](Evaluator&, const CallArgs&) -> Value {
            fail("access to attribute '" + name + "' of '" + what + "' object is unsafe.");
        });
    }
    Value method;
    if (get_method(obj, name, method)) return method;
    if (obj.is_dict()) {
        if (const Value* v = obj.dict()->find_str(name)) return *v;
    } else if (obj.is_namespace()) {
        if (const Value* v = obj.ns().attrs->find_str(name)) return *v;
    }
    return Value(Undefined{object_name(obj) + " has no attribute '" + name + "'"});
}

Value Evaluator::get_item_or_attr(const Value& obj, const Value& key) {
    Value out;
    if (get_item(obj, key, out)) return out;
    if (key.is_string()) {
        Value attr = get_attr(obj, key.str());
        if (!attr.is_undefined()) return attr;
        return Value(Undefined{object_name(obj) + " has no attribute '" + key.str() + "'"});
    }
    return Value(Undefined{object_name(obj) + " has no element " + repr(key)});
}

CallArgs Evaluator::eval_args(const Expr& e, std::size_t first) {
    CallArgs args;
    for (std::size_t i = first; i < e.items.size(); ++i) args.positional.push_back(eval(*e.items[i]));
    if (e.dyn_args)
        for (Value& v : iterate(eval(*e.dyn_args))) args.positional.push_back(std::move(v));
    for (const auto& [k, v] : e.kwargs) args.keyword.emplace_back(k, eval(*v));
    if (e.dyn_kwargs) {
        Value d = eval(*e.dyn_kwargs);
        if (!d.is_dict()) fail("argument after ** must be a mapping, not " + type_name(d));
        for (const auto& [k, v] : d.dict()->items) args.keyword.emplace_back(to_str(k), v);
    }
    return args;
}

Value Evaluator::eval_call(const Expr& e) {
    Value callee = eval(*e.items[0]);
    return call(callee, eval_args(e, 1));
}

Value Evaluator::eval_compare(const Expr& e) {
    Value left = eval(*e.items[0]);
    for (std::size_t i = 0; i < e.ops.size(); ++i) {
        Value right = eval(*e.items[i + 1]);
        const std::string& op = e.ops[i];
        bool ok;
        if (op == "==") ok = equals(left, right);
        else if (op == "!=") ok = !equals(left, right);
        else if (op == "<") ok = less(left, right);
        else if (op == ">") ok = less(right, left);
        else if (op == "<=") ok = less(left, right) || equals(left, right);
        else if (op == ">=") ok = less(right, left) || equals(left, right);
        else if (op == "in") ok = op_contains(right, left);
        else ok = !op_contains(right, left); // notin
        if (!ok) return Value(false);
        left = std::move(right);
    }
    return Value(true);
}

Value Evaluator::eval_inner(const Expr& e) {
    switch (e.kind) {
    case Expr::Kind::Const: return e.value;
    case Expr::Kind::Name: return lookup(e.name);
    case Expr::Kind::Getattr: return get_attr(eval(*e.items[0]), e.name);
    case Expr::Kind::Getitem: {
        Value obj = eval(*e.items[0]);
        const Expr& key = *e.items[1];
        if (key.kind == Expr::Kind::Slice) {
            auto bound = [&](std::size_t i) { return key.items[i] ? eval(*key.items[i]) : Value(); };
            return get_slice(obj, bound(0), bound(1), bound(2));
        }
        return get_item_or_attr(obj, eval(key));
    }
    case Expr::Kind::Slice: fail("slice outside of a subscript");
    case Expr::Kind::Call: return eval_call(e);
    case Expr::Kind::Filter: return apply_filter(*this, e.name, eval(*e.items[0]), eval_args(e, 1));
    case Expr::Kind::Test: return Value(apply_test(*this, e.name, eval(*e.items[0]), eval_args(e, 1)));
    case Expr::Kind::Not: return Value(!truthy(eval(*e.items[0])));
    case Expr::Kind::Neg: return op_neg(eval(*e.items[0]));
    case Expr::Kind::Pos: {
        Value v = eval(*e.items[0]);
        if (!v.is_number()) fail("bad operand type for unary +: '" + type_name(v) + "'");
        return v.is_bool() ? Value(std::int64_t{v.as_bool()}) : v;
    }
    case Expr::Kind::Binary: {
        Value a = eval(*e.items[0]);
        Value b = eval(*e.items[1]);
        const std::string& op = e.name;
        if (op == "+") return op_add(a, b);
        if (op == "-") return op_sub(a, b);
        if (op == "*") return op_mul(a, b);
        if (op == "/") return op_div(a, b);
        if (op == "//") return op_floordiv(a, b);
        if (op == "%") return op_mod(a, b);
        return op_pow(a, b);
    }
    case Expr::Kind::Concat: {
        std::string s;
        for (const auto& item : e.items) s += to_str(eval(*item));
        return Value(std::move(s));
    }
    case Expr::Kind::Compare: return eval_compare(e);
    case Expr::Kind::And: {
        Value a = eval(*e.items[0]);
        return truthy(a) ? eval(*e.items[1]) : a;
    }
    case Expr::Kind::Or: {
        Value a = eval(*e.items[0]);
        return truthy(a) ? a : eval(*e.items[1]);
    }
    case Expr::Kind::CondExpr:
        if (truthy(eval(*e.items[0]))) return eval(*e.items[1]);
        if (e.items[2]) return eval(*e.items[2]);
        return Value(Undefined{"the inline if-expression on line " + std::to_string(e.line) +
                               " evaluated to false and no else section was defined."});
    case Expr::Kind::List:
    case Expr::Kind::Tuple: {
        std::vector<Value> items;
        for (const auto& item : e.items) items.push_back(eval(*item));
        return make_list(std::move(items), e.kind == Expr::Kind::Tuple);
    }
    case Expr::Kind::Dict: {
        Value d = make_dict();
        for (std::size_t i = 0; i + 1 < e.items.size(); i += 2) {
            Value k = eval(*e.items[i]);
            if (k.is_list() && !k.list()->is_tuple) fail("unhashable type: 'list'");
            if (k.is_dict()) fail("unhashable type: 'dict'");
            d.dict()->set(std::move(k), eval(*e.items[i + 1]));
        }
        return d;
    }
    case Expr::Kind::NSRef: return get_attr(lookup(e.name), e.attr);
    }
    fail("unknown expression");
}

} // namespace moecut::jinja

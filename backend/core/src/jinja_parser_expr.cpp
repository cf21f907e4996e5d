// Expressions, from conditional expressions down to literals, with postfix
// access, calls, filters and tests.
#include "jinja_parser.h"

namespace moecut::jinja {

bool Parser::is_tuple_end(const std::vector<std::string>& extra_end) const {
    if (cur().type == Tok::VarEnd || cur().type == Tok::BlockEnd || cur().is_op(")")) return true;
    for (const auto& e : extra_end)
        if (cur().is_name(e)) return true;
    return false;
}

ExprPtr Parser::parse_tuple_simplified(const std::vector<std::string>& extra_end, bool with_namespace) {
    int line = cur().line;
    std::vector<ExprPtr> args;
    bool is_tuple = false;
    while (true) {
        if (!args.empty()) expect_op(",");
        if (is_tuple_end(extra_end)) break;
        args.push_back(parse_primary(with_namespace));
        if (cur().is_op(",")) is_tuple = true;
        else break;
    }
    if (!is_tuple) {
        if (args.empty()) fail_here("expected an expression, got '" + describe(cur()) + "'");
        return std::move(args[0]);
    }
    auto t = make(Expr::Kind::Tuple, line);
    t->items = std::move(args);
    return t;
}

ExprPtr Parser::parse_tuple(bool with_condexpr, const std::vector<std::string>& extra_end, bool explicit_parens) {
    int line = cur().line;
    std::vector<ExprPtr> args;
    bool is_tuple = false;
    while (true) {
        if (!args.empty()) expect_op(",");
        if (is_tuple_end(extra_end)) break;
        args.push_back(parse_expression(with_condexpr));
        if (cur().is_op(",")) is_tuple = true;
        else break;
    }
    if (!is_tuple) {
        if (!args.empty()) return std::move(args[0]);
        if (!explicit_parens) fail_here("expected an expression, got '" + describe(cur()) + "'");
    }
    auto t = make(Expr::Kind::Tuple, line);
    t->items = std::move(args);
    return t;
}

ExprPtr Parser::parse_condexpr() {
    int line = cur().line;
    ExprPtr expr1 = parse_or();
    while (skip_name("if")) {
        auto c = make(Expr::Kind::CondExpr, line);
        c->items.push_back(parse_or());
        c->items.push_back(std::move(expr1));
        c->items.push_back(skip_name("else") ? parse_condexpr() : nullptr);
        expr1 = std::move(c);
        line = cur().line;
    }
    return expr1;
}

ExprPtr Parser::binary(Expr::Kind k, int line, ExprPtr a, ExprPtr b, std::string op) {
    auto e = make(k, line);
    e->name = std::move(op);
    e->items.push_back(std::move(a));
    e->items.push_back(std::move(b));
    return e;
}

ExprPtr Parser::parse_or() {
    int line = cur().line;
    ExprPtr left = parse_and();
    while (skip_name("or")) left = binary(Expr::Kind::Or, line, std::move(left), parse_and());
    return left;
}

ExprPtr Parser::parse_and() {
    int line = cur().line;
    ExprPtr left = parse_not();
    while (skip_name("and")) left = binary(Expr::Kind::And, line, std::move(left), parse_not());
    return left;
}

ExprPtr Parser::parse_not() {
    if (cur().is_name("not")) {
        auto e = make(Expr::Kind::Not, next().line);
        e->items.push_back(parse_not());
        return e;
    }
    return parse_compare();
}

ExprPtr Parser::parse_compare() {
    int line = cur().line;
    ExprPtr expr = parse_math1();
    ExprPtr cmp;
    while (true) {
        std::string op;
        if (cur().type == Tok::Op && (cur().text == "==" || cur().text == "!=" || cur().text == "<" ||
                                      cur().text == "<=" || cur().text == ">" || cur().text == ">=")) {
            op = next().text;
        } else if (skip_name("in")) {
            op = "in";
        } else if (cur().is_name("not") && look().is_name("in")) {
            next();
            next();
            op = "notin";
        } else {
            break;
        }
        if (!cmp) {
            cmp = make(Expr::Kind::Compare, line);
            cmp->items.push_back(std::move(expr));
        }
        cmp->ops.push_back(op);
        cmp->items.push_back(parse_math1());
    }
    return cmp ? std::move(cmp) : std::move(expr);
}

ExprPtr Parser::parse_math1() {
    int line = cur().line;
    ExprPtr left = parse_concat();
    while (cur().is_op("+") || cur().is_op("-")) {
        std::string op = next().text;
        left = binary(Expr::Kind::Binary, line, std::move(left), parse_concat(), op);
    }
    return left;
}

ExprPtr Parser::parse_concat() {
    int line = cur().line;
    ExprPtr first = parse_math2();
    if (!cur().is_op("~")) return first;
    auto e = make(Expr::Kind::Concat, line);
    e->items.push_back(std::move(first));
    while (skip_op("~")) e->items.push_back(parse_math2());
    return e;
}

ExprPtr Parser::parse_math2() {
    int line = cur().line;
    ExprPtr left = parse_pow();
    while (cur().is_op("*") || cur().is_op("/") || cur().is_op("//") || cur().is_op("%")) {
        std::string op = next().text;
        left = binary(Expr::Kind::Binary, line, std::move(left), parse_pow(), op);
    }
    return left;
}

ExprPtr Parser::parse_pow() {
    int line = cur().line;
    ExprPtr left = parse_unary(true);
    while (skip_op("**")) left = binary(Expr::Kind::Binary, line, std::move(left), parse_unary(true), "**");
    return left;
}

ExprPtr Parser::parse_unary(bool with_filter) {
    int line = cur().line;
    ExprPtr node;
    if (cur().is_op("-") || cur().is_op("+")) {
        bool neg = next().text == "-";
        node = make(neg ? Expr::Kind::Neg : Expr::Kind::Pos, line);
        node->items.push_back(parse_unary(false));
    } else {
        node = parse_primary(false);
    }
    node = parse_postfix(std::move(node));
    if (with_filter) node = parse_filter_expr(std::move(node));
    return node;
}

ExprPtr Parser::parse_primary(bool with_namespace) {
    const Token& tok = cur();
    int line = tok.line;
    if (tok.type == Tok::Name) {
        std::string n = next().text;
        if (n == "true" || n == "True" || n == "false" || n == "False") {
            auto e = make(Expr::Kind::Const, line);
            e->value = Value(n == "true" || n == "True");
            return e;
        }
        if (n == "none" || n == "None") {
            auto e = make(Expr::Kind::Const, line);
            e->value = Value(None{});
            return e;
        }
        if (with_namespace && cur().is_op(".")) {
            next();
            auto e = make(Expr::Kind::NSRef, line);
            e->name = n;
            e->attr = expect_any_name();
            return e;
        }
        auto e = make(Expr::Kind::Name, line);
        e->name = n;
        return e;
    }
    if (tok.type == Tok::String) {
        std::string s;
        while (cur().type == Tok::String) s += next().text; // adjacent literals concatenate
        auto e = make(Expr::Kind::Const, line);
        e->value = Value(std::move(s));
        return e;
    }
    if (tok.type == Tok::Integer || tok.type == Tok::Float) {
        auto e = make(Expr::Kind::Const, line);
        e->value = tok.type == Tok::Integer ? Value(tok.ival) : Value(tok.fval);
        next();
        return e;
    }
    if (tok.is_op("(")) {
        next();
        ExprPtr e = parse_tuple(true, {}, true);
        expect_op(")");
        return e;
    }
    if (tok.is_op("[")) {
        next();
        auto e = make(Expr::Kind::List, line);
        while (!cur().is_op("]")) {
            if (!e->items.empty()) expect_op(",");
            if (cur().is_op("]")) break;
            e->items.push_back(parse_expression(true));
        }
        expect_op("]");
        return e;
    }
    if (tok.is_op("{")) {
        next();
        auto e = make(Expr::Kind::Dict, line);
        while (!cur().is_op("}")) {
            if (!e->items.empty()) expect_op(",");
            if (cur().is_op("}")) break;
            e->items.push_back(parse_expression(true));
            expect_op(":");
            e->items.push_back(parse_expression(true));
        }
        expect_op("}");
        return e;
    }
    fail_here("unexpected '" + describe(tok) + "'");
}

ExprPtr Parser::parse_postfix(ExprPtr node) {
    while (true) {
        if (cur().is_op(".") || cur().is_op("[")) node = parse_subscript(std::move(node));
        else if (cur().is_op("(")) node = parse_call(std::move(node));
        else return node;
    }
}

ExprPtr Parser::parse_filter_expr(ExprPtr node) {
    while (true) {
        if (cur().is_op("|")) node = parse_filter_chain(std::move(node), false);
        else if (cur().is_name("is")) node = parse_test(std::move(node));
        else if (cur().is_op("(")) node = parse_call(std::move(node));
        else return node;
    }
}

ExprPtr Parser::parse_subscript(ExprPtr node) {
    const Token& tok = next();
    int line = tok.line;
    if (tok.text == ".") {
        const Token& attr = next();
        if (attr.type == Tok::Name) {
            auto e = make(Expr::Kind::Getattr, line);
            e->name = attr.text;
            e->items.push_back(std::move(node));
            return e;
        }
        if (attr.type != Tok::Integer) throw SyntaxError("expected name or number", attr.line);
        auto e = make(Expr::Kind::Getitem, line);
        e->items.push_back(std::move(node));
        auto k = make(Expr::Kind::Const, attr.line);
        k->value = Value(attr.ival);
        e->items.push_back(std::move(k));
        return e;
    }
    std::vector<ExprPtr> args;
    while (!cur().is_op("]")) {
        if (!args.empty()) expect_op(",");
        args.push_back(parse_subscribed());
    }
    expect_op("]");
    auto e = make(Expr::Kind::Getitem, line);
    e->items.push_back(std::move(node));
    if (args.size() == 1) {
        e->items.push_back(std::move(args[0]));
    } else {
        auto t = make(Expr::Kind::Tuple, line);
        t->items = std::move(args);
        e->items.push_back(std::move(t));
    }
    return e;
}

ExprPtr Parser::parse_subscribed() {
    int line = cur().line;
    ExprPtr first;
    if (!cur().is_op(":")) {
        first = parse_expression(true);
        if (!cur().is_op(":")) return first;
    }
    next(); // the first colon
    auto s = make(Expr::Kind::Slice, line);
    s->items.push_back(std::move(first));
    auto at_bound_end = [&] { return cur().is_op("]") || cur().is_op(","); };
    s->items.push_back(cur().is_op(":") || at_bound_end() ? nullptr : parse_expression(true));
    if (skip_op(":")) s->items.push_back(at_bound_end() ? nullptr : parse_expression(true));
    else s->items.push_back(nullptr);
    return s;
}

void Parser::parse_call_args(Expr& e) {
    expect_op("(");
    bool need_comma = false;
    while (!cur().is_op(")")) {
        if (need_comma) {
            expect_op(",");
            if (cur().is_op(")")) break;
        }
        if (skip_op("*")) {
            e.dyn_args = parse_expression(true);
        } else if (skip_op("**")) {
            e.dyn_kwargs = parse_expression(true);
        } else if (cur().type == Tok::Name && look().is_op("=")) {
            std::string key = next().text;
            next();
            e.kwargs.emplace_back(key, parse_expression(true));
        } else {
            if (!e.kwargs.empty() || e.dyn_args || e.dyn_kwargs)
                fail_here("invalid syntax for function call expression");
            e.items.push_back(parse_expression(true));
        }
        need_comma = true;
    }
    expect_op(")");
}

ExprPtr Parser::parse_call(ExprPtr node) {
    auto e = make(Expr::Kind::Call, cur().line);
    e->items.push_back(std::move(node));
    parse_call_args(*e);
    return e;
}

ExprPtr Parser::parse_filter_chain(ExprPtr node, bool start_inline) {
    while (cur().is_op("|") || start_inline) {
        if (!start_inline) next();
        start_inline = false;
        int line = cur().line;
        std::string name = expect_any_name();
        while (skip_op(".")) name += "." + expect_any_name();
        auto e = make(Expr::Kind::Filter, line);
        e->name = name;
        e->items.push_back(std::move(node));
        if (cur().is_op("(")) parse_call_args(*e);
        node = std::move(e);
    }
    return node;
}

ExprPtr Parser::parse_test(ExprPtr node) {
    int line = next().line; // "is"
    bool negated = skip_name("not");
    std::string name = expect_any_name();
    while (skip_op(".")) name += "." + expect_any_name();
    auto e = make(Expr::Kind::Test, line);
    e->name = name;
    e->items.push_back(std::move(node));
    const Token& c = cur();
    if (c.is_op("(")) {
        parse_call_args(*e);
    } else if ((c.type == Tok::Name || c.type == Tok::String || c.type == Tok::Integer || c.type == Tok::Float ||
                c.is_op("[") || c.is_op("{")) &&
               !c.is_name("else") && !c.is_name("or") && !c.is_name("and")) {
        if (c.is_name("is")) fail_here("You cannot chain multiple tests with is");
        e->items.push_back(parse_postfix(parse_primary(false)));
    }
    if (!negated) return e;
    auto n = make(Expr::Kind::Not, line);
    n->items.push_back(std::move(e));
    return n;
}

} // namespace moecut::jinja

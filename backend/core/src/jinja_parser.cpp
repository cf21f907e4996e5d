// Statements: the template body, tags and their blocks.
#include "jinja_parser.h"

#include <unordered_set>

namespace moecut::jinja {

Body Parser::parse() {
    Body body = subparse({});
    if (cur().type != Tok::Eof) fail_here("unexpected '" + describe(cur()) + "'");
    return body;
}

std::string Parser::describe(const Token& t) {
    switch (t.type) {
    case Tok::Eof: return "end of template";
    case Tok::VarEnd: return "end of print statement";
    case Tok::BlockEnd: return "end of statement block";
    case Tok::VarBegin: return "begin of print statement";
    case Tok::BlockBegin: return "begin of statement block";
    case Tok::Data: return "template data";
    case Tok::String: return "string";
    default: return t.text;
    }
}

void Parser::expect_op(const char* op) {
    if (!cur().is_op(op)) fail_here(std::string("expected '") + op + "', got '" + describe(cur()) + "'");
    next();
}

void Parser::expect_name(const char* name) {
    if (!cur().is_name(name)) fail_here(std::string("expected '") + name + "', got '" + describe(cur()) + "'");
    next();
}

std::string Parser::expect_any_name() {
    if (cur().type != Tok::Name) fail_here("expected a name, got '" + describe(cur()) + "'");
    return next().text;
}

void Parser::expect(Tok type, const char* what) {
    if (cur().type != type) fail_here(std::string("expected ") + what + ", got '" + describe(cur()) + "'");
    next();
}

bool Parser::skip_op(const char* op) {
    if (!cur().is_op(op)) return false;
    next();
    return true;
}

bool Parser::skip_name(const char* name) {
    if (!cur().is_name(name)) return false;
    next();
    return true;
}

Body Parser::subparse(const std::vector<std::string>& end_tags) {
    Body body;
    while (cur().type != Tok::Eof) {
        const Token& tok = cur();
        if (tok.type == Tok::Data) {
            auto s = std::make_unique<Stmt>(Stmt::Kind::Data, tok.line);
            s->text = tok.text;
            body.push_back(std::move(s));
            next();
        } else if (tok.type == Tok::VarBegin) {
            next();
            auto s = std::make_unique<Stmt>(Stmt::Kind::Output, tok.line);
            s->expr = parse_tuple(true, {});
            expect(Tok::VarEnd, "end of print statement");
            body.push_back(std::move(s));
        } else if (tok.type == Tok::BlockBegin) {
            next();
            for (const auto& end : end_tags)
                if (cur().is_name(end)) return body;
            body.push_back(parse_statement());
            expect(Tok::BlockEnd, "end of statement block");
        } else {
            fail_here("unexpected '" + describe(tok) + "'");
        }
    }
    if (!end_tags.empty()) {
        std::string wanted;
        for (const auto& e : end_tags) wanted += (wanted.empty() ? "'" : " or '") + e + "'";
        std::string open = open_tags_.empty() ? "block" : "'" + open_tags_.back() + "'";
        fail_here("unexpected end of template: the innermost " + open + " block needs " + wanted);
    }
    return body;
}

Body Parser::statements(const std::vector<std::string>& end_tags) {
    expect(Tok::BlockEnd, "end of statement block");
    return subparse(end_tags);
}

Body Parser::statements_drop(const char* end_tag) {
    Body b = statements({end_tag});
    next();
    return b;
}

StmtPtr Parser::parse_statement() {
    const Token& tok = cur();
    if (tok.type != Tok::Name) fail_here("tag name expected");
    std::string tag = tok.text;
    int line = tok.line;
    open_tags_.push_back(tag);
    StmtPtr s;
    if (tag == "if") s = parse_if();
    else if (tag == "for") s = parse_for();
    else if (tag == "set") s = parse_set();
    else if (tag == "macro") s = parse_macro();
    else if (tag == "call") s = parse_call_block();
    else if (tag == "filter") s = parse_filter_block();
    else if (tag == "with") s = parse_with();
    else if (tag == "break" || tag == "continue") {
        next();
        s = std::make_unique<Stmt>(tag == "break" ? Stmt::Kind::Break : Stmt::Kind::Continue, line);
    } else if (tag == "generation") { // transformers' assistant-mask tag renders its body
        next();
        s = std::make_unique<Stmt>(Stmt::Kind::Scope, line);
        s->body = statements_drop("endgeneration");
    } else if (tag == "print") {
        next();
        s = std::make_unique<Stmt>(Stmt::Kind::Output, line);
        s->expr = parse_tuple(true, {});
    } else {
        static const std::unordered_set<std::string> unsupported = {
            "include", "import", "from", "extends", "block", "do", "autoescape", "trans"};
        if (unsupported.count(tag)) fail_here("the '" + tag + "' tag is not supported in chat templates");
        fail_here("unknown tag '" + tag + "'");
    }
    open_tags_.pop_back();
    return s;
}

StmtPtr Parser::parse_if() {
    auto s = std::make_unique<Stmt>(Stmt::Kind::If, next().line);
    while (true) {
        s->conds.push_back(parse_tuple(false, {}));
        s->bodies.push_back(statements({"elif", "else", "endif"}));
        std::string tag = next().text;
        if (tag == "elif") continue;
        if (tag == "else") s->else_body = statements_drop("endif");
        break;
    }
    return s;
}

StmtPtr Parser::parse_for() {
    auto s = std::make_unique<Stmt>(Stmt::Kind::For, next().line);
    s->target = parse_assign_target(true, {"in"}, false);
    expect_name("in");
    s->expr = parse_tuple(false, {"recursive"});
    if (skip_name("if")) s->cond = parse_expression(true);
    if (cur().is_name("recursive")) fail_here("recursive for loops are not supported");
    s->body = statements({"endfor", "else"});
    if (next().text == "else") s->else_body = statements_drop("endfor");
    return s;
}

StmtPtr Parser::parse_set() {
    auto s = std::make_unique<Stmt>(Stmt::Kind::Set, next().line);
    s->target = parse_assign_target(true, {}, true);
    if (skip_op("=")) {
        s->expr = parse_tuple(true, {});
        return s;
    }
    s->kind = Stmt::Kind::SetBlock;
    s->expr = parse_filter_chain(nullptr, false);
    s->body = statements_drop("endset");
    return s;
}

void Parser::parse_signature(Stmt& s) {
    expect_op("(");
    while (!cur().is_op(")")) {
        if (!s.params.empty()) expect_op(",");
        s.params.push_back(expect_any_name());
        if (skip_op("=")) s.defaults.push_back(parse_expression(true));
        else if (!s.defaults.empty()) fail_here("non-default argument follows default argument");
    }
    expect_op(")");
}

StmtPtr Parser::parse_macro() {
    auto s = std::make_unique<Stmt>(Stmt::Kind::Macro, next().line);
    s->name = expect_any_name();
    parse_signature(*s);
    s->body = statements_drop("endmacro");
    return s;
}

StmtPtr Parser::parse_call_block() {
    auto s = std::make_unique<Stmt>(Stmt::Kind::CallBlock, next().line);
    if (cur().is_op("(")) parse_signature(*s);
    s->expr = parse_expression(true);
    if (s->expr->kind != Expr::Kind::Call) fail_here("expected call");
    s->body = statements_drop("endcall");
    return s;
}

StmtPtr Parser::parse_filter_block() {
    auto s = std::make_unique<Stmt>(Stmt::Kind::FilterBlock, next().line);
    s->expr = parse_filter_chain(nullptr, true);
    s->body = statements_drop("endfilter");
    return s;
}

StmtPtr Parser::parse_with() {
    auto s = std::make_unique<Stmt>(Stmt::Kind::With, next().line);
    while (cur().type != Tok::BlockEnd) {
        if (!s->targets.empty()) expect_op(",");
        s->targets.push_back(parse_assign_target(true, {}, false));
        expect_op("=");
        s->values.push_back(parse_expression(true));
    }
    s->body = statements_drop("endwith");
    return s;
}

ExprPtr Parser::parse_assign_target(bool with_tuple, const std::vector<std::string>& extra_end, bool with_namespace) {
    ExprPtr target = with_tuple ? parse_tuple_simplified(extra_end, with_namespace) : parse_primary(with_namespace);
    auto assignable = [](const Expr& e) { return e.kind == Expr::Kind::Name || e.kind == Expr::Kind::NSRef; };
    bool ok = assignable(*target);
    if (target->kind == Expr::Kind::Tuple) {
        ok = true;
        for (const auto& item : target->items) ok = ok && item->kind == Expr::Kind::Name;
    }
    if (!ok) throw SyntaxError("can't assign to this expression", target->line);
    return target;
}

Body parse_template(std::string_view source) { return Parser(tokenize(source)).parse(); }

} // namespace moecut::jinja

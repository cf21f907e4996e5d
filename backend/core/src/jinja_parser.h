// The Jinja parser: tokens to the statement and expression tree of
// jinja_ast.h, with jinja2/parser.py's grammar and precedence:
// condexpr < or < and < not < compare < + - < ~ < * / // % < ** < unary
// < postfix (. [] ()) < filters and tests.
// Statements are in jinja_parser.cpp, expressions in jinja_parser_expr.cpp.
#pragma once

#include "jinja_ast.h"
#include "jinja_lexer.h"

#include <algorithm>
#include <string>
#include <vector>

namespace moecut::jinja {

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}
    Body parse();

private:
    std::vector<Token> t_;
    std::size_t i_ = 0;
    std::vector<std::string> open_tags_;
    const Token& cur() const { return t_[i_]; }
    const Token& look(std::size_t n = 1) const { return t_[std::min(i_ + n, t_.size() - 1)]; }
    const Token& next() { return t_[i_ < t_.size() - 1 ? i_++ : i_]; }
    static std::string describe(const Token& t);
    [[noreturn]] void fail_here(const std::string& msg) const { throw SyntaxError(msg, cur().line); }
    void expect_op(const char* op);
    void expect_name(const char* name);
    std::string expect_any_name();
    void expect(Tok type, const char* what);
    bool skip_op(const char* op);
    bool skip_name(const char* name);
    static ExprPtr make(Expr::Kind k, int line) { return std::make_unique<Expr>(k, line); }
    Body subparse(const std::vector<std::string>& end_tags);
    // Body up to one of end_tags; leaves the end tag name as the current token.
    Body statements(const std::vector<std::string>& end_tags);
    // Same, then consumes the end tag name.
    Body statements_drop(const char* end_tag);
    StmtPtr parse_statement();
    StmtPtr parse_if();
    StmtPtr parse_for();
    StmtPtr parse_set();
    void parse_signature(Stmt& s);
    StmtPtr parse_macro();
    StmtPtr parse_call_block();
    StmtPtr parse_filter_block();
    StmtPtr parse_with();
    ExprPtr parse_assign_target(bool with_tuple, const std::vector<std::string>& extra_end, bool with_namespace);
    bool is_tuple_end(const std::vector<std::string>& extra_end) const;
    ExprPtr parse_tuple_simplified(const std::vector<std::string>& extra_end, bool with_namespace);
    ExprPtr parse_tuple(bool with_condexpr, const std::vector<std::string>& extra_end, bool explicit_parens = false);
    ExprPtr parse_expression(bool with_condexpr) { return with_condexpr ? parse_condexpr() : parse_or(); }
    ExprPtr parse_condexpr();
    ExprPtr binary(Expr::Kind k, int line, ExprPtr a, ExprPtr b, std::string op = {});
    ExprPtr parse_or();
    ExprPtr parse_and();
    ExprPtr parse_not();
    ExprPtr parse_compare();
    ExprPtr parse_math1();
    ExprPtr parse_concat();
    ExprPtr parse_math2();
    ExprPtr parse_pow();
    ExprPtr parse_unary(bool with_filter);
    ExprPtr parse_primary(bool with_namespace);
    ExprPtr parse_postfix(ExprPtr node);
    ExprPtr parse_filter_expr(ExprPtr node);
    ExprPtr parse_subscript(ExprPtr node);
    ExprPtr parse_subscribed();
    void parse_call_args(Expr& e);
    ExprPtr parse_call(ExprPtr node);
    ExprPtr parse_filter_chain(ExprPtr node, bool start_inline);
    ExprPtr parse_test(ExprPtr node);
};

} // namespace moecut::jinja

// Jinja lexer, configured as transformers configures chat templates:
// trim_blocks and lstrip_blocks on, keep_trailing_newline off, "\n" newlines.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace moecut::jinja {

// A syntax error in a template, with its line.
class SyntaxError : public std::runtime_error {
public:
    SyntaxError(std::string message, int line) : std::runtime_error(std::move(message)), line(line) {}
    int line;
};

enum class Tok {
    Data,       // template text (already whitespace-controlled)
    VarBegin,   // {{
    VarEnd,     // }}
    BlockBegin, // {%
    BlockEnd,   // %}
    Name,
    String,  // text holds the unescaped value
    Integer, // ival
    Float,   // fval
    Op,      // text holds the operator: + - * / // % ** ~ [ ] ( ) { } == != > >= < <= = . : | , ;
    Eof,
};

struct Token {
    Tok type = Tok::Eof;
    std::string text;
    int line = 1;
    std::int64_t ival = 0;
    double fval = 0.0;

    bool is_op(std::string_view op) const { return type == Tok::Op && text == op; }
    bool is_name(std::string_view name) const { return type == Tok::Name && text == name; }
};

std::vector<Token> tokenize(std::string_view source);

} // namespace moecut::jinja

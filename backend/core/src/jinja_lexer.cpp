// The lexer follows jinja2/lexer.py rule by rule, so that whitespace control
// ({%- -%}, trim_blocks, lstrip_blocks) removes exactly what Jinja removes.
#include "jinja_lexer.h"

#include "jinja_text.h"

#include <cstdlib>
#include <cstring>

namespace moecut::jinja {

namespace {

class Lexer {
public:
    explicit Lexer(std::string_view source) : s_(normalize(source)) {}

    std::vector<Token> run() {
        while (pos_ < s_.size()) root_step();
        push(Tok::Eof, "", s_.size());
        return std::move(out_);
    }

private:
    std::string s_;
    std::size_t pos_ = 0;
    bool line_starting_ = true;
    std::vector<Token> out_;
    std::size_t line_pos_ = 0;
    int line_ = 1;

    // Jinja splits on \r\n, \r and \n, drops one trailing newline
    // (keep_trailing_newline=False) and joins with "\n".
    static std::string normalize(std::string_view src) {
        std::string out;
        out.reserve(src.size());
        for (std::size_t i = 0; i < src.size(); ++i) {
            if (src[i] == '\r') {
                out.push_back('\n');
                if (i + 1 < src.size() && src[i + 1] == '\n') ++i;
            } else {
                out.push_back(src[i]);
            }
        }
        if (!out.empty() && out.back() == '\n') out.pop_back();
        return out;
    }

    int line_at(std::size_t pos) {
        for (; line_pos_ < pos && line_pos_ < s_.size(); ++line_pos_)
            if (s_[line_pos_] == '\n') ++line_;
        return line_;
    }

    [[noreturn]] void error(const std::string& msg, std::size_t pos) { throw SyntaxError(msg, line_at(pos)); }

    Token& push(Tok type, std::string text, std::size_t pos) {
        Token t;
        t.type = type;
        t.text = std::move(text);
        t.line = line_at(pos);
        out_.push_back(std::move(t));
        return out_.back();
    }

    bool space_at(std::size_t p, std::size_t& len) const {
        auto b = static_cast<unsigned char>(s_[p]);
        if (b < 0x80) {
            len = 1;
            return py_isspace(b);
        }
        std::u32string one = decode_utf8(std::string_view(s_).substr(p, 4));
        std::string back;
        append_utf8(back, one[0]);
        len = back.size();
        return py_isspace(one[0]);
    }

    std::size_t skip_space(std::size_t p) const {
        std::size_t len = 0;
        while (p < s_.size() && space_at(p, len)) p += len;
        return p;
    }

    bool starts(std::size_t p, const char* lit) const { return s_.compare(p, std::strlen(lit), lit) == 0; }

    // Text before a tag, after whitespace control: "-" strips all whitespace;
    // otherwise lstrip_blocks removes the indentation before {% and {#.
    std::string control_text(std::string text, char sign, bool is_variable) {
        if (sign == '-') {
            std::u32string u = decode_utf8(text);
            std::size_t e = u.size();
            while (e > 0 && py_isspace(u[e - 1])) --e;
            return encode_utf8(std::u32string_view(u).substr(0, e));
        }
        if (sign != '+' && !is_variable) {
            std::size_t nl = text.rfind('\n');
            std::size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
            if ((l_pos > 0 || line_starting_) && l_pos < text.size()) {
                std::size_t p = l_pos, len = 0;
                bool all_space = true;
                while (p < text.size() && all_space) {
                    auto b = static_cast<unsigned char>(text[p]);
                    if (b < 0x80) {
                        all_space = py_isspace(b);
                        ++p;
                    } else {
                        std::u32string one = decode_utf8(std::string_view(text).substr(p, 4));
                        std::string back;
                        append_utf8(back, one[0]);
                        all_space = py_isspace(one[0]);
                        p += back.size();
                    }
                }
                (void)len;
                if (all_space) text.resize(l_pos);
            }
        }
        return text;
    }

    // Matches `{%[-+]?\s*raw\s*(-%}\s*|%})` at p; returns its end or npos.
    std::size_t match_raw_begin(std::size_t p) const {
        std::size_t q = p + 2;
        if (q < s_.size() && (s_[q] == '-' || s_[q] == '+')) ++q;
        q = skip_space(q);
        if (!starts(q, "raw")) return std::string::npos;
        q = skip_space(q + 3);
        if (starts(q, "-%}")) return skip_space(q + 3);
        if (starts(q, "%}")) return q + 2;
        return std::string::npos;
    }

    void root_step() {
        std::size_t p = pos_;
        while (true) {
            p = s_.find('{', p);
            if (p == std::string::npos || p + 1 >= s_.size()) {
                push(Tok::Data, s_.substr(pos_), pos_);
                pos_ = s_.size();
                return;
            }
            char k = s_[p + 1];
            if (k == '{' || k == '%' || k == '#') break;
            ++p;
        }
        char kind = s_[p + 1];
        char sign = (p + 2 < s_.size() && (s_[p + 2] == '-' || s_[p + 2] == '+')) ? s_[p + 2] : 0;
        std::string text = control_text(s_.substr(pos_, p - pos_), sign, kind == '{');
        if (!text.empty()) push(Tok::Data, std::move(text), pos_);
        std::size_t raw_end = kind == '%' ? match_raw_begin(p) : std::string::npos;
        if (raw_end != std::string::npos) return raw_block(raw_end);
        pos_ = p + 2 + (sign ? 1 : 0);
        if (kind == '#') return comment();
        push(kind == '{' ? Tok::VarBegin : Tok::BlockBegin, "", p);
        tag(kind == '{');
    }

    void raw_block(std::size_t start) {
        line_starting_ = s_[start - 1] == '\n';
        for (std::size_t p = s_.find("{%", start); p != std::string::npos; p = s_.find("{%", p + 1)) {
            std::size_t q = p + 2;
            char sign = (q < s_.size() && (s_[q] == '-' || s_[q] == '+')) ? s_[q] : 0;
            if (sign) ++q;
            q = skip_space(q);
            if (!starts(q, "endraw")) continue;
            q = skip_space(q + 6);
            std::size_t end;
            if (starts(q, "+%}")) end = q + 3;
            else if (starts(q, "-%}")) end = skip_space(q + 3);
            else if (starts(q, "%}")) end = q + 2 + (starts(q + 2, "\n") ? 1 : 0);
            else continue;
            std::string text = control_text(s_.substr(start, p - start), sign, false);
            if (!text.empty()) push(Tok::Data, std::move(text), start);
            pos_ = end;
            line_starting_ = s_[end - 1] == '\n';
            return;
        }
        error("Missing end of raw directive", start);
    }

    void comment() {
        std::size_t h = s_.find("#}", pos_);
        if (h == std::string::npos) error("Missing end of comment tag", pos_);
        std::size_t end = h + 2;
        if (h > pos_ && s_[h - 1] == '-') end = skip_space(end);
        else if (!(h > pos_ && s_[h - 1] == '+') && starts(end, "\n")) ++end;
        pos_ = end;
        line_starting_ = s_[end - 1] == '\n';
    }

    // The end of the current tag at pos_, or npos.
    std::size_t tag_end(bool variable) const {
        if (variable) {
            if (starts(pos_, "-}}")) return skip_space(pos_ + 3);
            if (starts(pos_, "}}")) return pos_ + 2;
            return std::string::npos;
        }
        if (starts(pos_, "+%}")) return pos_ + 3;
        if (starts(pos_, "-%}")) return skip_space(pos_ + 3);
        if (starts(pos_, "%}")) return pos_ + 2 + (starts(pos_ + 2, "\n") ? 1 : 0); // trim_blocks
        return std::string::npos;
    }

    void tag(bool variable) {
        std::string balance;
        while (true) {
            if (pos_ >= s_.size())
                error(variable ? "unexpected end of template, expected '}}'" : "unexpected end of template, expected '%}'",
                      pos_);
            if (balance.empty()) {
                std::size_t end = tag_end(variable);
                if (end != std::string::npos) {
                    push(variable ? Tok::VarEnd : Tok::BlockEnd, "", pos_);
                    pos_ = end;
                    line_starting_ = s_[end - 1] == '\n';
                    return;
                }
            }
            std::size_t len = 0;
            if (space_at(pos_, len)) {
                pos_ = skip_space(pos_);
                continue;
            }
            if (lex_number() || lex_name() || lex_string()) continue;
            lex_operator(balance);
        }
    }

    static bool digit(char c) { return c >= '0' && c <= '9'; }

    // (\d+_)*\d+ at p; returns the end or npos.
    std::size_t digits(std::size_t p) const {
        if (p >= s_.size() || !digit(s_[p])) return std::string::npos;
        while (p < s_.size() && (digit(s_[p]) || (s_[p] == '_' && p + 1 < s_.size() && digit(s_[p + 1])))) ++p;
        return p;
    }

    bool lex_number() {
        std::size_t p = pos_;
        if (!digit(s_[p])) return false;
        std::size_t int_end = digits(p);
        // Float: fraction and/or exponent, and not right after a dot.
        if (p == 0 || s_[p - 1] != '.') {
            std::size_t q = int_end, frac_end = std::string::npos;
            if (q < s_.size() && s_[q] == '.') frac_end = digits(q + 1);
            std::size_t e = frac_end != std::string::npos ? frac_end : int_end;
            std::size_t exp_end = std::string::npos;
            if (e < s_.size() && (s_[e] == 'e' || s_[e] == 'E')) {
                std::size_t r = e + 1;
                if (r < s_.size() && (s_[r] == '+' || s_[r] == '-')) ++r;
                exp_end = digits(r);
            }
            std::size_t end = exp_end != std::string::npos ? exp_end : frac_end;
            if (end != std::string::npos) {
                std::string text = s_.substr(p, end - p);
                std::string clean;
                for (char c : text)
                    if (c != '_') clean.push_back(c);
                push(Tok::Float, text, p).fval = std::strtod(clean.c_str(), nullptr); // 1e999 is inf, as in Python
                pos_ = end;
                return true;
            }
        }
        std::int64_t value = 0;
        std::size_t end = p;
        int base = 10;
        if (s_[p] == '0' && p + 1 < s_.size() && std::strchr("bBoOxX", s_[p + 1]) && s_[p + 1] != 0) {
            char b = static_cast<char>(s_[p + 1] | 0x20);
            base = b == 'b' ? 2 : b == 'o' ? 8 : 16;
            end = p + 2;
        }
        auto is_base_digit = [&](char c) {
            if (base == 2) return c == '0' || c == '1';
            if (base == 8) return c >= '0' && c <= '7';
            if (base == 16) return digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
            return digit(c);
        };
        std::size_t start = end;
        if (base == 10 && s_[p] == '0') { // 0(_?0)*
            end = p + 1;
            while (end < s_.size() && (s_[end] == '0' || (s_[end] == '_' && end + 1 < s_.size() && s_[end + 1] == '0')))
                ++end;
        } else {
            while (end < s_.size() &&
                   (is_base_digit(s_[end]) || (s_[end] == '_' && end + 1 < s_.size() && is_base_digit(s_[end + 1]))))
                ++end;
            if (end == start) return false; // "0x" without digits: not a number here
        }
        for (std::size_t i = start; i < end; ++i) {
            char c = s_[i];
            if (c == '_') continue;
            int d = digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
            if (__builtin_mul_overflow(value, base, &value) || __builtin_add_overflow(value, d, &value))
                error("integer literal too large", p);
        }
        push(Tok::Integer, s_.substr(p, end - p), p).ival = value;
        pos_ = end;
        return true;
    }

    bool lex_name() {
        auto ident = [](char c, bool first) {
            auto b = static_cast<unsigned char>(c);
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || b >= 0x80 || (!first && digit(c));
        };
        if (!ident(s_[pos_], true)) return false;
        std::size_t end = pos_ + 1;
        while (end < s_.size() && ident(s_[end], false)) ++end;
        push(Tok::Name, s_.substr(pos_, end - pos_), pos_);
        pos_ = end;
        return true;
    }

    static int hex_value(char c) {
        if (digit(c)) return c - '0';
        c = static_cast<char>(c | 0x20);
        return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    }

    // Python's "unicode-escape" decoding of a string literal's body.
    std::string unescape(std::string_view body, std::size_t at) {
        std::string out;
        for (std::size_t i = 0; i < body.size(); ++i) {
            char c = body[i];
            if (c != '\\' || i + 1 >= body.size()) {
                out.push_back(c);
                continue;
            }
            char e = body[++i];
            static const char* simple = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
            const char* hit = nullptr;
            for (const char* s = simple; *s; s += 2)
                if (*s == e) hit = s;
            if (hit) {
                out.push_back(hit[1]);
            } else if (e == '\n') {
                // line continuation: both characters vanish
            } else if (e >= '0' && e <= '7') {
                unsigned v = 0;
                int n = 0;
                for (; n < 3 && i < body.size() && body[i] >= '0' && body[i] <= '7'; ++n, ++i) v = v * 8 + (body[i] - '0');
                --i;
                append_utf8(out, v);
            } else if (e == 'x' || e == 'u' || e == 'U') {
                int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                char32_t v = 0;
                for (int k = 0; k < n; ++k) {
                    int d = i + 1 < body.size() ? hex_value(body[i + 1]) : -1;
                    if (d < 0) error(std::string("truncated \\") + e + " escape in string literal", at);
                    v = v * 16 + static_cast<char32_t>(d);
                    ++i;
                }
                if (v > 0x10FFFF) error("illegal Unicode character in string literal", at);
                append_utf8(out, v);
            } else if (e == 'N') {
                error("\\N{...} escapes are not supported", at);
            } else if (static_cast<unsigned char>(e) >= 0x80) {
                // Python first turns the character into its \x/\u escape text.
                std::u32string one = decode_utf8(body.substr(i, 4));
                std::string back;
                append_utf8(back, one[0]);
                char buf[16];
                std::snprintf(buf, sizeof buf, one[0] < 0x100 ? "\\x%02x" : one[0] < 0x10000 ? "\\u%04x" : "\\U%08x",
                              static_cast<unsigned>(one[0]));
                out += "\\";
                out += buf;
                i += back.size() - 1;
            } else {
                out.push_back('\\');
                out.push_back(e);
            }
        }
        return out;
    }

    bool lex_string() {
        char q = s_[pos_];
        if (q != '\'' && q != '"') return false;
        std::size_t i = pos_ + 1;
        while (i < s_.size() && s_[i] != q) i += s_[i] == '\\' ? 2 : 1;
        if (i >= s_.size()) error("unexpected char " + std::string(1, q), pos_);
        push(Tok::String, unescape(std::string_view(s_).substr(pos_ + 1, i - pos_ - 1), pos_), pos_);
        pos_ = i + 1;
        return true;
    }

    void lex_operator(std::string& balance) {
        static const char* two[] = {"//", "**", "==", "!=", ">=", "<="};
        for (const char* op : two) {
            if (starts(pos_, op)) {
                push(Tok::Op, op, pos_);
                pos_ += 2;
                return;
            }
        }
        char c = s_[pos_];
        if (!std::strchr("+-/*%~[](){}><=.:|,;", c) || c == 0) {
            std::u32string one = decode_utf8(std::string_view(s_).substr(pos_, 4));
            error("unexpected char " + py_repr_string(encode_utf8(one.substr(0, 1))), pos_);
        }
        if (c == '{' || c == '(' || c == '[') balance.push_back(c == '{' ? '}' : c == '(' ? ')' : ']');
        if (c == '}' || c == ')' || c == ']') {
            if (balance.empty()) error(std::string("unexpected '") + c + "'", pos_);
            if (balance.back() != c) error(std::string("unexpected '") + c + "', expected '" + balance.back() + "'", pos_);
            balance.pop_back();
        }
        push(Tok::Op, std::string(1, c), pos_);
        ++pos_;
    }
};

} // namespace

std::vector<Token> tokenize(std::string_view source) { return Lexer(source).run(); }

} // namespace moecut::jinja

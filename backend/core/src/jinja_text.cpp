#include "jinja_text.h"

#include "jinja_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace moecut::jinja {

std::u32string decode_utf8(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        auto b0 = static_cast<unsigned char>(s[i]);
        int n = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
        char32_t c = 0;
        bool ok = n > 0 && i + n <= s.size();
        if (ok) {
            c = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
            for (int k = 1; k < n && ok; ++k) {
                auto b = static_cast<unsigned char>(s[i + k]);
                ok = (b & 0xC0) == 0x80;
                c = (c << 6) | (b & 0x3F);
            }
            // Reject overlong forms, surrogates and values past U+10FFFF.
            static constexpr char32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
            ok = ok && c >= kMin[n] && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
        }
        if (ok) {
            out.push_back(c);
            i += n;
        } else {
            out.push_back(0xDC00 + b0); // surrogateescape: keeps the raw byte
            ++i;
        }
    }
    return out;
}

void append_utf8(std::string& out, char32_t c) {
    if (c >= 0xDC80 && c <= 0xDCFF) {
        out.push_back(static_cast<char>(c - 0xDC00));
    } else if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string encode_utf8(std::u32string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : s) append_utf8(out, c);
    return out;
}

std::size_t utf8_length(std::string_view s) {
    bool ascii = std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    return ascii ? s.size() : decode_utf8(s).size();
}

bool py_isspace(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool py_isprintable(char32_t c) {
    if (c == ' ') return true;
    if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD) return false;
    if ((c >= 0x600 && c <= 0x605) || c == 0x61C || c == 0x6DD || c == 0x70F || c == 0x180E || c == 0x1680) return false;
    if ((c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F)) return false;
    if (c == 0x3000 || (c >= 0xD800 && c <= 0xF8FF) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB)) return false;
    if (c == 0xFFFE || c == 0xFFFF || c >= 0xF0000 || c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F)) return false;
    return true;
}

// Case mapping for ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic and the
// fullwidth Latin letters: the scripts chat templates and their inputs use.
char32_t py_to_upper(char32_t c) {
    if (c >= 'a' && c <= 'z') return c - 32;
    if (c < 0x80) return c;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;
    if (c == 0xFF) return 0x178;
    if (c == 0xB5) return 0x39C;
    if (c >= 0x100 && c <= 0x17F) {
        if (c == 0x131) return 'I';
        if (c == 0x17F) return 'S';
        bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (c == 0x130 || c == 0x138 || c == 0x149 || c == 0x178) return c;
        if (odd_lower) return (c % 2 == 0) ? c - 1 : c;
        return (c % 2 == 1) ? c - 1 : c;
    }
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;
    if (c == 0x3C2) return 0x3A3;
    if (c >= 0x430 && c <= 0x44F) return c - 32;
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    if (c >= 0x460 && c <= 0x481 && c % 2 == 1) return c - 1;
    if (c >= 0xFF41 && c <= 0xFF5A) return c - 32;
    return c;
}

char32_t py_to_lower(char32_t c) {
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0x80) return c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c == 0x178) return 0xFF;
    if (c >= 0x100 && c <= 0x17F) {
        if (c == 0x130) return 'i';
        bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) return c;
        if (odd_lower) return (c % 2 == 1) ? c + 1 : c;
        return (c % 2 == 0) ? c + 1 : c;
    }
    if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    if (c >= 0x460 && c <= 0x481 && c % 2 == 0) return c + 1;
    if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;
    return c;
}

static bool is_cased(char32_t c) { return py_to_upper(c) != c || py_to_lower(c) != c; }

std::string py_upper(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : decode_utf8(s)) {
        if (c == 0xDF) out += "SS"; // German sharp s
        else append_utf8(out, py_to_upper(c));
    }
    return out;
}

std::string py_lower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : decode_utf8(s)) append_utf8(out, py_to_lower(c));
    return out;
}

std::string py_capitalize(std::string_view s) {
    std::u32string u = decode_utf8(s);
    for (std::size_t i = 0; i < u.size(); ++i) u[i] = i == 0 ? py_to_upper(u[i]) : py_to_lower(u[i]);
    return encode_utf8(u);
}

std::string py_title(std::string_view s) {
    std::u32string u = decode_utf8(s);
    bool prev_cased = false;
    for (char32_t& c : u) {
        bool cased = is_cased(c);
        if (cased) c = prev_cased ? py_to_lower(c) : py_to_upper(c);
        prev_cased = cased;
    }
    return encode_utf8(u);
}

std::string jinja_title(std::string_view s) {
    // Words start after runs of "-", whitespace, "(", "{", "[" and "<".
    std::u32string u = decode_utf8(s);
    auto is_sep = [](char32_t c) { return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || py_isspace(c); };
    bool word_start = true;
    for (char32_t& c : u) {
        if (is_sep(c)) {
            word_start = true;
            continue;
        }
        c = word_start ? py_to_upper(c) : py_to_lower(c);
        word_start = false;
    }
    return encode_utf8(u);
}

std::string py_strip(std::string_view s, const std::optional<std::string>& chars, bool left, bool right) {
    std::u32string u = decode_utf8(s);
    std::u32string set = chars ? decode_utf8(*chars) : std::u32string();
    auto strip_it = [&](char32_t c) { return chars ? set.find(c) != std::u32string::npos : py_isspace(c); };
    std::size_t b = 0, e = u.size();
    if (left)
        while (b < e && strip_it(u[b])) ++b;
    if (right)
        while (e > b && strip_it(u[e - 1])) --e;
    return encode_utf8(std::u32string_view(u).substr(b, e - b));
}

static bool is_space_byte_at(std::string_view s, std::size_t i, std::size_t& len) {
    // Whitespace check on UTF-8 without decoding the whole string.
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
        len = 1;
        return py_isspace(b);
    }
    std::u32string one = decode_utf8(s.substr(i, std::min<std::size_t>(4, s.size() - i)));
    std::string back;
    append_utf8(back, one[0]);
    len = back.size();
    return py_isspace(one[0]);
}

std::vector<std::string> py_split(std::string_view s, const std::optional<std::string>& sep, std::int64_t maxsplit) {
    std::vector<std::string> out;
    if (sep) {
        if (sep->empty()) fail("empty separator");
        std::size_t pos = 0;
        while (maxsplit < 0 || static_cast<std::int64_t>(out.size()) < maxsplit) {
            std::size_t hit = s.find(*sep, pos);
            if (hit == std::string_view::npos) break;
            out.emplace_back(s.substr(pos, hit - pos));
            pos = hit + sep->size();
        }
        out.emplace_back(s.substr(pos));
        return out;
    }
    std::size_t i = 0, len = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space_byte_at(s, i, len)) i += len;
        if (i >= s.size()) break;
        if (maxsplit >= 0 && static_cast<std::int64_t>(out.size()) >= maxsplit) {
            out.emplace_back(s.substr(i));
            break;
        }
        std::size_t start = i;
        while (i < s.size() && !is_space_byte_at(s, i, len)) i += len;
        out.emplace_back(s.substr(start, i - start));
    }
    return out;
}

std::vector<std::string> py_rsplit(std::string_view s, const std::optional<std::string>& sep, std::int64_t maxsplit) {
    if (maxsplit < 0) return py_split(s, sep, maxsplit);
    std::vector<std::string> out;
    if (sep) {
        if (sep->empty()) fail("empty separator");
        std::size_t end = s.size();
        while (static_cast<std::int64_t>(out.size()) < maxsplit) {
            if (end < sep->size()) break;
            std::size_t hit = s.rfind(*sep, end - sep->size());
            if (hit == std::string_view::npos) break;
            out.emplace_back(s.substr(hit + sep->size(), end - hit - sep->size()));
            end = hit;
        }
        out.emplace_back(s.substr(0, end));
    } else {
        std::u32string u = decode_utf8(s);
        std::size_t e = u.size();
        while (true) {
            while (e > 0 && py_isspace(u[e - 1])) --e;
            if (e == 0) break;
            if (static_cast<std::int64_t>(out.size()) >= maxsplit) {
                out.push_back(encode_utf8(std::u32string_view(u).substr(0, e)));
                break;
            }
            std::size_t b = e;
            while (b > 0 && !py_isspace(u[b - 1])) --b;
            out.push_back(encode_utf8(std::u32string_view(u).substr(b, e - b)));
            e = b;
        }
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::vector<std::string> py_splitlines(std::string_view s, bool keepends) {
    std::u32string u = decode_utf8(s);
    std::vector<std::string> out;
    std::size_t start = 0, i = 0;
    auto is_break = [](char32_t c) {
        return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E) || c == 0x85 ||
               c == 0x2028 || c == 0x2029;
    };
    while (i < u.size()) {
        if (!is_break(u[i])) {
            ++i;
            continue;
        }
        std::size_t brk = (u[i] == '\r' && i + 1 < u.size() && u[i + 1] == '\n') ? 2 : 1;
        std::size_t end = keepends ? i + brk : i;
        out.push_back(encode_utf8(std::u32string_view(u).substr(start, end - start)));
        i += brk;
        start = i;
    }
    if (start < u.size()) out.push_back(encode_utf8(std::u32string_view(u).substr(start)));
    return out;
}

std::string py_replace(std::string_view s, std::string_view old, std::string_view repl, std::int64_t count) {
    std::string out;
    std::int64_t done = 0;
    if (old.empty()) {
        std::u32string u = decode_utf8(s);
        for (std::size_t i = 0; i <= u.size(); ++i) {
            if (count < 0 || done < count) {
                out += repl;
                ++done;
            }
            if (i < u.size()) append_utf8(out, u[i]);
        }
        return out;
    }
    std::size_t pos = 0;
    while (count < 0 || done < count) {
        std::size_t hit = s.find(old, pos);
        if (hit == std::string_view::npos) break;
        out.append(s.substr(pos, hit - pos));
        out.append(repl);
        pos = hit + old.size();
        ++done;
    }
    out.append(s.substr(pos));
    return out;
}

static void append_hex(std::string& out, const char* prefix, unsigned value, int digits) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s%0*x", prefix, digits, value);
    out += buf;
}

std::string py_repr_string(std::string_view s) {
    std::u32string u = decode_utf8(s);
    bool has_single = u.find(U'\'') != std::u32string::npos;
    bool has_double = u.find(U'"') != std::u32string::npos;
    char quote = (has_single && !has_double) ? '"' : '\'';
    std::string out(1, quote);
    for (char32_t c : u) {
        if (c == static_cast<char32_t>(quote) || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c >= 0xDC80 && c <= 0xDCFF) {
            append_hex(out, "\\udc", c & 0xFF, 2);
        } else if (c < 0x80 ? (c < 0x20 || c == 0x7F) : !py_isprintable(c)) {
            if (c < 0x100) append_hex(out, "\\x", c, 2);
            else if (c < 0x10000) append_hex(out, "\\u", c, 4);
            else append_hex(out, "\\U", c, 8);
        } else {
            append_utf8(out, c);
        }
    }
    out.push_back(quote);
    return out;
}

std::string py_float_repr(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    std::string sign;
    if (sci[0] == '-') {
        sign = "-";
        sci.erase(0, 1);
    }
    std::size_t e = sci.find('e');
    std::string digits = sci.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    int exp = std::stoi(sci.substr(e + 1));
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    int decpt = exp + 1; // digits are d.ddd x 10^exp, so the point sits after decpt digits
    std::string out = sign;
    if (decpt <= -4 || decpt > 16) {
        out += digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char ebuf[16];
        std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
        out += ebuf;
    } else if (decpt <= 0) {
        out += "0." + std::string(static_cast<std::size_t>(-decpt), '0') + digits;
    } else if (static_cast<std::size_t>(decpt) >= digits.size()) {
        out += digits + std::string(decpt - digits.size(), '0') + ".0";
    } else {
        out += digits.substr(0, decpt) + "." + digits.substr(decpt);
    }
    return out;
}

std::string json_quote(std::string_view s, bool ensure_ascii) {
    std::string out = "\"";
    auto escape_one = [&](char32_t c) {
        switch (c) {
        case '"': out += "\\\""; return true;
        case '\\': out += "\\\\"; return true;
        case '\n': out += "\\n"; return true;
        case '\r': out += "\\r"; return true;
        case '\t': out += "\\t"; return true;
        case '\b': out += "\\b"; return true;
        case '\f': out += "\\f"; return true;
        default: return false;
        }
    };
    for (char32_t c : decode_utf8(s)) {
        if (escape_one(c)) continue;
        if (c < 0x20 || (ensure_ascii && c > 0x7E)) {
            if (c >= 0x10000 && !(c >= 0xDC80 && c <= 0xDCFF)) {
                char32_t v = c - 0x10000;
                append_hex(out, "\\u", 0xD800 + (v >> 10), 4);
                append_hex(out, "\\u", 0xDC00 + (v & 0x3FF), 4);
            } else {
                append_hex(out, "\\u", c, 4);
            }
        } else {
            append_utf8(out, c);
        }
    }
    out += "\"";
    return out;
}

std::string html_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&#34;"; break;
        case '\'': out += "&#39;"; break;
        default: out.push_back(c);
        }
    }
    return out;
}

} // namespace moecut::jinja

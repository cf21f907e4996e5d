// Regexes of tokenizer.json on PCRE2 (UTF, UCP, JIT).
//
// The reference compiles these patterns with Oniguruma (the `onig` crate, Ruby syntax). Where
// PCRE2 reads an escape differently, the pattern is rewritten first (checked against
// tokenizers 0.23.3):
//   \s  Oniguruma: White_Space; PCRE2 UCP also takes U+180E (and its \h list)
//   \w  Oniguruma: L, M, N and Pc; PCRE2 10.42 UCP: L, N and '_'
//   \h  Oniguruma: a hex digit; PCRE2: horizontal space
//   \uHHHH  Oniguruma only
// and ^ $ are line anchors (Ruby), '.' stops only at LF.
#include "tokenizer_parts.h"

#include "moecut/error.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/core.h>

#include <stdexcept>

namespace moecut::tok {

namespace {

// White_Space, spelled out.
constexpr std::string_view kSpace =
    "\\t\\n\\x{0B}\\f\\r\\x{20}\\x{85}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";
constexpr std::string_view kWord = "\\p{L}\\p{M}\\p{N}\\p{Pc}";
constexpr std::string_view kHex = "0-9a-fA-F";

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string oniguruma_to_pcre2(std::string_view p) {
    std::string out;
    out.reserve(p.size() + 16);
    bool in_class = false;
    std::size_t class_start = 0; // index in p just after '[' or '[^'
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            const char e = p[i + 1];
            std::string_view set;
            bool negated = false;
            switch (e) {
            case 's': set = kSpace; break;
            case 'S': set = kSpace; negated = true; break;
            case 'w': set = kWord; break;
            case 'W': set = kWord; negated = true; break;
            case 'h': set = kHex; break;
            case 'H': set = kHex; negated = true; break;
            default: break;
            }
            if (!set.empty() && !(in_class && negated)) {
                if (in_class) {
                    out.append(set);
                } else {
                    out.append(negated ? "[^" : "[").append(set).append("]");
                }
                ++i;
                continue;
            }
            if (e == 'u' && i + 5 < p.size() && is_hex(p[i + 2]) && is_hex(p[i + 3]) && is_hex(p[i + 4]) && is_hex(p[i + 5])) {
                out.append("\\x{").append(p.substr(i + 2, 4)).append("}");
                i += 5;
                continue;
            }
            out.push_back(c);
            out.push_back(e);
            ++i;
            continue;
        }
        if (!in_class) {
            if (c == '[') {
                in_class = true;
                out.push_back(c);
                if (i + 1 < p.size() && p[i + 1] == '^') {
                    out.push_back('^');
                    ++i;
                }
                class_start = i + 1;
                continue;
            }
            out.push_back(c);
            continue;
        }
        // Inside a class.
        if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {
            const std::size_t close = p.find(":]", i + 2);
            if (close != std::string_view::npos) {
                out.append(p.substr(i, close + 2 - i));
                i = close + 1;
                continue;
            }
        }
        if (c == ']' && i != class_start) in_class = false;
        out.push_back(c);
    }
    return out;
}

// Per-thread PCRE2 state: match data for one pair and a JIT stack that can grow to 8 MiB.
struct ThreadState {
    pcre2_match_data* data = nullptr;
    pcre2_match_context* context = nullptr;
    pcre2_jit_stack* stack = nullptr;
    ThreadState() {
        data = pcre2_match_data_create(1, nullptr);
        context = pcre2_match_context_create(nullptr);
        stack = pcre2_jit_stack_create(64 * 1024, 8 * 1024 * 1024, nullptr);
        if (data == nullptr || context == nullptr || stack == nullptr) throw std::bad_alloc();
        pcre2_jit_stack_assign(context, nullptr, stack);
    }
    ~ThreadState() {
        pcre2_jit_stack_free(stack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(data);
    }
    ThreadState(const ThreadState&) = delete;
    ThreadState& operator=(const ThreadState&) = delete;
};

ThreadState& thread_state() {
    thread_local ThreadState state;
    return state;
}

} // namespace

struct Regex::Code {
    pcre2_code* code = nullptr;
    std::string where;
    std::string pattern;
    ~Code() { pcre2_code_free(code); }
};

Regex Regex::compile(std::string_view pattern, bool literal, std::string_view where) {
    const std::string text = literal ? std::string(pattern) : oniguruma_to_pcre2(pattern);
    // PCRE2_LITERAL admits no UCP (which only changes classes and escapes anyway).
    const uint32_t options = PCRE2_UTF | (literal ? PCRE2_LITERAL : PCRE2_UCP | PCRE2_MULTILINE);
    pcre2_compile_context* ctx = pcre2_compile_context_create(nullptr);
    if (ctx == nullptr) throw std::bad_alloc();
    pcre2_set_newline(ctx, PCRE2_NEWLINE_LF);
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), options,
                                     &error, &offset, ctx);
    pcre2_compile_context_free(ctx);
    if (code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw InputError(fmt::format("{}: regex /{}/ does not compile: {} (at offset {})", where, pattern,
                                     reinterpret_cast<const char*>(message), offset));
    }
    // Without JIT (unsupported platform) pcre2_match falls back to the interpreter.
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    auto holder = std::make_shared<Code>();
    holder->code = code;
    holder->where = std::string(where);
    holder->pattern = std::string(pattern);
    Regex r;
    r.code_ = std::move(holder);
    return r;
}

void Regex::find_all(std::string_view text, std::vector<Match>& out) const {
    out.clear();
    ThreadState& st = thread_state();
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    const std::size_t n = text.size();
    std::size_t pos = 0;
    bool have_last = false;
    std::size_t last_end = 0;
    while (pos <= n) {
        int rc = pcre2_match(code_->code, subject, n, pos, PCRE2_NO_UTF_CHECK, st.data, st.context);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
            rc = pcre2_match(code_->code, subject, n, pos, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, st.data, st.context);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            // Match or heap limit: a pattern that backtracks without end on this text.
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof message);
            throw InputError(fmt::format("{}: regex /{}/ gave up on the text: {}", code_->where, code_->pattern,
                                         reinterpret_cast<const char*>(message)));
        }
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(st.data);
        const std::size_t s = ov[0], e = ov[1];
        if (s == e && have_last && last_end == e) {
            // An empty match right after the previous match is not taken: step one character.
            if (pos >= n) break;
            pos += utf8_length(static_cast<unsigned char>(text[pos]));
            continue;
        }
        out.push_back({s, e});
        pos = e;
        have_last = true;
        last_end = e;
    }
}

} // namespace moecut::tok

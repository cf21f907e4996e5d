// Python's string behaviour on UTF-8 text, for the Jinja interpreter.
//
// Python strings are sequences of code points: len("héllo") is 5, "日本"[::-1]
// reverses characters, str.strip() removes Unicode whitespace. These helpers
// work on UTF-8 std::strings with those rules. Bytes that are not valid UTF-8
// decode to U+DC80..U+DCFF and encode back to the same byte, so nothing is lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moecut::jinja {

std::u32string decode_utf8(std::string_view s);
std::string encode_utf8(std::u32string_view s);
void append_utf8(std::string& out, char32_t c);
std::size_t utf8_length(std::string_view s);

// str.isspace() for one code point.
bool py_isspace(char32_t c);
// str.isprintable() for one code point (approximate outside the common blocks).
bool py_isprintable(char32_t c);

char32_t py_to_upper(char32_t c);
char32_t py_to_lower(char32_t c);
std::string py_upper(std::string_view s);
std::string py_lower(std::string_view s);
std::string py_capitalize(std::string_view s); // str.capitalize()
std::string py_title(std::string_view s);      // str.title()
std::string jinja_title(std::string_view s);   // Jinja's title filter

// str.strip/lstrip/rstrip; chars == nullopt strips whitespace.
std::string py_strip(std::string_view s, const std::optional<std::string>& chars, bool left, bool right);
// str.split / str.rsplit; sep == nullopt splits on runs of whitespace.
std::vector<std::string> py_split(std::string_view s, const std::optional<std::string>& sep, std::int64_t maxsplit);
std::vector<std::string> py_rsplit(std::string_view s, const std::optional<std::string>& sep, std::int64_t maxsplit);
std::vector<std::string> py_splitlines(std::string_view s, bool keepends);
std::string py_replace(std::string_view s, std::string_view old, std::string_view repl, std::int64_t count);

// repr(str): quotes and escapes as Python does.
std::string py_repr_string(std::string_view s);
// repr(float) / str(float): shortest round-trip digits, Python's layout.
std::string py_float_repr(double d);
// A JSON string literal as Python's json.dumps writes it.
std::string json_quote(std::string_view s, bool ensure_ascii);
// Jinja's escape filter (markupsafe).
std::string html_escape(std::string_view s);

} // namespace moecut::jinja

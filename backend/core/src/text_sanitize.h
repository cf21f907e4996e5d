// Making text from input files safe to print in a one-line message (private to moecut_core).
#pragma once

#include <fmt/core.h>

#include <string>
#include <string_view>

namespace moecut {

// Control bytes as \xNN, cut to max_len characters: names read from files
// must not break the one-line form of an error message.
inline std::string printable(std::string_view s, std::size_t max_len = 200) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) out += fmt::format("\\x{:02x}", u);
        else out += c;
    }
    if (out.size() > max_len) out = out.substr(0, max_len) + "...";
    return out;
}

// nlohmann's exception text without its "[json.exception...]" prefix and the
// raw "last read" token (which may hold invalid UTF-8 or control bytes).
inline std::string json_error_reason(std::string_view what) {
    if (auto p = what.find("] "); p != std::string_view::npos && what.starts_with("[json.exception"))
        what.remove_prefix(p + 2);
    if (auto p = what.find("; last read"); p != std::string_view::npos) what = what.substr(0, p);
    std::string out;
    for (char c : what) {
        auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u >= 0x7f) ? '?' : c;
    }
    return out;
}

} // namespace moecut

// Hand-made safetensors files for the reader tests: any header text, any
// declared header length, any data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moecut::test {

// 8-byte little-endian length (the header's, unless declared_len is given),
// header, data.
inline std::string safetensors_bytes(std::string_view header, std::string_view data = {},
                                     std::optional<std::uint64_t> declared_len = std::nullopt) {
    std::uint64_t n = declared_len.value_or(header.size());
    std::string out;
    for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
    out += header;
    out += data;
    return out;
}

} // namespace moecut::test

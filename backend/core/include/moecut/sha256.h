// SHA-256 (FIPS 180-4), incremental, for fingerprints of checkpoints and data.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace moecut {

class Sha256 {
public:
    Sha256();
    void update(std::span<const std::byte> bytes);
    void update(std::string_view text);
    // The digest as 64 lowercase hex digits. The object must not be updated afterwards.
    std::string hex_digest();

private:
    void block(const std::uint8_t* p);
    std::array<std::uint32_t, 8> h_;
    std::array<std::uint8_t, 64> buf_{};
    std::size_t buf_len_ = 0;
    std::uint64_t total_ = 0;
    bool done_ = false;
};

// One-shot helper.
std::string sha256_hex(std::string_view text);

} // namespace moecut

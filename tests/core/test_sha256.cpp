// SHA-256 against the FIPS 180-4 example vectors, and checkpoint fingerprints.
#include "moecut/checkpoint_hash.h"
#include "moecut/sha256.h"
#include "moecut/tiny_checkpoint.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fstream>

namespace moecut {
namespace {

TEST(Sha256, KnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // A million 'a', fed in uneven pieces.
    Sha256 h;
    const std::string chunk(997, 'a');
    std::size_t left = 1'000'000;
    while (left > 0) {
        const std::size_t n = std::min(left, chunk.size());
        h.update(std::string_view(chunk.data(), n));
        left -= n;
    }
    EXPECT_EQ(h.hex_digest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(CheckpointFingerprint, ChangesWithStructureNotWithData) {
    test::TempDir tmp;
    make_tiny_checkpoint({Family::Mixtral, ExpertLayout::PerExpert, false, 1}, tmp / "a");
    make_tiny_checkpoint({Family::Mixtral, ExpertLayout::PerExpert, false, 2}, tmp / "b");  // other values
    make_tiny_checkpoint({Family::Qwen3Moe, ExpertLayout::PerExpert, false, 1}, tmp / "c");
    const std::string a = checkpoint_fingerprint(tmp / "a");
    EXPECT_EQ(a.rfind("sha256:", 0), 0u);
    EXPECT_EQ(a.size(), 7u + 64u);
    EXPECT_EQ(a, checkpoint_fingerprint(tmp / "a"));
    EXPECT_EQ(a, checkpoint_fingerprint(tmp / "b"));
    EXPECT_NE(a, checkpoint_fingerprint(tmp / "c"));
    // config.json takes part.
    std::ofstream(tmp / "b" / "config.json", std::ios::app) << "\n";
    EXPECT_NE(a, checkpoint_fingerprint(tmp / "b"));
}

} // namespace
} // namespace moecut

// The Router-KD teacher cache format: manifest and shard round trips, damage detection.
#include "moecut/teacher_cache_file.h"

#include "moecut/dtype.h"
#include "moecut/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fstream>

namespace moecut {
namespace {

TeacherCacheSequence make_seq(int domain, std::size_t len, int topk, int salt) {
    TeacherCacheSequence s;
    s.domain = domain;
    for (std::size_t t = 0; t < len; ++t) {
        s.tokens.push_back(static_cast<std::int32_t>(t * 7 + static_cast<std::size_t>(salt)));
        for (int j = 0; j < topk; ++j) {
            s.topk_ids.push_back(static_cast<std::int32_t>(1000 * salt + 10 * static_cast<int>(t) + j));
            s.topk_logprob_f16.push_back(float_to_f16(-0.25f * static_cast<float>(j + 1) - 0.5f * static_cast<float>(salt)));
        }
    }
    return s;
}

TeacherCacheManifest make_manifest() {
    TeacherCacheManifest m;
    m.model = "teacher";
    m.model_fingerprint = "sha256:aa";
    m.data_hash = "sha256:bb";
    m.domains = {"code", "chat"};
    m.topk = 3;
    m.seq_len = 5;
    m.max_tokens = 100;
    m.vocab_size = 4096;
    m.total_sequences = 3;
    m.total_tokens = 13;
    return m;
}

TEST(TeacherCacheFile, RoundTripManifestAndShards) {
    test::TempDir dir;
    auto m = make_manifest();
    std::vector<TeacherCacheSequence> a{make_seq(0, 5, 3, 1), make_seq(0, 5, 3, 2)};
    std::vector<TeacherCacheSequence> b{make_seq(1, 3, 3, 3)};
    auto s0 = write_teacher_cache_shard(dir / teacher_cache_shard_name(0), 3, a);
    auto s1 = write_teacher_cache_shard(dir / teacher_cache_shard_name(1), 3, b);
    s1.first_sequence = 2;
    EXPECT_EQ(s0.file, "shard-00000.bin");
    EXPECT_EQ(s0.positions, 10u);
    EXPECT_EQ(s1.positions, 3u);
    m.shards = {s0, s1};
    m.complete = true;
    write_teacher_cache_manifest(dir.path(), m);

    TeacherCacheManifest r;
    auto seqs = read_teacher_cache(dir.path(), &r);
    EXPECT_EQ(r.model_fingerprint, m.model_fingerprint);
    EXPECT_EQ(r.data_hash, m.data_hash);
    EXPECT_EQ(r.domains, m.domains);
    EXPECT_EQ(r.topk, 3);
    EXPECT_EQ(r.seq_len, 5);
    EXPECT_EQ(r.vocab_size, 4096);
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(r.cached_sequences(), 3u);
    EXPECT_EQ(r.cached_positions(), 13u);
    ASSERT_EQ(seqs.size(), 3u);
    const std::vector<TeacherCacheSequence> want{a[0], a[1], b[0]};
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(seqs[i].domain, want[i].domain);
        EXPECT_EQ(seqs[i].tokens, want[i].tokens);
        EXPECT_EQ(seqs[i].topk_ids, want[i].topk_ids);
        EXPECT_EQ(seqs[i].topk_logprob_f16, want[i].topk_logprob_f16);
    }
    EXPECT_FLOAT_EQ(seqs[2].logprob(1, 2, 3), -0.75f - 1.5f);
}

TEST(TeacherCacheFile, DamagedShardIsRejected) {
    test::TempDir dir;
    auto m = make_manifest();
    auto s0 = write_teacher_cache_shard(dir / teacher_cache_shard_name(0), 3, {make_seq(0, 4, 3, 1)});
    m.shards = {s0};
    write_teacher_cache_manifest(dir.path(), m);
    {
        std::fstream f(dir / s0.file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(40);
        f.put('\x7f');
    }
    EXPECT_THROW(read_teacher_cache(dir.path()), InputError);
    // Without the checksum, a truncated file is still caught by its layout.
    std::filesystem::resize_file(dir / s0.file, 30);
    EXPECT_THROW(read_teacher_cache_shard(dir / s0.file, 3), InputError);
}

TEST(TeacherCacheFile, WrongTopkAndForeignManifestAreRejected) {
    test::TempDir dir;
    auto s0 = write_teacher_cache_shard(dir / "s.bin", 3, {make_seq(0, 2, 3, 1)});
    EXPECT_THROW(read_teacher_cache_shard(dir / "s.bin", 4), InputError);
    EXPECT_THROW(read_teacher_cache_manifest(dir.path()), InputError);  // none
    test::write_text(dir / "manifest.json", R"({"format":"something-else","version":1})");
    EXPECT_THROW(read_teacher_cache_manifest(dir.path()), InputError);
    EXPECT_THROW(write_teacher_cache_shard(dir / "bad.bin", 3, {TeacherCacheSequence{0, {1, 2}, {1}, {1}}}),
                 std::invalid_argument);
}

TEST(TeacherCacheFile, ShardsMustBeContiguous) {
    test::TempDir dir;
    auto m = make_manifest();
    auto s0 = write_teacher_cache_shard(dir / teacher_cache_shard_name(0), 3, {make_seq(0, 2, 3, 1)});
    s0.first_sequence = 1;  // a gap before it
    m.shards = {s0};
    write_teacher_cache_manifest(dir.path(), m);
    EXPECT_THROW(read_teacher_cache_manifest(dir.path()), InputError);
}

} // namespace
} // namespace moecut

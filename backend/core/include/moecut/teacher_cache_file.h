// The teacher cache of Router-KD (`moecut teacher-cache`, docs/router-kd.md):
// a folder holding, for each calibration sequence, its input token ids and,
// per position, the teacher's top-k next-token ids (int32) and
// log-probabilities (fp16, log-softmax over the whole vocabulary). Torch-free,
// so tests and the GUI can read it.
//
//   CACHE/manifest.json      what the cache is (below); rewritten atomically
//                            after each shard
//   CACHE/shard-00000.bin    sequences [first, first + n), written atomically
//
// Shard layout (little-endian):
//   "MCTCSHD1"  8 bytes magic
//   u32 topk, u32 sequences, u64 positions (sum of the sequences' lengths)
//   per sequence: u32 domain, u32 length
//   i32 tokens[positions]                    (sequence after sequence)
//   i32 topk_ids[positions * topk]           (best first)
//   u16 topk_logprob_f16[positions * topk]   (IEEE half)
// The manifest records each shard's SHA-256; a reader checks it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace moecut {

inline constexpr const char* kTeacherCacheFormat = "moecut-teacher-cache";
inline constexpr int kTeacherCacheVersion = 1;

struct TeacherCacheSequence {
    int domain = 0;                       // index into TeacherCacheManifest::domains
    std::vector<std::int32_t> tokens;     // [T] the inputs
    std::vector<std::int32_t> topk_ids;   // [T * topk]
    std::vector<std::uint16_t> topk_logprob_f16;  // [T * topk]

    std::size_t length() const { return tokens.size(); }
    float logprob(std::size_t position, std::size_t j, int topk) const;
};

struct TeacherCacheShardInfo {
    std::string file;                // name inside the cache folder
    std::uint64_t first_sequence = 0;
    std::uint64_t sequences = 0;
    std::uint64_t positions = 0;
    std::string sha256;              // hex of the file's bytes
};

struct TeacherCacheManifest {
    int version = kTeacherCacheVersion;
    std::string model;               // the teacher's folder, as given
    std::string model_fingerprint;   // checkpoint_fingerprint of the teacher
    std::string data_hash;           // CalibrationSet::hash of the inputs
    std::vector<std::string> domains;
    int topk = 20;
    std::int64_t seq_len = 0;
    std::uint64_t max_tokens = 0;
    std::int64_t vocab_size = 0;
    std::uint64_t total_sequences = 0;  // in the calibration set
    std::uint64_t total_tokens = 0;     // in the calibration set
    bool complete = false;              // every sequence is in a shard
    std::vector<TeacherCacheShardInfo> shards;

    std::uint64_t cached_sequences() const;
    std::uint64_t cached_positions() const;
};

std::filesystem::path teacher_cache_manifest_path(const std::filesystem::path& dir);
std::string teacher_cache_shard_name(std::size_t index);  // "shard-00000.bin"

// InputError naming the file on a missing, malformed or foreign manifest.
TeacherCacheManifest read_teacher_cache_manifest(const std::filesystem::path& dir);
void write_teacher_cache_manifest(const std::filesystem::path& dir, const TeacherCacheManifest& manifest);

// Writes a shard atomically; returns its info (file = the path's file name,
// first_sequence left 0 for the caller). std::invalid_argument on
// inconsistent sequence sizes.
TeacherCacheShardInfo write_teacher_cache_shard(const std::filesystem::path& path, int topk,
                                                const std::vector<TeacherCacheSequence>& sequences);
// Reads a shard; InputError on a bad file, a topk other than expected, or a
// SHA-256 other than expected_sha256 (unchecked when empty).
std::vector<TeacherCacheSequence> read_teacher_cache_shard(const std::filesystem::path& path, int topk,
                                                           const std::string& expected_sha256 = {});

// Every cached sequence, shard by shard (checksums checked).
std::vector<TeacherCacheSequence> read_teacher_cache(const std::filesystem::path& dir,
                                                     TeacherCacheManifest* manifest = nullptr);

} // namespace moecut

// `moecut teacher-cache` (Router-KD, docs/router-kd.md): runs the teacher on
// calibration text and stores its top-k next-token distribution per position
// (moecut/teacher_cache_file.h). Behind a torch-free header so the CLI's own
// files do not compile LibTorch headers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moecut::engine {

struct TeacherCacheCommand {
    std::string model, out, tokenizer;
    std::vector<std::string> data;    // "[DOMAIN=]FILE"
    int topk = 20;
    std::int64_t seq_len = 2048;
    std::uint64_t max_tokens = 0;     // 0 = all the data
    int batch = 8;                    // sequences per forward
    int shard_sequences = 256;        // sequences per shard (the resume unit)
    bool no_pack = false;
    std::uint64_t seed = 0;
    std::string device = "cpu";       // cpu | cuda | cuda:N
    std::string dtype = "float32";    // float32 | bfloat16
    bool restart = false;             // discard an existing cache in out
};

// Writes (or continues) the cache folder a.out: completed shards are kept, a
// rerun with the same teacher, data and settings continues after them; other
// settings are an InputError unless restart. Prints a summary on stdout.
void run_teacher_cache_command(const TeacherCacheCommand& a);

} // namespace moecut::engine

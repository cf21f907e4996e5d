// Checkpoint folders: single file or index + shards, lookups, what the index
// may leave out, and the speed of opening a full-size sparse checkpoint.
#include "moecut/checkpoint.h"

#include "moecut/error.h"
#include "moecut/safetensors_writer.h"
#include "safetensors_test_files.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <cstring>

namespace moecut {
namespace {

using test::safetensors_bytes;
using test::TempDir;
using test::write_text;

std::string f32(std::initializer_list<float> v) {
    return std::string(reinterpret_cast<const char*>(std::data(v)), v.size() * 4);
}

float first_float(std::span<const std::byte> b) {
    float f;
    std::memcpy(&f, b.data(), 4);
    return f;
}

TEST(Checkpoint, SingleFile) {
    TempDir dir;
    write_text(dir / "config.json", R"({"model_type":"qwen3_moe","hidden_size":8})");
    write_text(dir / "model.safetensors",
               safetensors_bytes(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                 R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                 f32({2.0f, 1.0f})));
    auto ck = Checkpoint::open(dir.path());
    EXPECT_EQ(ck.dir(), dir.path());
    EXPECT_EQ(ck.config()["hidden_size"], 8);
    EXPECT_EQ(ck.config_path(), dir / "config.json");
    ASSERT_EQ(ck.shards().size(), 1u);
    ASSERT_EQ(ck.entries().size(), 2u);
    EXPECT_EQ(ck.entries()[0].info->name, "a");
    EXPECT_EQ(ck.entries()[1].info->name, "b");
    EXPECT_TRUE(ck.contains("a"));
    EXPECT_FALSE(ck.contains("c"));
    EXPECT_FALSE(ck.contains(""));
    EXPECT_EQ(first_float(ck.bytes(*ck.find("a"))), 1.0f);
    EXPECT_EQ(first_float(ck.bytes(*ck.find("b"))), 2.0f);
    EXPECT_EQ(ck.bytes_on_disk(), std::filesystem::file_size(dir / "model.safetensors"));
    // Moving the checkpoint keeps its entries valid.
    Checkpoint moved = std::move(ck);
    EXPECT_EQ(first_float(moved.bytes(*moved.find("a"))), 1.0f);
}

TEST(Checkpoint, IndexRules) {
    TempDir dir;
    write_text(dir / "config.json", "{}");
    write_text(dir / "s1.safetensors",
               safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                 R"("extra":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                 f32({1.0f, 5.0f})));
    write_text(dir / "s2.safetensors",
               safetensors_bytes(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", f32({2.0f})));
    // A shard the index does not name is ignored, even when broken.
    write_text(dir / "stray.safetensors", "not a safetensors file");
    write_text(dir / "model.safetensors.index.json",
               R"({"metadata":{"total_size":12},"weight_map":{"a":"s1.safetensors","b":"s2.safetensors"}})");
    auto ck = Checkpoint::open(dir.path());
    EXPECT_EQ(ck.shards().size(), 2u);
    // A tensor the index leaves out but a listed shard holds is kept.
    ASSERT_TRUE(ck.contains("extra"));
    EXPECT_EQ(first_float(ck.bytes(*ck.find("extra"))), 5.0f);
    EXPECT_EQ(ck.find("b")->file->path(), dir / "s2.safetensors");
    EXPECT_EQ(ck.bytes_on_disk(),
              std::filesystem::file_size(dir / "s1.safetensors") + std::filesystem::file_size(dir / "s2.safetensors"));

    // model.safetensors wins over an index, as in transformers.
    write_text(dir / "model.safetensors",
               safetensors_bytes(R"({"only":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", f32({9.0f})));
    auto single = Checkpoint::open(dir.path());
    EXPECT_EQ(single.entries().size(), 1u);
    EXPECT_TRUE(single.contains("only"));
}

TEST(Checkpoint, ReadJsonFile) {
    TempDir dir;
    write_text(dir / "a.json", R"({"x":[1,2]})");
    EXPECT_EQ(read_json_file(dir / "a.json")["x"][1], 2);
    write_text(dir / "b.json", "{\"x\":\n");
    try {
        read_json_file(dir / "b.json");
        ADD_FAILURE();
    } catch (const InputError& e) {
        std::string msg = e.what();
        EXPECT_TRUE(msg.starts_with((dir / "b.json").string() + ": not valid JSON")) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos);
    }
    EXPECT_THROW(read_json_file(dir / "none.json"), InputError);
}

// A GLM-5-sized layout: ~100k tensors, 40 shards, 1.5 TB of holes. Opening it
// reads headers only and must take well under a few seconds.
TEST(Checkpoint, OpensHugeSparseCheckpointFast) {
    TempDir dir;
    write_text(dir / "config.json", "{}");
    WriterOptions opt;
    opt.sparse = true;
    const std::int64_t rows = 2048, cols = 3840;  // 15 MiB per tensor
    const int n = 100000;
    opt.max_shard_bytes = static_cast<std::uint64_t>(rows * cols * 2) * (n / 40);
    CheckpointWriter w(dir.path(), opt);
    for (int i = 0; i < n; ++i)
        w.add("model.layers." + std::to_string(i / 1280) + ".mlp.experts." + std::to_string((i / 5) % 256) + "." +
                  std::to_string(i % 5) + ".weight",
              DType::BF16, {rows, cols}, {});
    auto written = w.finish();
    ASSERT_EQ(written.size(), 41u);

    // CPU time (all threads), not wall time: the test machine may be busy.
    const std::clock_t c0 = std::clock();
    auto t0 = std::chrono::steady_clock::now();
    auto ck = Checkpoint::open(dir.path());
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    const double cpu_ms = 1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    EXPECT_EQ(ck.entries().size(), static_cast<std::size_t>(n));
    EXPECT_EQ(ck.shards().size(), 40u);
    EXPECT_GT(ck.bytes_on_disk(), static_cast<std::uint64_t>(n) * rows * cols * 2);  // ~1.5 TB
    EXPECT_LT(cpu_ms, 2000) << "opening took " << cpu_ms << " ms of CPU";
    std::printf("opened %d tensors in %zu shards: %lld ms wall, %.0f ms CPU\n", n, ck.shards().size(),
                static_cast<long long>(ms), cpu_ms);
    EXPECT_TRUE(ck.contains("model.layers.77.mlp.experts.255.4.weight"));
    EXPECT_EQ(ck.find("model.layers.0.mlp.experts.0.0.weight")->info->nbytes(), static_cast<std::uint64_t>(rows * cols * 2));
}

} // namespace
} // namespace moecut

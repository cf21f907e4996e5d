// `moecut inspect DIR` on corrupted copies of a tiny checkpoint: every
// corruption exits 2 with exactly one line on stderr that names the file and,
// where one is involved, the tensor. Never a crash.
#include "moecut/checkpoint.h"
#include "moecut/safetensors_writer.h"
#include "moecut/tiny_checkpoint.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

namespace moecut {
namespace {

using test::read_text;
using test::run_moecut;
using test::TempDir;
using test::write_text;

struct Parts {
    nlohmann::ordered_json header;
    std::string raw_header;
    std::string data;
};

Parts split(const std::filesystem::path& p) {
    std::string bytes = read_text(p);
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    Parts parts;
    parts.raw_header = bytes.substr(8, n);
    parts.header = nlohmann::ordered_json::parse(parts.raw_header);
    parts.data = bytes.substr(8 + n);
    return parts;
}

void join(const std::filesystem::path& p, const std::string& header, const std::string& data) {
    std::string out(8, '\0');
    std::uint64_t n = header.size();
    std::memcpy(out.data(), &n, 8);
    write_text(p, out + header + data);
}

// The first tensor in header order and the one whose data comes last.
std::string first_tensor(const Parts& parts) {
    for (const auto& [k, v] : parts.header.items())
        if (k != "__metadata__") return k;
    return {};
}

std::string last_tensor(const Parts& parts) {
    std::string best;
    std::uint64_t end = 0;
    for (const auto& [k, v] : parts.header.items())
        if (k != "__metadata__" && v["data_offsets"][1].get<std::uint64_t>() >= end) {
            end = v["data_offsets"][1].get<std::uint64_t>();
            best = k;
        }
    return best;
}

class CorruptCheckpoint : public ::testing::Test {
protected:
    TempDir tmp;
    std::filesystem::path dir = tmp / "ckpt";
    std::filesystem::path st = dir / "model.safetensors";

    void SetUp() override {
        TinyOptions opt;
        opt.family = Family::Qwen3Moe;
        make_tiny_checkpoint(opt, dir);
        ASSERT_EQ(run_moecut({"inspect", dir.string()}).exit_code, 0) << "the intact checkpoint must inspect cleanly";
    }

    // Rewrites the tiny checkpoint as shards of at most max_bytes with an index.
    std::vector<std::filesystem::path> reshard(std::uint64_t max_bytes) {
        auto ck = Checkpoint::open(dir);
        WriterOptions wo;
        wo.max_shard_bytes = max_bytes;
        auto out = tmp / "sharded";
        std::filesystem::create_directories(out);
        std::filesystem::copy_file(dir / "config.json", out / "config.json");
        CheckpointWriter w(out, wo);
        for (const auto& e : ck.entries()) w.add_bytes(e.info->name, e.info->dtype, e.info->shape, ck.bytes(e));
        auto files = w.finish();
        dir = out;
        return files;
    }

    // Runs inspect and checks: exit 2, one stderr line, naming each needle.
    void expect_failure(const std::vector<std::string>& needles) {
        auto r = run_moecut({"inspect", dir.string()});
        SCOPED_TRACE(r.err);
        EXPECT_EQ(r.exit_code, 2);
        ASSERT_FALSE(r.err.empty());
        EXPECT_EQ(r.err.back(), '\n');
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        for (const auto& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "missing \"" << n << "\"";
    }
};

TEST_F(CorruptCheckpoint, TruncatedFile) {
    auto parts = split(st);
    auto bytes = read_text(st);
    write_text(st, bytes.substr(0, bytes.size() - 5));
    expect_failure({"model.safetensors", last_tensor(parts), "past the end"});
}

TEST_F(CorruptCheckpoint, TruncatedInsideHeader) {
    write_text(st, read_text(st).substr(0, 30));
    expect_failure({"model.safetensors"});
}

TEST_F(CorruptCheckpoint, HeaderLengthTooBig) {
    auto bytes = read_text(st);
    std::uint64_t n = 1ull << 40;
    std::memcpy(bytes.data(), &n, 8);
    write_text(st, bytes);
    expect_failure({"model.safetensors", "exceeds the limit"});
}

TEST_F(CorruptCheckpoint, HeaderLengthPastEof) {
    auto bytes = read_text(st);
    std::uint64_t n = bytes.size();
    std::memcpy(bytes.data(), &n, 8);
    write_text(st, bytes);
    expect_failure({"model.safetensors", "past the end of the file"});
}

TEST_F(CorruptCheckpoint, BadJson) {
    auto parts = split(st);
    auto colon = parts.raw_header.find("\":{");  // after the first key
    ASSERT_NE(colon, std::string::npos);
    parts.raw_header[colon + 1] = '#';
    join(st, parts.raw_header, parts.data);
    expect_failure({"model.safetensors", "not valid JSON"});
}

TEST_F(CorruptCheckpoint, InvalidUtf8InName) {
    auto parts = split(st);
    auto name = first_tensor(parts);
    auto pos = parts.raw_header.find("\"" + name + "\"");
    ASSERT_NE(pos, std::string::npos);
    parts.raw_header[pos + 2] = '\xff';
    join(st, parts.raw_header, parts.data);
    expect_failure({"model.safetensors", "UTF-8"});
}

TEST_F(CorruptCheckpoint, UnknownDtype) {
    auto parts = split(st);
    auto name = first_tensor(parts);
    parts.header[name]["dtype"] = "Q4_K";
    join(st, parts.header.dump(), parts.data);
    expect_failure({"model.safetensors", name, "unknown dtype"});
}

TEST_F(CorruptCheckpoint, SizeMismatch) {
    auto parts = split(st);
    auto name = first_tensor(parts);
    parts.header[name]["shape"][0] = parts.header[name]["shape"][0].get<std::int64_t>() + 1;
    join(st, parts.header.dump(), parts.data);
    expect_failure({"model.safetensors", name, "needs"});
}

TEST_F(CorruptCheckpoint, OffsetsOutOfRange) {
    auto parts = split(st);
    auto name = last_tensor(parts);
    auto& off = parts.header[name]["data_offsets"];
    off[0] = off[0].get<std::uint64_t>() + 4096;
    off[1] = off[1].get<std::uint64_t>() + 4096;
    join(st, parts.header.dump(), parts.data);
    expect_failure({"model.safetensors", name, "past the end of the data section"});
}

TEST_F(CorruptCheckpoint, OverlappingTensors) {
    auto parts = split(st);
    // Give the last tensor the first one's range (and a shape to match).
    auto a = first_tensor(parts), b = last_tensor(parts);
    ASSERT_NE(a, b);
    parts.header[b] = parts.header[a];
    join(st, parts.header.dump(), parts.data);
    expect_failure({"model.safetensors", a, b});
}

TEST_F(CorruptCheckpoint, WrongJsonTypes) {
    auto parts = split(st);
    auto name = first_tensor(parts);
    parts.header[name]["shape"] = "[2, 3]";
    join(st, parts.header.dump(), parts.data);
    expect_failure({"model.safetensors", name, "shape"});
}

TEST_F(CorruptCheckpoint, NoWeights) {
    std::filesystem::remove(st);
    expect_failure({dir.string(), "model.safetensors"});
}

TEST_F(CorruptCheckpoint, MissingShard) {
    auto files = reshard(200'000);
    ASSERT_GE(files.size(), 3u);  // two shards or more, and the index
    ASSERT_EQ(run_moecut({"inspect", dir.string()}).exit_code, 0) << "the resharded checkpoint must inspect cleanly";
    const auto victim = files[1].filename().string();
    std::filesystem::remove(files[1]);
    expect_failure({victim, "no such file"});
}

TEST_F(CorruptCheckpoint, IndexNamesWrongShard) {
    auto files = reshard(200'000);
    ASSERT_GE(files.size(), 3u);
    auto index_path = dir / "model.safetensors.index.json";
    auto index = nlohmann::json::parse(read_text(index_path));
    // Point the first tensor of the first shard at the second shard.
    auto first = SafetensorsFile::open(files[0]).tensors().front().name;
    index["weight_map"][first] = files[1].filename().string();
    write_text(index_path, index.dump(2));
    expect_failure({"model.safetensors.index.json", first, files[1].filename().string()});
}

TEST_F(CorruptCheckpoint, CorruptShard) {
    auto files = reshard(200'000);
    ASSERT_GE(files.size(), 3u);
    auto bytes = read_text(files[1]);
    write_text(files[1], bytes.substr(0, bytes.size() - 1));
    expect_failure({files[1].filename().string()});
}

} // namespace
} // namespace moecut

// The safetensors writer: round trips, sharding and the index, byte-for-byte
// determinism and agreement with the reference writer, metadata, sparse
// files, producers that misbehave, atomicity.
#include "moecut/safetensors_writer.h"

#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/safetensors.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace moecut {
namespace {

using test::read_text;
using test::TempDir;

std::span<const std::byte> as_bytes(const std::vector<float>& v) {
    return std::as_bytes(std::span<const float>(v.data(), v.size()));
}

std::vector<float> floats(std::span<const std::byte> b) {
    std::vector<float> v(b.size() / 4);
    std::memcpy(v.data(), b.data(), v.size() * 4);
    return v;
}

std::vector<std::string> dir_listing(const std::filesystem::path& d) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(d)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

TEST(SafetensorsWriter, SingleFileRoundTrip) {
    TempDir dir;
    std::vector<float> a = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
    std::vector<std::int64_t> ids = {5, -6, 1ll << 50};
    write_safetensors_file(dir / "m.safetensors",
                           {{"z.weight", DType::F32, {2, 3}, [&](ByteSink& s) { s.write(as_bytes(a)); }},
                            {"a.ids", DType::I64, {3},
                             [&](ByteSink& s) {
                                 // In pieces, to exercise the buffering.
                                 auto b = std::as_bytes(std::span(ids));
                                 s.write(b.subspan(0, 5));
                                 s.write(b.subspan(5, 0));
                                 s.write(b.subspan(5));
                             }},
                            {"e", DType::BF16, {0}, {}},
                            {"s", DType::F32, {}, [](ByteSink& s) {
                                 float v = 9.5f;
                                 s.write(std::as_bytes(std::span(&v, 1)));
                             }}},
                           {{"format", "pt"}, {"source", "unit test"}});
    EXPECT_EQ(dir_listing(dir.path()), std::vector<std::string>{"m.safetensors"});
    auto f = SafetensorsFile::open(dir / "m.safetensors");
    ASSERT_EQ(f.tensors().size(), 4u);
    EXPECT_EQ(f.tensors()[0].name, "z.weight");  // declaration order kept
    EXPECT_EQ(f.tensors()[1].name, "a.ids");
    EXPECT_EQ(f.metadata(), (std::map<std::string, std::string>{{"format", "pt"}, {"source", "unit test"}}));
    EXPECT_EQ(floats(f.bytes(*f.find("z.weight"))), a);
    EXPECT_EQ(f.find("z.weight")->shape, (std::vector<std::int64_t>{2, 3}));
    auto ib = f.bytes(*f.find("a.ids"));
    std::vector<std::int64_t> got(3);
    std::memcpy(got.data(), ib.data(), 24);
    EXPECT_EQ(got, ids);
    EXPECT_EQ(f.find("e")->nbytes(), 0u);
    EXPECT_EQ(floats(f.bytes(*f.find("s"))), std::vector<float>{9.5f});
    // Header padded with spaces so the data starts 8-byte aligned.
    EXPECT_EQ(f.data_offset() % 8, 0u);
    std::string raw = read_text(dir / "m.safetensors");
    EXPECT_EQ(raw.substr(8, 16), "{\"__metadata__\":");
    EXPECT_EQ(raw[f.data_offset() - 1] == ' ' || raw[f.data_offset() - 1] == '}', true);
}

TEST(SafetensorsWriter, ExactHeaderBytes) {
    TempDir dir;
    std::vector<float> v = {1, 2};
    write_safetensors_file(dir / "x.safetensors",
                           {{"w\"q\n", DType::F32, {2}, [&](ByteSink& s) { s.write(as_bytes(v)); }}}, {{"k", "v"}});
    std::string raw = read_text(dir / "x.safetensors");
    const std::string header = R"({"__metadata__":{"k":"v"},"w\"q\n":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
    const std::string padded = header + std::string((8 - header.size() % 8) % 8, ' ');
    ASSERT_EQ(raw.size(), 8 + padded.size() + 8);
    std::uint64_t n = 0;
    std::memcpy(&n, raw.data(), 8);
    EXPECT_EQ(n, padded.size());
    EXPECT_EQ(raw.substr(8, padded.size()), padded);
    EXPECT_EQ(SafetensorsFile::open(dir / "x.safetensors").tensors()[0].name, "w\"q\n");
}

TEST(SafetensorsWriter, ShardsWithIndex) {
    TempDir dir;
    WriterOptions opt;
    opt.max_shard_bytes = 64;
    CheckpointWriter w(dir.path(), opt);
    std::vector<std::vector<float>> data;
    // Bytes: 40, 16 | 16, 40 | 100 (alone: larger than a shard) | 8
    const std::int64_t counts[] = {10, 4, 4, 10, 25, 2};
    const char* names[] = {"layer.0.w", "layer.0.b", "layer.1.b", "layer.1.w", "embed", "norm"};
    for (int i = 0; i < 6; ++i) {
        std::vector<float> v(static_cast<std::size_t>(counts[i]));
        for (std::size_t k = 0; k < v.size(); ++k) v[k] = static_cast<float>(i * 100 + static_cast<int>(k));
        data.push_back(v);
        w.add_bytes(names[i], DType::F32, {counts[i]}, as_bytes(data.back()));
    }
    auto written = w.finish();
    const std::vector<std::string> shard_names = {"model-00001-of-00004.safetensors", "model-00002-of-00004.safetensors",
                                                  "model-00003-of-00004.safetensors", "model-00004-of-00004.safetensors"};
    ASSERT_EQ(written.size(), 5u);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(written[static_cast<std::size_t>(i)], dir / shard_names[static_cast<std::size_t>(i)]);
    EXPECT_EQ(written[4], dir / "model.safetensors.index.json");

    auto index = nlohmann::json::parse(read_text(dir / "model.safetensors.index.json"));
    EXPECT_EQ(index["metadata"]["total_size"], 4 * (10 + 4 + 4 + 10 + 25 + 2));
    EXPECT_EQ(index["weight_map"]["layer.0.w"], shard_names[0]);
    EXPECT_EQ(index["weight_map"]["layer.0.b"], shard_names[0]);
    EXPECT_EQ(index["weight_map"]["layer.1.b"], shard_names[1]);
    EXPECT_EQ(index["weight_map"]["layer.1.w"], shard_names[1]);
    EXPECT_EQ(index["weight_map"]["embed"], shard_names[2]);
    EXPECT_EQ(index["weight_map"]["norm"], shard_names[3]);
    // As transformers writes it: indent 2, sorted keys, final newline.
    EXPECT_EQ(read_text(dir / "model.safetensors.index.json"), index.dump(2) + "\n");
    EXPECT_EQ(read_text(dir / "model.safetensors.index.json").substr(0, 40), "{\n  \"metadata\": {\n    \"total_size\": 220\n");

    test::write_text(dir / "config.json", "{}");
    auto ck = Checkpoint::open(dir.path());
    ASSERT_EQ(ck.shards().size(), 4u);
    ASSERT_EQ(ck.entries().size(), 6u);
    for (int i = 0; i < 6; ++i) {
        const auto* e = ck.find(names[i]);
        ASSERT_NE(e, nullptr) << names[i];
        EXPECT_EQ(floats(ck.bytes(*e)), data[static_cast<std::size_t>(i)]) << names[i];
        EXPECT_EQ(ck.shards()[0].metadata().at("format"), "pt");
    }
    EXPECT_EQ(ck.entries()[0].info->name, "embed");  // entries sorted by name
}

TEST(SafetensorsWriter, OneShardMeansNoIndex) {
    TempDir dir;
    test::write_text(dir / "model.safetensors.index.json", "{\"stale\": true}");
    CheckpointWriter w(dir.path());
    std::vector<float> v = {1};
    w.add_bytes("a", DType::F32, {1}, as_bytes(v));
    auto written = w.finish();
    EXPECT_EQ(written, std::vector<std::filesystem::path>{dir / "model.safetensors"});
    EXPECT_EQ(dir_listing(dir.path()), std::vector<std::string>{"model.safetensors"});
    EXPECT_THROW(w.finish(), std::logic_error);
}

TEST(SafetensorsWriter, ByteDeterministic) {
    TempDir a, b;
    auto build = [](const std::filesystem::path& d) {
        WriterOptions opt;
        opt.max_shard_bytes = 1000;
        opt.metadata = {{"format", "pt"}, {"z", "last"}, {"a", "first"}};
        CheckpointWriter w(d, opt);
        for (int i = 0; i < 20; ++i) {
            std::vector<std::uint16_t> v(100 + static_cast<std::size_t>(i));
            for (std::size_t k = 0; k < v.size(); ++k) v[k] = static_cast<std::uint16_t>(k * 7 + static_cast<std::size_t>(i));
            w.add("t." + std::to_string(i), DType::BF16, {static_cast<std::int64_t>(v.size())},
                  [v](ByteSink& s) { s.write(std::as_bytes(std::span(v))); });
        }
        return w.finish();
    };
    auto fa = build(a.path());
    auto fb = build(b.path());
    ASSERT_EQ(fa.size(), fb.size());
    ASSERT_GT(fa.size(), 3u);
    for (std::size_t i = 0; i < fa.size(); ++i) {
        EXPECT_EQ(fa[i].filename(), fb[i].filename());
        EXPECT_EQ(read_text(fa[i]), read_text(fb[i])) << fa[i].filename();
    }
}

TEST(SafetensorsWriter, SparseWritesHeadersAndHoles) {
    TempDir dir;
    WriterOptions opt;
    opt.sparse = true;
    opt.max_shard_bytes = 3ull << 30;
    CheckpointWriter w(dir.path(), opt);
    bool called = false;
    for (int i = 0; i < 4; ++i)  // 2 GiB each: one per shard
        w.add("big." + std::to_string(i), DType::BF16, {1024, 1024, 1024}, [&](ByteSink&) { called = true; });
    auto written = w.finish();
    EXPECT_FALSE(called);
    ASSERT_EQ(written.size(), 5u);
    test::write_text(dir / "config.json", "{}");
    auto ck = Checkpoint::open(dir.path());
    ASSERT_EQ(ck.shards().size(), 4u);
    for (const auto& shard : ck.shards()) {
        EXPECT_EQ(shard.file_size(), shard.data_offset() + (2ull << 30));
        struct stat st {};
        ASSERT_EQ(::stat(shard.path().c_str(), &st), 0);
        EXPECT_LT(static_cast<std::uint64_t>(st.st_blocks) * 512, 1u << 20) << "not sparse: " << shard.path();
    }
    EXPECT_EQ(ck.bytes_on_disk(), 4 * (2ull << 30) + ck.shards()[0].data_offset() * 4);
}

// A producer that throws, or writes the wrong number of bytes, leaves no
// file and no temporary file behind; nothing half-written appears.
TEST(SafetensorsWriter, FailedProducerLeavesNothing) {
    TempDir dir;
    std::vector<float> v = {1, 2};
    auto good = [&](ByteSink& s) { s.write(as_bytes(v)); };
    EXPECT_THROW(write_safetensors_file(dir / "m.safetensors",
                                        {{"a", DType::F32, {2}, good},
                                         {"b", DType::F32, {2}, [](ByteSink&) { throw InputError("source: b: bad"); }}},
                                        {}),
                 InputError);
    EXPECT_TRUE(dir_listing(dir.path()).empty());
    // Too few bytes.
    EXPECT_THROW(write_safetensors_file(dir / "m.safetensors",
                                        {{"a", DType::F32, {3}, good}}, {}),
                 std::logic_error);
    EXPECT_TRUE(dir_listing(dir.path()).empty());
    // Too many bytes.
    EXPECT_THROW(write_safetensors_file(dir / "m.safetensors", {{"a", DType::F32, {1}, good}}, {}), std::logic_error);
    EXPECT_TRUE(dir_listing(dir.path()).empty());
    // No producer for a non-empty tensor.
    EXPECT_THROW(write_safetensors_file(dir / "m.safetensors", {{"a", DType::F32, {1}, {}}}, {}), std::logic_error);
    EXPECT_TRUE(dir_listing(dir.path()).empty());

    // Sharded: the last shard fails after the first ones were written.
    WriterOptions opt;
    opt.max_shard_bytes = 8;
    CheckpointWriter w(dir.path(), opt);
    w.add("a", DType::F32, {2}, good);
    w.add("b", DType::F32, {2}, good);
    w.add("c", DType::F32, {2}, [](ByteSink&) { throw std::runtime_error("disk on fire"); });
    EXPECT_THROW(w.finish(), std::runtime_error);
    EXPECT_TRUE(dir_listing(dir.path()).empty());

    // An existing file stays as it was when a rewrite fails.
    test::write_text(dir / "m.safetensors", "old");
    EXPECT_THROW(write_safetensors_file(dir / "m.safetensors",
                                        {{"b", DType::F32, {2}, [](ByteSink&) { throw InputError("x"); }}}, {}),
                 InputError);
    EXPECT_EQ(dir_listing(dir.path()), std::vector<std::string>{"m.safetensors"});
    EXPECT_EQ(read_text(dir / "m.safetensors"), "old");
}

TEST(SafetensorsWriter, RejectsBadDeclarations) {
    TempDir dir;
    CheckpointWriter w(dir.path());
    EXPECT_THROW(w.add("__metadata__", DType::F32, {1}, {}), std::invalid_argument);
    EXPECT_THROW(w.add("bad\xff", DType::F32, {1}, {}), std::invalid_argument);
    EXPECT_THROW(w.add("neg", DType::F32, {-1}, {}), std::invalid_argument);
    EXPECT_THROW(w.add("huge", DType::F32, {1ll << 62, 8}, {}), std::invalid_argument);
    w.add("a", DType::F32, {0}, {});
    w.add("a", DType::F32, {0}, {});
    EXPECT_THROW(w.finish(), std::invalid_argument);
    EXPECT_TRUE(dir_listing(dir.path()).empty());
    WriterOptions bad_meta;
    bad_meta.metadata = {{"k", "\xc3"}};
    EXPECT_THROW(CheckpointWriter(dir.path(), bad_meta), std::invalid_argument);
}

// The reference keeps metadata in a Rust HashMap: with more than one key its
// order changes from run to run (we write keys sorted). So with several keys
// the headers must agree as JSON, key for key, and have the same length; with
// at most one key they must be the same bytes.
void expect_same_as_reference(const std::string& mine, const std::string& theirs, std::size_t metadata_keys) {
    ASSERT_EQ(mine.size(), theirs.size());
    if (metadata_keys <= 1) {
        EXPECT_EQ(mine, theirs);
        return;
    }
    std::uint64_t n = 0;
    std::memcpy(&n, theirs.data(), 8);
    ASSERT_LE(8 + n, theirs.size());
    EXPECT_EQ(mine.substr(0, 8), theirs.substr(0, 8));
    auto a = nlohmann::ordered_json::parse(mine.substr(8, n));
    auto b = nlohmann::ordered_json::parse(theirs.substr(8, n));
    EXPECT_EQ(nlohmann::json(a["__metadata__"]), nlohmann::json(b["__metadata__"]));
    a.erase("__metadata__");
    b.erase("__metadata__");
    EXPECT_EQ(a.dump(), b.dump());  // tensors: same order, same fields
    EXPECT_EQ(mine.substr(8 + n), theirs.substr(8 + n));
}

// The reference package writes tensors sorted by dtype (its enum order,
// largest first) and then by name; given the same order, our writer must
// produce the very same bytes. The values are re-encoded from expected.json
// with our own conversions for the float tensors of dtypes.safetensors.
TEST(SafetensorsWriter, MatchesReferenceBytes) {
    const auto data_dir = test::test_data_dir() / "safetensors";
    auto expected = nlohmann::json::parse(read_text(data_dir / "expected.json"));
    TempDir dir;
    int files = 0;
    for (const auto& [file, spec] : expected["files"].items()) {
        auto ref = SafetensorsFile::open(data_dir / file);
        std::vector<TensorToWrite> tensors;
        for (const auto& name : spec["order"]) {
            const TensorInfo* t = ref.find(name.get<std::string>());
            ASSERT_NE(t, nullptr);
            auto bytes = ref.bytes(*t);
            tensors.push_back({t->name, t->dtype, t->shape, [bytes](ByteSink& s) { s.write(bytes); }});
        }
        auto out = dir / file;
        write_safetensors_file(out, tensors, spec["metadata"].get<std::map<std::string, std::string>>());
        expect_same_as_reference(read_text(out), read_text(data_dir / file), spec["metadata"].size());
        ++files;
    }
    EXPECT_GE(files, 2);

    // Re-encode the floats of dtypes.safetensors from their values.
    const auto& spec = expected["files"]["dtypes.safetensors"];
    auto ref = SafetensorsFile::open(data_dir / "dtypes.safetensors");
    std::vector<std::vector<std::byte>> storage;
    std::vector<TensorToWrite> tensors;
    for (const auto& jn : spec["order"]) {
        const std::string name = jn.get<std::string>();
        const auto& t = spec["tensors"][name];
        const TensorInfo* info = ref.find(name);
        auto vals = t["values"].get<std::vector<double>>();
        std::vector<std::byte> buf;
        auto put = [&buf](const auto& x) {
            auto b = std::as_bytes(std::span(&x, 1));
            buf.insert(buf.end(), b.begin(), b.end());
        };
        for (std::size_t i = 0; i < vals.size(); ++i) {
            float f = static_cast<float>(vals[i]);
            if (auto sp = t["special"].find(std::to_string(i)); sp != t["special"].end())
                f = *sp == "nan" ? std::numeric_limits<float>::quiet_NaN()
                                 : (*sp == "inf" ? HUGE_VALF : -HUGE_VALF);
            switch (info->dtype) {
            case DType::BF16: put(float_to_bf16(f)); break;
            case DType::F16: put(float_to_f16(f)); break;
            case DType::F32: put(f); break;
            case DType::F64: put(vals[i]); break;
            case DType::F8_E4M3: put(float_to_e4m3(f)); break;
            case DType::F8_E5M2: put(float_to_e5m2(f)); break;
            case DType::I64: put(static_cast<std::int64_t>(vals[i])); break;
            case DType::I32: put(static_cast<std::int32_t>(vals[i])); break;
            case DType::I16: put(static_cast<std::int16_t>(vals[i])); break;
            case DType::I8: put(static_cast<std::int8_t>(vals[i])); break;
            case DType::U8:
            case DType::BOOL: put(static_cast<std::uint8_t>(vals[i])); break;
            default: FAIL() << name;
            }
        }
        storage.push_back(std::move(buf));
        tensors.push_back({name, info->dtype, info->shape, {}});
    }
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        std::span<const std::byte> b(storage[i]);
        tensors[i].producer = [b](ByteSink& s) { s.write(b); };
    }
    write_safetensors_file(dir / "reencoded.safetensors", tensors, spec["metadata"].get<std::map<std::string, std::string>>());
    auto mine = read_text(dir / "reencoded.safetensors");
    auto theirs = read_text(data_dir / "dtypes.safetensors");
    ASSERT_EQ(mine.size(), theirs.size());
    // NaN payloads may differ (torch makes 0xffff for bf16 NaN); compare all
    // other bytes exactly and the NaN slots as NaN.
    auto reread = SafetensorsFile::open(dir / "reencoded.safetensors");
    for (const auto& t : reread.tensors()) {
        auto a = reread.bytes(t);
        auto b = ref.bytes(*ref.find(t.name));
        for (std::size_t i = 0; i < static_cast<std::size_t>(t.numel()); ++i) {
            double x = read_element(a.data(), t.dtype, i), y = read_element(b.data(), t.dtype, i);
            const std::size_t k = dtype_size(t.dtype);
            if (std::isnan(y)) {
                EXPECT_TRUE(std::isnan(x)) << t.name << "[" << i << "]";
            } else {
                EXPECT_EQ(std::memcmp(a.data() + i * k, b.data() + i * k, k), 0) << t.name << "[" << i << "] " << x << " vs " << y;
            }
        }
    }
    expect_same_as_reference(mine.substr(0, reread.data_offset()), theirs.substr(0, reread.data_offset()),
                             spec["metadata"].size());
}

} // namespace
} // namespace moecut

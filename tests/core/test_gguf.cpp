// GGUF reader and writer: round trips, files written by the PyPI gguf package
// (tests/data/gguf_ref, scripts/make_gguf_fixtures.py), files moecut writes
// read by gguf-py's GGUFReader (when /opt/refvenv has it), and malformed files.
#include "moecut/error.h"
#include "moecut/gguf_reader.h"
#include "moecut/gguf_writer.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace moecut {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string fnv1a64(std::span<const std::byte> b) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::byte c : b) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 0x100000001b3ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// What the --dump mode of make_gguf_fixtures.py prints, computed by moecut.
json as_dump(const GgufFile& g) {
    json fields = json::array();
    for (const GgufKv& kv : g.metadata()) {
        json f = kv.value.to_json();
        f.erase("count");
        f["key"] = kv.key;
        fields.push_back(f);
    }
    json tensors = json::array();
    for (const GgufTensorInfo& t : g.tensors())
        tensors.push_back({{"name", t.name}, {"type", t.type}, {"ne", t.ne}, {"nbytes", t.nbytes},
                           {"offset", t.offset}, {"fnv1a64", fnv1a64(g.bytes(t))}});
    return {{"version", g.version()}, {"alignment", g.alignment()}, {"data_offset", g.data_offset()},
            {"fields", fields}, {"tensors", tensors}};
}

// Writes a file with every metadata type and a few tensors.
GgufLayout sample_layout(std::uint32_t alignment) {
    GgufLayout l(alignment);
    l.set("general.architecture", GgufValue::string("moecut-test"));
    l.set("a.u8", GgufValue::u8(250));
    l.set("a.i8", GgufValue::i8(-5));
    l.set("a.u16", GgufValue::u16(65535));
    l.set("a.i16", GgufValue::i16(-32768));
    l.set("a.u32", GgufValue::u32(4294967295u));
    l.set("a.i32", GgufValue::i32(-7));
    l.set("a.f32", GgufValue::f32(0.1f));
    l.set("a.bool", GgufValue::boolean(true));
    l.set("a.string", GgufValue::string("Ġt\xc3\xa9st\n"));
    l.set("a.u64", GgufValue::u64(18446744073709551615ull));
    l.set("a.i64", GgufValue::i64(-9223372036854775807ll - 1));
    l.set("a.f64", GgufValue::f64(2.5e-300));
    const std::vector<std::int32_t> ints = {1, -2, 3};
    l.set("a.arr_i32", GgufValue::array_of<std::int32_t>(GgufType::Int32, ints));
    const std::vector<float> floats = {0.5f, -1e-7f};
    l.set("a.arr_f32", GgufValue::array_of<float>(GgufType::Float32, floats));
    const std::vector<std::uint8_t> bools = {1, 0, 1};
    l.set("a.arr_bool", GgufValue::array_of<std::uint8_t>(GgufType::Bool, bools));
    l.set("a.arr_str", GgufValue::strings({"x", "", "<|user|>"}));
    const std::vector<std::uint64_t> u64s = {0, 1ull << 63};
    l.set("a.arr_u64", GgufValue::array_of<std::uint64_t>(GgufType::UInt64, u64s));
    l.add_tensor("w2d", GgmlType::F32, {5, 3});
    l.add_tensor("w1d", GgmlType::F16, {7});
    l.add_tensor("w3d", GgmlType::Q8_0, {64, 2, 3});
    l.add_tensor("empty", GgmlType::F32, {0});
    l.add_tensor("last", GgmlType::I8, {3});
    return l;
}

std::vector<std::vector<std::byte>> sample_data(const GgufLayout& l) {
    std::vector<std::vector<std::byte>> data;
    for (const GgufTensorInfo& t : l.tensors()) {
        std::vector<std::byte> d(t.nbytes);
        for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::byte>((i * 37 + t.name.size()) & 0xff);
        data.push_back(std::move(d));
    }
    return data;
}

fs::path write_sample(const fs::path& p, std::uint32_t alignment) {
    GgufLayout l = sample_layout(alignment);
    auto data = sample_data(l);
    std::vector<std::span<const std::byte>> spans(data.begin(), data.end());
    write_gguf(p, l, spans);
    return p;
}

TEST(Gguf, RoundTripEveryValueTypeAndPadding) {
    test::TempDir dir;
    for (std::uint32_t alignment : {32u, 64u, 8u}) {
        const fs::path p = write_sample(dir / ("s" + std::to_string(alignment) + ".gguf"), alignment);
        const GgufLayout l = sample_layout(alignment);
        const GgufFile g = GgufFile::open(p);
        EXPECT_EQ(g.version(), 3u);
        EXPECT_EQ(g.alignment(), alignment);
        EXPECT_EQ(g.file_size(), l.file_size());
        EXPECT_EQ(fs::file_size(p), l.file_size());
        EXPECT_EQ(g.data_offset() % alignment, 0u);
        EXPECT_EQ(g.file_size(), g.data_offset() + g.data_size());  // the last tensor is padded too
        EXPECT_TRUE(g.warnings().empty() || g.warnings().front().find("quantization_version") != std::string::npos);
        ASSERT_EQ(g.metadata().size(), l.metadata().size());
        for (std::size_t i = 0; i < l.metadata().size(); ++i) {
            EXPECT_EQ(g.metadata()[i].key, l.metadata()[i].key);
            EXPECT_TRUE(g.metadata()[i].value == l.metadata()[i].value) << l.metadata()[i].key;
        }
        EXPECT_EQ(g.find("a.u64")->as_u64(), 18446744073709551615ull);
        EXPECT_EQ(g.find("a.i64")->as_i64(), -9223372036854775807ll - 1);
        EXPECT_EQ(g.find("a.f32")->as_f64(), static_cast<double>(0.1f));
        EXPECT_EQ(g.find("a.string")->as_string(), "Ġt\xc3\xa9st\n");
        EXPECT_EQ(g.find("a.arr_str")->string_items().at(2), "<|user|>");
        EXPECT_EQ(g.find("a.arr_i32")->int_item(1), -2);
        EXPECT_EQ(g.find("a.arr_bool")->array_size(), 3u);
        if (alignment != 32) EXPECT_EQ(g.find("general.alignment")->as_u64(), alignment);
        else EXPECT_EQ(g.find("general.alignment"), nullptr);
        const auto data = sample_data(l);
        ASSERT_EQ(g.tensors().size(), 5u);
        for (std::size_t i = 0; i < data.size(); ++i) {
            const GgufTensorInfo& t = g.tensors()[i];
            EXPECT_EQ(t.name, l.tensors()[i].name);
            EXPECT_EQ(t.ne, l.tensors()[i].ne);
            EXPECT_EQ(t.offset % alignment, 0u);
            auto b = g.bytes(t);
            EXPECT_TRUE(std::equal(b.begin(), b.end(), data[i].begin(), data[i].end())) << t.name;
        }
        EXPECT_EQ(g.find_tensor("w3d")->nbytes, 2u * 3u * 2u * 34u);
    }
}

TEST(Gguf, ReadsFilesWrittenByGgufPy) {
    const json expected = json::parse(test::read_text(test::test_data_dir() / "gguf_ref/expected.json"));
    for (const auto& [name, want] : expected.items()) {
        const GgufFile g = GgufFile::open(test::test_data_dir() / "gguf_ref" / name);
        const json got = as_dump(g);
        EXPECT_EQ(got["alignment"], want["alignment"]) << name;
        // With no tensors, ggml does not pad the header (gguf-py does): the data offset means nothing then.
        if (!want["tensors"].empty()) EXPECT_EQ(got["data_offset"], want["data_offset"]) << name;
        ASSERT_EQ(got["fields"].size(), want["fields"].size()) << name;
        for (std::size_t i = 0; i < want["fields"].size(); ++i)
            EXPECT_EQ(got["fields"][i], want["fields"][i]) << name << " field " << i;
        ASSERT_EQ(got["tensors"].size(), want["tensors"].size()) << name;
        for (std::size_t i = 0; i < want["tensors"].size(); ++i)
            EXPECT_EQ(got["tensors"][i], want["tensors"][i]) << name << " tensor " << i;
    }
}

// Rewrites a file moecut wrote so that it matches, byte for byte, what the
// layout says, and has gguf-py read it (skipped without the reference venv).
TEST(Gguf, FilesMoecutWritesAreReadByGgufPy) {
    const fs::path py = "/opt/refvenv/bin/python";
    if (!fs::exists(py)) GTEST_SKIP() << "no reference venv at /opt/refvenv (gguf package)";
    test::TempDir dir;
    for (std::uint32_t alignment : {32u, 64u}) {
        const fs::path p = write_sample(dir / "m.gguf", alignment);
        const auto r = test::run_program(py.string(), {(test::source_dir() / "scripts/make_gguf_fixtures.py").string(),
                                                       "--dump", p.string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const json theirs = json::parse(r.out);
        const json ours = as_dump(GgufFile::open(p));
        EXPECT_EQ(theirs, ours) << theirs.dump(1) << "\n---\n" << ours.dump(1);
    }
}

// A GGUF assembled by hand, field by field, for malformed variants.
struct Raw {
    std::vector<std::byte> b;
    template <class T>
    Raw& put(T v) {
        const auto* p = reinterpret_cast<const std::byte*>(&v);
        b.insert(b.end(), p, p + sizeof(T));
        return *this;
    }
    Raw& str(std::string_view s) {
        put<std::uint64_t>(s.size());
        const auto* p = reinterpret_cast<const std::byte*>(s.data());
        b.insert(b.end(), p, p + s.size());
        return *this;
    }
    Raw& head(std::uint64_t n_tensors, std::uint64_t n_kv, std::uint32_t version = 3) {
        return put<std::uint32_t>(kGgufMagic).put<std::uint32_t>(version).put(n_tensors).put(n_kv);
    }
    Raw& kv_u32(std::string_view k, std::uint32_t v) { return str(k).put<std::uint32_t>(4).put(v); }
    Raw& tensor(std::string_view name, std::vector<std::int64_t> ne, std::uint32_t type, std::uint64_t offset) {
        str(name).put<std::uint32_t>(static_cast<std::uint32_t>(ne.size()));
        for (auto d : ne) put(d);
        return put(type).put(offset);
    }
    Raw& pad(std::size_t alignment) {
        b.resize((b.size() + alignment - 1) / alignment * alignment, std::byte{0});
        return *this;
    }
    Raw& zeros(std::size_t n) {
        b.resize(b.size() + n, std::byte{0});
        return *this;
    }
};

std::string error_of(const fs::path& p, const std::vector<std::byte>& bytes) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    try {
        GgufFile::open(p);
    } catch (const InputError& e) {
        return e.what();
    }
    return "(accepted)";
}

#define EXPECT_REJECTS(raw, needle)                                                  \
    do {                                                                             \
        const std::string msg = error_of(dir / "bad.gguf", (raw).b);                 \
        EXPECT_NE(msg.find(needle), std::string::npos) << msg;                       \
        EXPECT_EQ(msg.rfind((dir / "bad.gguf").string(), 0), 0u) << msg;             \
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;                         \
    } while (0)

Raw two_tensors(std::uint64_t second_offset) {
    Raw r;
    r.head(2, 1).str("general.architecture").put<std::uint32_t>(8).str("x");
    r.tensor("a", {8}, 0, 0).tensor("b", {8}, 0, second_offset).pad(32).zeros(64);
    return r;
}

TEST(Gguf, RejectsMalformedFiles) {
    test::TempDir dir;
    // The well-formed base case is accepted.
    EXPECT_EQ(error_of(dir / "ok.gguf", two_tensors(32).b), "(accepted)");

    Raw magic = two_tensors(32);
    magic.b[3] = std::byte{'X'};
    EXPECT_REJECTS(magic, "bad magic 'GGUX'");
    EXPECT_REJECTS(Raw{}.put<std::uint16_t>(0x4747), "truncated");
    Raw cut = two_tensors(32);
    cut.b.resize(30);
    EXPECT_REJECTS(cut, "truncated");
    Raw short_data = two_tensors(32);
    short_data.b.resize(short_data.b.size() - 20);  // b's 32 bytes end past the file
    EXPECT_REJECTS(short_data, "b: truncated: tensor data");
    EXPECT_REJECTS(two_tensors(36), "b: data offset 36 misaligned (alignment 32); expected 32");
    EXPECT_REJECTS(two_tensors(0), "b: data offset 0 overlaps the tensor before it; expected 32");
    EXPECT_REJECTS(two_tensors(64), "b: data offset 64 leaves a gap");
    EXPECT_REJECTS(Raw{}.head(0, 0, 1), "version 1 is no longer supported");
    EXPECT_REJECTS(Raw{}.head(0, 0, 4), "version 4 is newer");
    EXPECT_REJECTS(Raw{}.head(0, 0, 0x03000000), "byte-swapped");
    EXPECT_REJECTS(Raw{}.head(0, 2).kv_u32("k", 1).kv_u32("k", 2), "duplicate key 'k'");
    EXPECT_REJECTS(Raw{}.head(0, 1).kv_u32("", 1), "key 0 is empty");
    EXPECT_REJECTS(Raw{}.head(0, 1).str("k").put<std::uint32_t>(13).put<std::uint32_t>(0), "invalid GGUF type 13");
    EXPECT_REJECTS(Raw{}.head(0, 1).str("k").put<std::uint32_t>(9).put<std::uint32_t>(9).put<std::uint64_t>(0),
                   "nested arrays");
    EXPECT_REJECTS(Raw{}.head(0, 1).str("k").put<std::uint32_t>(9).put<std::uint32_t>(4).put<std::uint64_t>(1000),
                   "truncated");
    EXPECT_REJECTS(Raw{}.head(0, 1).str("general.alignment").put<std::uint32_t>(10).put<std::uint64_t>(32),
                   "must be of type UINT32 but is UINT64");
    EXPECT_REJECTS(Raw{}.head(0, 1).kv_u32("general.alignment", 48), "general.alignment 48 is not a power of 2");
    EXPECT_REJECTS(Raw{}.head(0, 1).str("k").put<std::uint32_t>(8).put<std::uint64_t>(1ull << 40), "exceeds the maximum");
    Raw dup;
    dup.head(2, 0).tensor("a", {8}, 0, 0).tensor("a", {8}, 0, 32).pad(32).zeros(64);
    EXPECT_REJECTS(dup, "a: duplicate tensor name");
    Raw longname;
    longname.head(1, 0).tensor(std::string(64, 'n'), {8}, 0, 0).pad(32).zeros(32);
    EXPECT_REJECTS(longname, "tensor name is 64 bytes; llama.cpp allows at most 63");
    Raw dims;
    dims.head(1, 0).tensor("a", {1, 1, 1, 1, 8}, 0, 0).pad(32).zeros(32);
    EXPECT_REJECTS(dims, "a: 5 dimensions");
    Raw neg;
    neg.head(1, 0).tensor("a", {-8}, 0, 0).pad(32).zeros(32);
    EXPECT_REJECTS(neg, "a: dimension 0 is negative");
    Raw type;
    type.head(1, 0).tensor("a", {8}, 4, 0).pad(32).zeros(32);
    EXPECT_REJECTS(type, "a: invalid ggml type 4");
    Raw block;
    block.head(1, 0).tensor("a", {48}, 8, 0).pad(32).zeros(64);
    EXPECT_REJECTS(block, "a: type q8_0 has 48 elements per row, not a multiple of its block size 32");
    Raw many;
    many.head(1000000, 0);
    EXPECT_REJECTS(many, "truncated");
}

TEST(Gguf, WarnsAboutWhatLlamaCppToleratesButShouldNotBeWritten) {
    test::TempDir dir;
    Raw r;
    r.head(1, 0).tensor("a", {32}, 8, 0).pad(32).zeros(34);  // q8_0, unpadded end, no architecture
    std::ofstream(dir / "w.gguf", std::ios::binary).write(reinterpret_cast<const char*>(r.b.data()), static_cast<std::streamsize>(r.b.size()));
    const GgufFile g = GgufFile::open(dir / "w.gguf");
    ASSERT_EQ(g.warnings().size(), 3u);
    EXPECT_NE(g.warnings()[0].find("general.architecture"), std::string::npos);
    EXPECT_NE(g.warnings()[1].find("not padded"), std::string::npos);
    EXPECT_NE(g.warnings()[2].find("quantization_version"), std::string::npos);
}

TEST(Gguf, LayoutRejectsWhatLlamaCppWouldReject) {
    GgufLayout l;
    EXPECT_THROW(l.set("", GgufValue::u32(1)), std::invalid_argument);
    l.set("k", GgufValue::u32(1));
    EXPECT_THROW(l.set("k", GgufValue::u32(2)), std::invalid_argument);
    EXPECT_THROW(l.set("general.alignment", GgufValue::u32(64)), std::invalid_argument);
    EXPECT_THROW(l.add_tensor(std::string(64, 'x'), GgmlType::F32, {1}), std::invalid_argument);
    EXPECT_THROW(l.add_tensor("q", GgmlType::Q4_K, {128, 2}), std::invalid_argument);
    EXPECT_THROW(l.add_tensor("d", GgmlType::F32, {1, 1, 1, 1, 1}), std::invalid_argument);
    l.add_tensor("a", GgmlType::F32, {3});
    EXPECT_THROW(l.add_tensor("a", GgmlType::F32, {3}), std::invalid_argument);
    EXPECT_THROW(GgufLayout(48), std::invalid_argument);
    EXPECT_EQ(l.tensors()[0].nbytes, 12u);
}

TEST(Gguf, StreamWriterIsAtomicAndChecksCompleteness) {
    test::TempDir dir;
    GgufLayout l;
    l.set("general.architecture", GgufValue::string("x"));
    l.add_tensor("a", GgmlType::F32, {3});
    l.add_tensor("b", GgmlType::F16, {5});
    {
        GgufStreamWriter w(dir / "x.gguf", l);
        const std::vector<std::byte> twelve(12), ten(10);
        w.append(std::span(twelve).first(5));  // any chunking
        w.append(std::span(twelve).subspan(5));
        EXPECT_EQ(w.current_tensor(), 1u);
        EXPECT_THROW(w.commit(), std::logic_error);  // b is missing
    }
    EXPECT_FALSE(fs::exists(dir / "x.gguf"));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 0);
    GgufStreamWriter w(dir / "x.gguf", l);
    const std::vector<std::byte> all(22, std::byte{1});
    w.append(all);
    EXPECT_THROW(w.append(all), std::logic_error);
    w.commit();
    const GgufFile g = GgufFile::open(dir / "x.gguf");
    EXPECT_EQ(g.file_size(), g.data_offset() + 64);
}

TEST(Gguf, TypeTraitsMatchGgml) {
    EXPECT_EQ(ggml_type_traits(GgmlType::Q4_K).type_size, 144);
    EXPECT_EQ(ggml_type_traits(GgmlType::Q6_K).type_size, 210);
    EXPECT_EQ(ggml_type_traits(GgmlType::Q2_K).type_size, 84);
    EXPECT_EQ(ggml_type_traits(GgmlType::Q3_K).type_size, 110);
    EXPECT_EQ(ggml_type_traits(GgmlType::Q5_K).type_size, 176);
    EXPECT_EQ(ggml_type_traits(GgmlType::NVFP4).block_size, 64);
    EXPECT_EQ(ggml_type_traits(4u), nullptr);
    EXPECT_EQ(ggml_type_traits(43u), nullptr);
    EXPECT_EQ(ggml_type_from_name("Q4_k"), GgmlType::Q4_K);
    EXPECT_EQ(ggml_type_from_name("bf16"), GgmlType::BF16);
    EXPECT_FALSE(ggml_type_from_name("q4_k_m").has_value());
}

} // namespace
} // namespace moecut

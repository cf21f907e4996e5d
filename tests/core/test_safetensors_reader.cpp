// Reading valid safetensors files: header order, lookups, metadata, zero-copy
// bytes, edge shapes, huge sparse files, and files written by the reference
// Python package (tests/data/safetensors, scripts/make_safetensors_fixtures.py).
#include "moecut/safetensors.h"

#include "moecut/error.h"
#include "safetensors_test_files.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>

namespace moecut {
namespace {

using test::safetensors_bytes;
using test::TempDir;
using test::write_text;

std::vector<float> as_floats(std::span<const std::byte> b) {
    std::vector<float> v(b.size() / 4);
    std::memcpy(v.data(), b.data(), v.size() * 4);
    return v;
}

TEST(SafetensorsReader, ReadsHeaderInOrderAndBytesZeroCopy) {
    TempDir dir;
    float w[6] = {1, 2, 3, 4, 5, 6};
    std::int64_t ids[2] = {-5, 1ll << 40};
    std::string data(reinterpret_cast<const char*>(w), sizeof w);
    data += std::string(reinterpret_cast<const char*>(ids), sizeof ids);
    data += std::string("\x01\x00\x01", 3);
    // Header order differs from offset order and from name order.
    std::string header =
        R"({"zeta":{"dtype":"I64","shape":[2],"data_offsets":[24,40]},)"
        R"("__metadata__":{"format":"pt","note":"héllo"},)"
        R"("alpha":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
        R"("mask":{"dtype":"BOOL","shape":[3],"data_offsets":[40,43]}}   )";
    auto p = dir / "m.safetensors";
    write_text(p, safetensors_bytes(header, data));

    auto f = SafetensorsFile::open(p);
    EXPECT_EQ(f.path(), p);
    EXPECT_EQ(f.file_size(), 8 + header.size() + data.size());
    EXPECT_EQ(f.data_offset(), 8 + header.size());
    ASSERT_EQ(f.tensors().size(), 3u);
    EXPECT_EQ(f.tensors()[0].name, "zeta");
    EXPECT_EQ(f.tensors()[1].name, "alpha");
    EXPECT_EQ(f.tensors()[2].name, "mask");
    EXPECT_EQ(f.metadata(), (std::map<std::string, std::string>{{"format", "pt"}, {"note", "héllo"}}));

    const TensorInfo* a = f.find("alpha");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->dtype, DType::F32);
    EXPECT_EQ(a->shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(a->numel(), 6);
    EXPECT_EQ(a->nbytes(), 24u);
    EXPECT_EQ(f.find("beta"), nullptr);
    EXPECT_EQ(f.find("__metadata__"), nullptr);

    auto ab = f.bytes(*a);
    ASSERT_EQ(ab.size(), 24u);
    EXPECT_EQ(as_floats(ab), (std::vector<float>{1, 2, 3, 4, 5, 6}));
    auto zb = f.bytes(*f.find("zeta"));
    std::int64_t got[2];
    std::memcpy(got, zb.data(), 16);
    EXPECT_EQ(got[0], -5);
    EXPECT_EQ(got[1], 1ll << 40);
    auto mb = f.bytes(*f.find("mask"));
    ASSERT_EQ(mb.size(), 3u);
    EXPECT_EQ(static_cast<int>(mb[0]), 1);
    EXPECT_EQ(static_cast<int>(mb[1]), 0);
    // Zero-copy: the same mapping every time, at the tensor's file offset.
    EXPECT_EQ(f.bytes(*a).data(), ab.data());
    EXPECT_EQ(zb.data() - ab.data(), 24);
}

TEST(SafetensorsReader, ScalarsZeroSizeAndEmptyHeaders) {
    TempDir dir;
    float one = 1.5f;
    std::string header = R"({"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]},)"
                         R"("e":{"dtype":"BF16","shape":[0,7],"data_offsets":[4,4]}})";
    write_text(dir / "a.safetensors", safetensors_bytes(header, std::string(reinterpret_cast<char*>(&one), 4)));
    auto f = SafetensorsFile::open(dir / "a.safetensors");
    EXPECT_EQ(f.find("s")->numel(), 1);
    EXPECT_EQ(as_floats(f.bytes(*f.find("s"))), std::vector<float>{1.5f});
    EXPECT_EQ(f.find("e")->numel(), 0);
    EXPECT_TRUE(f.bytes(*f.find("e")).empty());

    write_text(dir / "b.safetensors", safetensors_bytes("{}"));
    EXPECT_TRUE(SafetensorsFile::open(dir / "b.safetensors").tensors().empty());
    write_text(dir / "c.safetensors", safetensors_bytes(R"({"__metadata__":null})"));
    EXPECT_TRUE(SafetensorsFile::open(dir / "c.safetensors").metadata().empty());
    // Leading whitespace and JSON escapes in names are JSON, hence allowed.
    write_text(dir / "d.safetensors", safetensors_bytes(R"(  {"a\u00e9\n":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", "x"));
    auto d = SafetensorsFile::open(dir / "d.safetensors");
    ASSERT_EQ(d.tensors().size(), 1u);
    EXPECT_EQ(d.tensors()[0].name, "a\xc3\xa9\n");
}

TEST(SafetensorsReader, EveryDtypeIsKnown) {
    const char* names[] = {"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "F8_E8M0",
                           "I64", "I32", "I16", "I8",   "U8",      "BOOL"};
    std::string header = "{";
    std::uint64_t off = 0;
    for (const char* n : names) {
        auto size = dtype_size(*dtype_from_name(n));
        if (header.size() > 1) header += ',';
        header += "\"t_" + std::string(n) + "\":{\"dtype\":\"" + n + "\",\"shape\":[3],\"data_offsets\":[" +
                  std::to_string(off) + "," + std::to_string(off + 3 * size) + "]}";
        off += 3 * size;
    }
    header += "}";
    auto f = SafetensorsFile::parse_header(header, 8 + header.size() + off, "mem.safetensors");
    ASSERT_EQ(f.tensors().size(), std::size(names));
    for (std::size_t i = 0; i < std::size(names); ++i) EXPECT_EQ(dtype_name(f.tensors()[i].dtype), names[i]);
}

TEST(SafetensorsReader, HugeSparseFileOpensWithoutReadingData) {
    TempDir dir;
    // 1.5 TB of data as a hole: one huge tensor, then a small one at the end.
    const std::uint64_t big = 1536ull << 30;  // bytes
    std::string header = R"({"big":{"dtype":"BF16","shape":[)" + std::to_string(big / 2) +
                         R"(],"data_offsets":[0,)" + std::to_string(big) + R"(]},"tail":{"dtype":"F32","shape":[2],"data_offsets":[)" +
                         std::to_string(big) + "," + std::to_string(big + 8) + "]}}";
    auto p = dir / "huge.safetensors";
    write_text(p, safetensors_bytes(header));
    const std::uint64_t data_start = 8 + header.size();
    int fd = ::open(p.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    float tail[2] = {7.0f, -8.0f};
    ASSERT_EQ(::pwrite(fd, tail, 8, static_cast<off_t>(data_start + big)), 8);
    ::close(fd);

    auto t0 = std::chrono::steady_clock::now();
    auto f = SafetensorsFile::open(p);
    auto dt = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(dt).count(), 500);
    EXPECT_EQ(f.file_size(), data_start + big + 8);
    EXPECT_EQ(f.find("big")->numel(), static_cast<std::int64_t>(big / 2));
    EXPECT_EQ(as_floats(f.bytes(*f.find("tail"))), (std::vector<float>{7.0f, -8.0f}));
    EXPECT_EQ(f.bytes(*f.find("big")).size(), big);
}

TEST(SafetensorsReader, MovedFileKeepsItsMapping) {
    TempDir dir;
    float v[2] = {3, 4};
    write_text(dir / "a.safetensors",
               safetensors_bytes(R"({"v":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                                 std::string(reinterpret_cast<char*>(v), 8)));
    auto f = SafetensorsFile::open(dir / "a.safetensors");
    auto first = f.bytes(f.tensors()[0]);
    SafetensorsFile g = std::move(f);
    EXPECT_EQ(g.bytes(g.tensors()[0]).data(), first.data());
    EXPECT_EQ(as_floats(g.bytes(g.tensors()[0])), (std::vector<float>{3, 4}));
}

// ---- files written by the reference implementation -----------------------------

std::vector<double> read_all(const SafetensorsFile& f, const TensorInfo& t) {
    auto b = f.bytes(t);
    std::vector<double> v(static_cast<std::size_t>(t.numel()));
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = read_element(b.data(), t.dtype, i);
    return v;
}

TEST(SafetensorsReader, ReadsReferenceFixtures) {
    const auto dir = test::test_data_dir() / "safetensors";
    auto expected = nlohmann::json::parse(test::read_text(dir / "expected.json"));
    ASSERT_TRUE(expected.contains("files"));
    int checked = 0;
    for (const auto& [file, spec] : expected["files"].items()) {
        auto f = SafetensorsFile::open(dir / file);
        // The reference writes tensors in its own order; the header order is kept.
        std::vector<std::string> order;
        for (const auto& t : f.tensors()) order.push_back(t.name);
        EXPECT_EQ(order, spec["order"].get<std::vector<std::string>>()) << file;
        EXPECT_EQ(f.metadata(), (spec["metadata"].get<std::map<std::string, std::string>>())) << file;
        for (const auto& [name, t] : spec["tensors"].items()) {
            const TensorInfo* info = f.find(name);
            ASSERT_NE(info, nullptr) << file << ": " << name;
            EXPECT_EQ(dtype_name(info->dtype), t["dtype"].get<std::string>()) << name;
            EXPECT_EQ(info->shape, t["shape"].get<std::vector<std::int64_t>>()) << name;
            auto want = t["values"].get<std::vector<double>>();
            auto got = read_all(f, *info);
            ASSERT_EQ(got.size(), want.size()) << name;
            for (std::size_t i = 0; i < got.size(); ++i) {
                if (auto sp = t["special"].find(std::to_string(i)); sp != t["special"].end()) {
                    const auto kind = sp->get<std::string>();
                    if (kind == "nan") {
                        EXPECT_TRUE(std::isnan(got[i])) << name << "[" << i << "]";
                    } else {
                        EXPECT_EQ(got[i], kind == "inf" ? HUGE_VAL : -HUGE_VAL) << name << "[" << i << "]";
                    }
                    continue;
                }
                EXPECT_EQ(got[i], want[i]) << name << "[" << i << "]";
            }
            ++checked;
        }
    }
    EXPECT_GE(checked, 8);
}

} // namespace
} // namespace moecut

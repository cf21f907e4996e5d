// Every way a safetensors file or a sharded checkpoint can be broken ends in
// an InputError whose one-line message starts with the file's path and names
// the tensor where one is involved; never a crash.
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/safetensors.h"

#include "safetensors_test_files.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace moecut {
namespace {

using test::safetensors_bytes;
using test::TempDir;
using test::write_text;

const std::string kGood = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                          R"("b":{"dtype":"BF16","shape":[2,2],"data_offsets":[8,16]}})";

// Opens the file and returns the InputError's message; fails the test if
// there is none.
std::string open_error(const std::filesystem::path& p) {
    try {
        SafetensorsFile::open(p);
    } catch (const InputError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no InputError for " << p;
    return {};
}

class Corruption : public ::testing::Test {
protected:
    TempDir dir;
    std::filesystem::path path = dir / "bad.safetensors";

    // Writes the file, expects an error message "PATH: [TENSOR: ]..." holding
    // `needle`, on one line.
    void expect(const std::string& bytes, const std::string& tensor, const std::string& needle) {
        write_text(path, bytes);
        std::string msg = open_error(path);
        SCOPED_TRACE(msg);
        EXPECT_TRUE(msg.starts_with(path.string() + ": ")) << msg;
        if (!tensor.empty()) {
            EXPECT_TRUE(msg.starts_with(path.string() + ": " + tensor + ": ")) << msg;
        }
        EXPECT_NE(msg.find(needle), std::string::npos) << "wanted \"" << needle << "\" in: " << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
    std::string data16 = std::string(16, '\0');
};

TEST_F(Corruption, GoodFileOpens) {
    write_text(path, safetensors_bytes(kGood, data16));
    EXPECT_EQ(SafetensorsFile::open(path).tensors().size(), 2u);
}

TEST_F(Corruption, MissingAndShortFiles) {
    std::string msg = open_error(dir / "nope.safetensors");
    EXPECT_EQ(msg, (dir / "nope.safetensors").string() + ": no such file");
    expect("", "", "too short");
    expect("\x05\x00\x00", "", "too short");
    msg = open_error(dir.path());
    EXPECT_NE(msg.find("folder"), std::string::npos) << msg;
}

TEST_F(Corruption, TruncatedFile) {
    auto full = safetensors_bytes(kGood, data16);
    expect(full.substr(0, full.size() - 3), "b", "past the end of the data section");
    // Cut inside the header: the declared length runs past the end.
    expect(full.substr(0, 20), "", "runs past the end of the file");
}

TEST_F(Corruption, HeaderLengthThatLies) {
    expect(safetensors_bytes(kGood, data16, 1ull << 62), "", "exceeds the limit");
    expect(safetensors_bytes(kGood, data16, ~0ull), "", "exceeds the limit");
    expect(safetensors_bytes(kGood, data16, SafetensorsFile::kMaxHeaderBytes + 1), "", "exceeds the limit");
    expect(safetensors_bytes(kGood, data16, kGood.size() + 17), "", "runs past the end of the file");
    // Too short: the JSON is cut, or the data is taken for header.
    expect(safetensors_bytes(kGood, data16, kGood.size() - 1), "", "not valid JSON");
    expect(safetensors_bytes(kGood, data16, kGood.size() + 2), "", "not valid JSON");
    expect(safetensors_bytes(kGood, data16, 0), "", "not valid JSON");
}

TEST_F(Corruption, OffsetsOutOfRange) {
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", std::string(8, '\0')), "a",
           "past the end of the data section");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", std::string(8, '\0')), "a",
           "end before they begin");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[18446744073709551615,7]}})", ""), "a",
           "end before they begin");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", data16), "a", "exactly two");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}})", data16), "a", "exactly two");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,-8]}})", data16), "a", "negative");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,1e3]}})", data16), "a", "integers");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,99999999999999999999999]}})", data16),
           "a", "integers");
}

TEST_F(Corruption, OverlapsGapsAndLeftovers) {
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                             std::string(12, '\0')),
           "b", "overlap tensor a");
    // Same range twice.
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                             std::string(8, '\0')),
           "b", "overlap tensor a");
    // A zero-size tensor inside another's range (the reference rejects it too).
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}})",
                             std::string(8, '\0')),
           "z", "overlap");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", std::string(8, '\0')), "a",
           "unused");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", std::string(8, '\0')), "",
           "4 bytes after the last tensor");
    expect(safetensors_bytes("{}", "x"), "", "1 bytes after the last tensor");
}

TEST_F(Corruption, SizeMismatch) {
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, '\0')), "a",
           "needs 12 bytes");
    expect(safetensors_bytes(R"({"a":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,8]}})", std::string(8, '\0')), "a",
           "needs 12 bytes");
    // Element count that overflows 64 bits must not wrap around to a match.
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}})", ""), "a",
           "more elements");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,0]}})", ""), "a",
           "too large");
}

TEST_F(Corruption, BadJson) {
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})", std::string(8, '\0')), "",
           "not valid JSON");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}},)", std::string(8, '\0')), "",
           "not valid JSON");
    expect(safetensors_bytes(std::string(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})") + '\0',
                             std::string(8, '\0')),
           "", "not valid JSON");
    expect(safetensors_bytes("{'a': 1}"), "", "not valid JSON");
    expect(safetensors_bytes("[]"), "", "must be a JSON object");
    expect(safetensors_bytes("\"x\""), "", "must be a JSON object");
    expect(safetensors_bytes("{} {}"), "", "not valid JSON");
    expect(safetensors_bytes(std::string(5000, '[')), "", "must be a JSON object");
}

TEST_F(Corruption, InvalidUtf8) {
    expect(safetensors_bytes("{\"a\xff\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", std::string(8, '\0')),
           "", "not valid JSON");
    expect(safetensors_bytes("{\"__metadata__\":{\"k\":\"\xc3\x28\"}}"), "", "UTF-8");
    // An unpaired surrogate escape is not valid Unicode either.
    expect(safetensors_bytes(R"({"\ud800":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", std::string(8, '\0')), "",
           "not valid JSON");
    // The message itself stays printable ASCII around the bad byte.
    write_text(path, safetensors_bytes("{\"a\xff\":1}"));
    std::string msg = open_error(path);
    EXPECT_EQ(msg.find('\xff'), std::string::npos);
}

TEST_F(Corruption, UnknownDtype) {
    expect(safetensors_bytes(R"({"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}})", std::string(8, '\0')), "a",
           "unknown dtype \"F33\"");
    expect(safetensors_bytes(R"({"a":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}})", std::string(8, '\0')), "a",
           "unknown dtype");
    // Dtypes the reference knows but moecut does not.
    expect(safetensors_bytes(R"({"a":{"dtype":"U16","shape":[2],"data_offsets":[0,4]}})", std::string(4, '\0')), "a",
           "unknown dtype \"U16\"");
}

TEST_F(Corruption, WrongJsonTypes) {
    auto one = [](const std::string& entry) { return safetensors_bytes("{\"t\":" + entry + "}", std::string(8, '\0')); };
    expect(one("[1]"), "t", "must be an object");
    expect(one("null"), "t", "must be an object");
    expect(one("5"), "t", "must be an object");
    expect(one(R"({"dtype":7,"shape":[2],"data_offsets":[0,8]})"), "t", "dtype must be a string");
    expect(one(R"({"dtype":"F32","shape":2,"data_offsets":[0,8]})"), "t", "shape must be an array");
    expect(one(R"({"dtype":"F32","shape":["2"],"data_offsets":[0,8]})"), "t", "shape must be an array");
    expect(one(R"({"dtype":"F32","shape":[[2]],"data_offsets":[0,8]})"), "t", "shape must be an array");
    expect(one(R"({"dtype":"F32","shape":[2.0],"data_offsets":[0,8]})"), "t", "integers");
    expect(one(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})"), "t", "negative");
    expect(one(R"({"dtype":"F32","shape":[true],"data_offsets":[0,8]})"), "t", "shape must be an array");
    expect(one(R"({"dtype":"F32","shape":[2],"data_offsets":{"b":0}})"), "t", "data_offsets must be an array");
    expect(one(R"({"dtype":"F32","shape":[2]})"), "t", "missing field \"data_offsets\"");
    expect(one(R"({"shape":[2],"data_offsets":[0,8]})"), "t", "missing field \"dtype\"");
    expect(one(R"({"dtype":"F32","data_offsets":[0,8]})"), "t", "missing field \"shape\"");
    expect(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1})"), "t", "unexpected field \"extra\"");
    expect(one(R"({"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]})"), "t", "duplicate field");
    expect(safetensors_bytes(R"({"__metadata__":{"k":1}})"), "__metadata__", "values must be strings");
    expect(safetensors_bytes(R"({"__metadata__":["k"]})"), "__metadata__", "must be an object");
    expect(safetensors_bytes(R"({"__metadata__":{"k":{"x":"y"}}})"), "__metadata__", "values must be strings");
    expect(safetensors_bytes(R"({"__metadata__":{},"__metadata__":{}})"), "", "duplicate key");
    expect(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                             std::string(8, '\0')),
           "a", "appears twice");
}

TEST_F(Corruption, TensorNamesInMessagesStayOnOneLine) {
    expect(safetensors_bytes(R"({"evil\nname":{"dtype":"X","shape":[2],"data_offsets":[0,8]}})", std::string(8, '\0')),
           "evil\\x0aname", "unknown dtype");
}

TEST_F(Corruption, ParseHeaderChecksItsOwnBounds) {
    EXPECT_THROW(SafetensorsFile::parse_header("{}", 9, "x"), InputError);  // 8 + 2 > 9
    EXPECT_NO_THROW(SafetensorsFile::parse_header("{}", 10, "x"));
    EXPECT_THROW(SafetensorsFile::parse_header("{}", 11, "x"), InputError);  // a byte left over
}

// ---- sharded checkpoints -----------------------------------------------------------

class CheckpointCorruption : public ::testing::Test {
protected:
    TempDir dir;
    void SetUp() override {
        write_text(dir / "config.json", R"({"model_type":"qwen3_moe"})");
        write_text(dir / "model-00001-of-00002.safetensors",
                   safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", std::string(8, '\0')));
        write_text(dir / "model-00002-of-00002.safetensors",
                   safetensors_bytes(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", std::string(4, '\0')));
    }
    void index(const std::string& weight_map) {
        write_text(dir / "model.safetensors.index.json",
                   R"({"metadata":{"total_size":12},"weight_map":)" + weight_map + "}");
    }
    std::string error() {
        try {
            Checkpoint::open(dir.path());
        } catch (const InputError& e) {
            return e.what();
        }
        ADD_FAILURE() << "no InputError";
        return {};
    }
    std::string p(const std::string& name) { return (dir / name).string(); }
};

TEST_F(CheckpointCorruption, GoodCheckpointOpens) {
    index(R"({"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"})");
    auto ck = Checkpoint::open(dir.path());
    EXPECT_EQ(ck.entries().size(), 2u);
}

TEST_F(CheckpointCorruption, MissingShard) {
    index(R"({"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors","c":"model-00003.safetensors"})");
    EXPECT_EQ(error(), p("model-00003.safetensors") + ": no such file (named by model.safetensors.index.json)");
}

TEST_F(CheckpointCorruption, TensorNotInItsShard) {
    index(R"({"a":"model-00001-of-00002.safetensors","b":"model-00001-of-00002.safetensors"})");
    auto msg = error();
    EXPECT_TRUE(msg.starts_with(p("model.safetensors.index.json") + ": b: ")) << msg;
    EXPECT_NE(msg.find("model-00001-of-00002.safetensors"), std::string::npos) << msg;
}

TEST_F(CheckpointCorruption, TensorInTwoShards) {
    write_text(dir / "model-00002-of-00002.safetensors",
               safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                 R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                 std::string(8, '\0')));
    index(R"({"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"})");
    EXPECT_EQ(error(), p("model-00002-of-00002.safetensors") + ": a: also in model-00001-of-00002.safetensors");
}

TEST_F(CheckpointCorruption, CorruptShardIsNamed) {
    write_text(dir / "model-00002-of-00002.safetensors", "garbage!garbage");
    index(R"({"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"})");
    auto msg = error();
    EXPECT_TRUE(msg.starts_with(p("model-00002-of-00002.safetensors") + ": ")) << msg;
}

TEST_F(CheckpointCorruption, BadIndex) {
    write_text(dir / "model.safetensors.index.json", "{not json");
    EXPECT_TRUE(error().starts_with(p("model.safetensors.index.json") + ": not valid JSON"));
    write_text(dir / "model.safetensors.index.json", "[]");
    EXPECT_TRUE(error().starts_with(p("model.safetensors.index.json") + ": "));
    write_text(dir / "model.safetensors.index.json", R"({"metadata":{}})");
    EXPECT_NE(error().find("weight_map"), std::string::npos);
    index(R"({"a":3})");
    EXPECT_TRUE(error().starts_with(p("model.safetensors.index.json") + ": a: "));
    index(R"({"a":"../outside.safetensors"})");
    EXPECT_TRUE(error().starts_with(p("model.safetensors.index.json") + ": a: "));
    index(R"({"a":"/etc/passwd"})");
    EXPECT_TRUE(error().starts_with(p("model.safetensors.index.json") + ": a: "));
    index(R"({"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors","a":"model-00002-of-00002.safetensors"})");
    EXPECT_EQ(error(), p("model.safetensors.index.json") +
                           ": a: weight_map names it twice, in model-00001-of-00002.safetensors and model-00002-of-00002.safetensors");
    write_text(dir / "model.safetensors.index.json", std::string(R"({"weight_map":{}})") + '\0' + "junk");
    EXPECT_TRUE(error().starts_with(p("model.safetensors.index.json") + ": not valid JSON")) << error();
    write_text(dir / "model.safetensors.index.json", R"({"weight_map":{"a":"model-00001-of-00002.safetensors"},"weight_map":{}})");
    EXPECT_NE(error().find("twice"), std::string::npos);
}

TEST_F(CheckpointCorruption, ConfigAndFolderProblems) {
    index(R"({"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"})");
    std::filesystem::remove(dir / "config.json");
    EXPECT_EQ(error(), p("config.json") + ": no such file");
    write_text(dir / "config.json", "{\"a\":");
    EXPECT_TRUE(error().starts_with(p("config.json") + ": not valid JSON"));
    write_text(dir / "config.json", "[1]");
    EXPECT_TRUE(error().starts_with(p("config.json") + ": "));
    write_text(dir / "config.json", "{}");
    std::filesystem::remove(dir / "model.safetensors.index.json");
    EXPECT_TRUE(error().starts_with(dir.path().string() + ": no model.safetensors")) << error();
    EXPECT_THROW(Checkpoint::open(dir / "no-such-folder"), InputError);
    EXPECT_THROW(Checkpoint::open(dir / "config.json"), InputError);
}

} // namespace
} // namespace moecut

// prune_checkpoint in-process: an interrupted prune leaves nothing behind, a
// plan for another model is refused before anything is written.
#include "moecut/checkpoint.h"
#include "moecut/checkpoint_hash.h"
#include "moecut/error.h"
#include "moecut/pruner.h"
#include "moecut/safetensors_writer.h"
#include "moecut/tiny_checkpoint.h"
#include "test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace moecut {
namespace {

using test::TempDir;

Plan keep_first(const ArchDescriptor& a, int k) {
    Plan p;
    for (int l : router_limits(a).layers)
        for (int e = 0; e < k; ++e) p.keep[l].push_back(e);
    return p;
}

std::vector<std::string> names_in(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(Pruner, FailureMidwayLeavesNoOutput) {
    TempDir tmp;
    make_tiny_checkpoint({Family::GlmMoeDsa, ExpertLayout::PerExpert, false, 3}, tmp / "src");
    const ArchDescriptor a = ArchDescriptor::from_file(tmp / "src" / "config.json");
    PruneOptions o;
    int calls = 0;
    o.progress = [&](std::uint64_t done, std::uint64_t total) {
        EXPECT_LE(done, total);
        if (++calls == 3) throw std::runtime_error("disk full (simulated)");
    };
    EXPECT_THROW(prune_checkpoint(tmp / "src", keep_first(a, 8), tmp / "out", o), std::runtime_error);
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(names_in(tmp.path()), (std::vector<std::string>{"src"}));  // no out, no temporary folder

    // The same prune without the failure works, and reports every byte.
    std::uint64_t last = 0, total = 0;
    o.progress = [&](std::uint64_t d, std::uint64_t t) { last = d, total = t; };
    const PruneResult r = prune_checkpoint(tmp / "src", keep_first(a, 8), tmp / "out", o);
    EXPECT_EQ(last, total);
    EXPECT_EQ(total, r.bytes_out);
    EXPECT_EQ(r.experts_before, 16);
    EXPECT_EQ(r.experts_after, 8);
    EXPECT_EQ(r.source_fingerprint, checkpoint_fingerprint(tmp / "src"));
    // Output again onto an existing folder: refused.
    EXPECT_THROW(prune_checkpoint(tmp / "src", keep_first(a, 8), tmp / "out", {}), InputError);
}

TEST(Pruner, RefusesAPlanForAnotherModel) {
    TempDir tmp;
    make_tiny_checkpoint({Family::Qwen3Moe, ExpertLayout::PerExpert, false, 0}, tmp / "src");
    const ArchDescriptor a = ArchDescriptor::from_file(tmp / "src" / "config.json");
    Plan p = keep_first(a, 8);
    p.source["model_hash"] = "sha256:0000";
    try {
        prune_checkpoint(tmp / "src", p, tmp / "out", {});
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("made for model sha256:0000"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(tmp / "out"));
    p.source["model_hash"] = checkpoint_fingerprint(tmp / "src");
    EXPECT_NO_THROW(prune_checkpoint(tmp / "src", p, tmp / "out", {}));
}

// ByteSink's default write_from_file (for sinks that cannot copy in the
// kernel) reads the range through a buffer.
TEST(Pruner, ByteSinkReadsFileRanges) {
    TempDir tmp;
    std::string data(10'000'000, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 7919) % 251);
    test::write_text(tmp / "f.bin", data);
    struct Collect : ByteSink {
        std::string got;
        void write(std::span<const std::byte> b) override { got.append(reinterpret_cast<const char*>(b.data()), b.size()); }
    } sink;
    const int fd = ::open((tmp / "f.bin").c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    sink.write_from_file(fd, 123, 9'000'000);
    sink.write_from_file(fd, 5, 10);
    ::close(fd);
    EXPECT_EQ(sink.got, data.substr(123, 9'000'000) + data.substr(5, 10));
}

} // namespace
} // namespace moecut

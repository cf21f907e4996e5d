// Files and folders that appear complete or not at all.
#include "moecut/atomic_file.h"

#include "moecut/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace moecut {
namespace {

using test::read_text;
using test::TempDir;
using test::write_text;

std::vector<std::string> listing(const std::filesystem::path& d) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(d)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

TEST(AtomicFile, InvisibleUntilCommit) {
    TempDir dir;
    auto p = dir / "out.txt";
    {
        AtomicFile f(p);
        f.write(std::string_view("hello "));
        f.write(std::as_bytes(std::span("world", 5)));
        EXPECT_EQ(f.size(), 11u);
        EXPECT_FALSE(std::filesystem::exists(p));
        auto names = listing(dir.path());
        ASSERT_EQ(names.size(), 1u);
        EXPECT_EQ(names[0], "out.txt.tmp-" + std::to_string(::getpid()));
        f.commit();
        EXPECT_THROW(f.commit(), std::logic_error);
        EXPECT_THROW(f.write(std::string_view("x")), std::logic_error);
    }
    EXPECT_EQ(read_text(p), "hello world");
    EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"out.txt"});
}

TEST(AtomicFile, AbandonedLeavesNothingAndKeepsOldContent) {
    TempDir dir;
    auto p = dir / "out.txt";
    { AtomicFile f(p); f.write(std::string_view("partial")); }
    EXPECT_TRUE(listing(dir.path()).empty());
    write_text(p, "old");
    try {
        AtomicFile f(p);
        f.write(std::string_view("new but broken"));
        throw std::runtime_error("producer failed");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(read_text(p), "old");
    EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"out.txt"});
    write_file_atomic(p, "replaced");
    EXPECT_EQ(read_text(p), "replaced");
}

TEST(AtomicFile, SkipMakesHoles) {
    TempDir dir;
    auto p = dir / "sparse.bin";
    AtomicFile f(p);
    f.write(std::string_view("head"));
    f.skip(1ull << 32);  // 4 GiB hole
    f.write(std::string_view("mid"));
    f.skip(1ull << 32);  // trailing hole: the length must still be set
    f.commit();
    EXPECT_EQ(std::filesystem::file_size(p), 4 + 3 + (2ull << 32));
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_LT(st.st_blocks * 512, 1 << 20);
    std::ifstream in(p, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(4 + (1ull << 32)));
    char buf[3];
    in.read(buf, 3);
    EXPECT_EQ(std::string(buf, 3), "mid");
}

TEST(AtomicFile, UnwritableFolderThrows) {
    EXPECT_THROW(AtomicFile("/nonexistent-folder/x/y.txt"), std::system_error);
}

TEST(AtomicDir, AppearsOnCommitOnly) {
    TempDir dir;
    auto out = dir / "ckpt";
    {
        AtomicDir d(out);
        EXPECT_FALSE(std::filesystem::exists(out));
        write_text(d.staging() / "config.json", "{}");
        std::filesystem::create_directories(d.staging() / "sub");
        write_text(d.staging() / "sub" / "x", "x");
        d.commit();
        EXPECT_THROW(d.commit(), std::logic_error);
    }
    EXPECT_EQ(read_text(out / "config.json"), "{}");
    EXPECT_EQ(read_text(out / "sub" / "x"), "x");
    EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"ckpt"});
}

TEST(AtomicDir, AbandonedIsRemoved) {
    TempDir dir;
    {
        AtomicDir d(dir / "ckpt");
        write_text(d.staging() / "model.safetensors", "half");
    }
    EXPECT_TRUE(listing(dir.path()).empty());
}

TEST(AtomicDir, ExistingFolderIsRefusedOrReplaced) {
    TempDir dir;
    auto out = dir / "ckpt";
    std::filesystem::create_directories(out);
    write_text(out / "old.txt", "old");
    try {
        AtomicDir d(out);
        ADD_FAILURE() << "existing folder accepted";
    } catch (const InputError& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with(out.string() + ": ")) << e.what();
    }
    {
        AtomicDir d(out, /*replace=*/true);
        write_text(d.staging() / "new.txt", "new");
        EXPECT_EQ(read_text(out / "old.txt"), "old");  // untouched until commit
        d.commit();
    }
    EXPECT_EQ(listing(out), std::vector<std::string>{"new.txt"});
    EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"ckpt"});
}

} // namespace
} // namespace moecut

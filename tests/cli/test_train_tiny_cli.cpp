// moecut train-tiny: a short run (8 steps, the shipped model's seed and
// threads) reproduces the first rows of the shipped model's train_log.csv and
// writes a complete, loadable checkpoint folder.
//
// Tolerance: lr and token counts exactly; loss and mtp_loss within 2e-3
// (same machine and BLAS: bit-identical; across BLAS builds the float sums
// differ in the last bits, which moves the first losses by ~1e-6).
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using moecut::test::read_text;
using moecut::test::run_moecut;

const fs::path kShipped = moecut::test::source_dir() / "resources" / "models" / "tiny-glm5-moe";

struct Row {
    int step;
    double loss, mtp_loss, lr;
    long long tokens;
};

std::vector<Row> read_log(const fs::path& file) {
    std::istringstream in(read_text(file));
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "step,loss,mtp_loss,lr,tokens,seconds");
    std::vector<Row> rows;
    while (std::getline(in, line)) {
        Row r{};
        double seconds = 0;
        if (std::sscanf(line.c_str(), "%d,%lf,%lf,%lf,%lld,%lf", &r.step, &r.loss, &r.mtp_loss, &r.lr, &r.tokens,
                        &seconds) == 6)
            rows.push_back(r);
    }
    return rows;
}

bool has_train_tiny() { return run_moecut({"train-tiny", "--help"}).exit_code == 0; }

TEST(TrainTinyCli, ShortRunReproducesTheShippedLog) {
    if (!has_train_tiny()) GTEST_SKIP() << "moecut built without the LibTorch engine";
    const auto readme = read_text(kShipped / "README.md");
    // The shipped run's seed and threads, as its README records them.
    ASSERT_NE(readme.find("--seed 0 --threads 1"), std::string::npos);

    moecut::test::TempDir tmp;
    const fs::path out = tmp / "tiny";
    const auto r = run_moecut({"train-tiny", "--out", out.string(), "--steps", "8", "--seed", "0", "--threads", "1",
                               "--no-eval", "--corpus", (moecut::test::source_dir() / "resources" / "corpus").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("8 steps"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("\"step\":\"train\""), std::string::npos);  // JSON-lines progress off a terminal

    for (const char* f : {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                          "generation_config.json", "train_log.csv", "loss.png"})
        EXPECT_TRUE(fs::exists(out / f)) << f;
    EXPECT_FALSE(fs::exists(out / "eval.json"));
    EXPECT_EQ(read_text(out / "loss.png").substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    // Same tokenizer and config as the shipped model (the BPE trainer is deterministic).
    EXPECT_EQ(read_text(out / "tokenizer.json"), read_text(kShipped / "tokenizer.json"));
    EXPECT_EQ(nlohmann::json::parse(read_text(out / "config.json")),
              nlohmann::json::parse(read_text(kShipped / "config.json")));

    const auto mine = read_log(out / "train_log.csv");
    const auto shipped = read_log(kShipped / "train_log.csv");
    ASSERT_EQ(mine.size(), 8u);
    ASSERT_GE(shipped.size(), 8u);
    for (std::size_t i = 0; i < mine.size(); ++i) {
        SCOPED_TRACE("step " + std::to_string(i));
        EXPECT_EQ(mine[i].step, shipped[i].step);
        EXPECT_EQ(mine[i].tokens, shipped[i].tokens);
        EXPECT_DOUBLE_EQ(mine[i].lr, shipped[i].lr);
        EXPECT_NEAR(mine[i].loss, shipped[i].loss, 2e-3);
        EXPECT_NEAR(mine[i].mtp_loss, shipped[i].mtp_loss, 2e-3);
    }
    // Training moved: the loss fell over the 8 steps.
    EXPECT_LT(mine.back().loss, mine.front().loss);

    const auto inspect = run_moecut({"inspect", out.string()});
    EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
}

TEST(TrainTinyCli, RefusesAnExistingFolderAndBadSteps) {
    if (!has_train_tiny()) GTEST_SKIP() << "moecut built without the LibTorch engine";
    moecut::test::TempDir tmp;
    auto r = run_moecut({"train-tiny", "--out", tmp.path().string(), "--steps", "1"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
    r = run_moecut({"train-tiny", "--out", (tmp / "x").string(), "--steps", "0"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(fs::exists(tmp / "x"));
}

} // namespace

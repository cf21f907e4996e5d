// Threaded and accelerated GGUF quantisation give the single-threaded bytes:
// quantize_rows_parallel against quantize_row for every writable type and
// uneven row splits, and write_gguf_export on the demo model with 1 and 4
// threads and with an accelerator hook (taking or declining chunks).
#include "moecut/checkpoint.h"
#include "moecut/gguf_export.h"
#include "moecut/gguf_quants.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <random>
#include <vector>

namespace moecut {
namespace {

std::vector<float> gaussian(std::int64_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 0.02f);
    std::vector<float> x(static_cast<std::size_t>(n));
    for (float& v : x) v = g(rng);
    for (std::size_t i = 0; i < x.size(); i += 997) x[i] = 0.5f;  // outliers
    return x;
}

TEST(GgufExportThreads, ParallelRowsMatchQuantizeRow) {
    const GgmlType types[] = {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q8_0, GgmlType::Q4_0,
                              GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};
    // 37 rows of 8192: large enough to be split (>= 65536 values a thread), not evenly.
    const std::int64_t row = 8192, rows = 37, n = row * rows;
    const std::vector<float> x = gaussian(n, 7);
    for (GgmlType t : types) {
        const std::size_t bytes = ggml_nbytes(t, std::vector<std::int64_t>{n});
        std::vector<std::byte> want(bytes), got(bytes);
        quantize_row(t, x.data(), n, want.data());
        for (int threads : {1, 2, 3, 4, 16}) {
            std::fill(got.begin(), got.end(), std::byte{0x5A});
            quantize_rows_parallel(t, x.data(), n, row, got.data(), threads);
            ASSERT_EQ(got, want) << ggml_type_name(t) << " with " << threads << " threads";
        }
    }
}

TEST(GgufExportThreads, RejectsPartialRows) {
    std::vector<float> x(512);
    std::vector<std::byte> out(1024);
    EXPECT_THROW(quantize_rows_parallel(GgmlType::Q8_0, x.data(), 512, 96, out.data(), 2), std::invalid_argument);
    EXPECT_THROW(quantize_rows_parallel(GgmlType::Q8_0, x.data(), 512, 0, out.data(), 2), std::invalid_argument);
}

TEST(GgufExportThreads, DemoExportSameBytesWithThreadsAndAccelerator) {
    const Checkpoint ck = Checkpoint::open(test::source_dir() / "resources/models/tiny-glm5-moe");
    GgufExportOptions o;
    o.type = GgmlType::Q4_K;
    o.tensor_types.push_back(parse_gguf_type_rule("attn_.*=q8_0"));
    const GgufExportPlan plan = plan_gguf_export(ck, o);
    test::TempDir dir;
    GgufWriteOptions one;
    one.threads = 1;
    write_gguf_export(ck, plan, dir / "t1.gguf", nullptr, one);
    const std::string want = test::read_text(dir / "t1.gguf");
    ASSERT_FALSE(want.empty());

    GgufWriteOptions four;
    four.threads = 4;
    write_gguf_export(ck, plan, dir / "t4.gguf", nullptr, four);
    EXPECT_TRUE(test::read_text(dir / "t4.gguf") == want) << "4 threads";

    // An accelerator that takes the quantized types (here: quantize_row
    // itself) and declines the rest; every chunk ends up in the file.
    std::atomic<int> taken{0}, declined{0};
    GgufWriteOptions acc;
    acc.threads = 2;
    acc.accelerator = [&](GgmlType t, const float* x, std::int64_t n, std::byte* out) {
        if (t != GgmlType::Q4_K && t != GgmlType::Q8_0) {
            ++declined;
            return false;
        }
        quantize_row(t, x, n, out);
        ++taken;
        return true;
    };
    write_gguf_export(ck, plan, dir / "acc.gguf", nullptr, acc);
    EXPECT_TRUE(test::read_text(dir / "acc.gguf") == want) << "accelerator";
    EXPECT_GT(taken.load(), 0);
    EXPECT_GT(declined.load(), 0);
}

// Importance weights go through the same row ranges (quantize_export_rows per
// range, each expert's rows with its own slice): token_embd, viewed as 4
// "experts" with distinct slices and split over 3 threads (ranges that cross
// expert boundaries), is the same as with 1 thread, and differs from the
// unweighted file.
TEST(GgufExportThreads, ImatrixRowsSameWithThreads) {
    const Checkpoint ck = Checkpoint::open(test::source_dir() / "resources/models/tiny-glm5-moe");
    GgufExportOptions o;
    o.type = GgmlType::Q4_0;
    GgufExportPlan plan = plan_gguf_export(ck, o);
    GgufExportTensor* embd = nullptr;
    for (auto& t : plan.tensors)
        if (t.name == "token_embd.weight") embd = &t;
    ASSERT_NE(embd, nullptr);
    ASSERT_EQ(embd->type, GgmlType::Q4_0);
    ASSERT_GE(embd->ne[0] * embd->ne[1], 3 * 65536) << "too small to be split over 3 threads";
    test::TempDir dir;
    ASSERT_EQ(embd->ne[1] % 4, 0);
    GgufWriteOptions one, three;
    one.threads = 1;
    three.threads = 3;
    write_gguf_export(ck, plan, dir / "plain.gguf", nullptr, three);
    embd->ne = {embd->ne[0], embd->ne[1] / 4, 4};  // same bytes, 4 imatrix slices
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> u(0.1f, 10.0f);
    embd->imatrix.resize(static_cast<std::size_t>(embd->ne[0] * 4));
    for (float& v : embd->imatrix) v = u(rng);
    write_gguf_export(ck, plan, dir / "w1.gguf", nullptr, one);
    write_gguf_export(ck, plan, dir / "w3.gguf", nullptr, three);
    const std::string w1 = test::read_text(dir / "w1.gguf");
    EXPECT_TRUE(test::read_text(dir / "w3.gguf") == w1) << "imatrix, 3 threads";
    EXPECT_FALSE(test::read_text(dir / "plain.gguf") == w1) << "the imatrix changed nothing";
}

} // namespace
} // namespace moecut

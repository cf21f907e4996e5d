#include "moecut/engine/torch_bridge.h"

#include "moecut/dtype.h"
#include "moecut/error.h"
#include "moecut/safetensors_writer.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <vector>

using namespace moecut;

namespace {

template <typename T>
std::span<const std::byte> as_bytes_of(const std::vector<T>& v) {
    return std::as_bytes(std::span<const T>(v));
}

void write_config(const std::filesystem::path& dir, const std::string& extra = "") {
    test::write_text(dir / "config.json", "{\"model_type\": \"qwen3_moe\"" + extra + "}");
}

} // namespace

TEST(TorchBridge, ViewsAreZeroCopyAndExact) {
    test::TempDir tmp;
    std::vector<float> f32{1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -0.5f};
    std::vector<std::uint16_t> bf16;
    for (float v : f32) bf16.push_back(float_to_bf16(v * 3.0f));
    std::vector<std::int64_t> i64{5, -9, 1ll << 40};
    CheckpointWriter w(tmp.path());
    w.add_bytes("a", DType::F32, {2, 3}, as_bytes_of(f32));
    w.add_bytes("b", DType::BF16, {3, 2}, as_bytes_of(bf16));
    w.add_bytes("c", DType::I64, {3}, as_bytes_of(i64));
    w.finish();
    write_config(tmp.path());

    auto ckpt = Checkpoint::open(tmp.path());
    auto a = engine::view_tensor(ckpt, "a");
    EXPECT_EQ(a.sizes(), (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(a.dtype(), torch::kFloat32);
    EXPECT_EQ(a.data_ptr(), static_cast<const void*>(ckpt.bytes(*ckpt.find("a")).data()));
    for (int i = 0; i < 6; ++i) EXPECT_EQ(a.view(-1)[i].item<float>(), f32[i]);

    auto b = engine::load_tensor(ckpt, "b", torch::kFloat32);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(b.view(-1)[i].item<float>(), f32[i] * 3.0f);
    auto c = engine::view_tensor(ckpt, "c");
    EXPECT_EQ(c[2].item<int64_t>(), 1ll << 40);
}

TEST(TorchBridge, Fp8WeightsAreDequantisedWithTheirScales) {
    test::TempDir tmp;
    const int rows = 5, cols = 7;  // block 4x4: partial edge blocks both ways
    std::vector<std::uint8_t> w(rows * cols);
    for (int i = 0; i < rows * cols; ++i) w[i] = float_to_e4m3(0.25f * static_cast<float>(i % 11) - 1.0f);
    std::vector<float> scale{0.5f, 2.0f, 4.0f, 0.125f};  // [2, 2]
    CheckpointWriter wr(tmp.path());
    wr.add_bytes("m.weight", DType::F8_E4M3, {rows, cols}, as_bytes_of(w));
    wr.add_bytes("m.weight_scale_inv", DType::F32, {2, 2}, as_bytes_of(scale));
    wr.finish();
    write_config(tmp.path(), ", \"quantization_config\": {\"quant_method\": \"fp8\", \"weight_block_size\": [4, 4]}");

    auto ckpt = Checkpoint::open(tmp.path());
    auto t = engine::load_tensor(ckpt, "m.weight", torch::kFloat64);
    ASSERT_EQ(t.sizes(), (std::vector<int64_t>{rows, cols}));
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            double expect = e4m3_to_float(w[r * cols + c]) * scale[(r / 4) * 2 + (c / 4)];
            EXPECT_DOUBLE_EQ(t[r][c].item<double>(), expect) << r << "," << c;
        }
    EXPECT_THROW(engine::view_tensor(ckpt, "m.weight"), InputError);
    EXPECT_THROW(engine::load_tensor(ckpt, "missing"), InputError);
}

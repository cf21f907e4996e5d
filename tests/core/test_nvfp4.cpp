// NVFP4 (moecut/nvfp4_codec.h, moecut/nvfp4.h, moecut/nvfp4_export.h): the
// E2M1 and E4M3 tables and rounding, the packing order, a hand-computed
// block, the dequantisation error bound on Gaussian weights, and exports of
// tiny checkpoints (per-expert, fused, FP8 source) read back and checked.
#include "moecut/checkpoint.h"
#include "moecut/dtype.h"
#include "moecut/error.h"
#include "moecut/fp8.h"
#include "moecut/nvfp4.h"
#include "moecut/nvfp4_export.h"
#include "moecut/safetensors_writer.h"
#include "moecut/tiny_checkpoint.h"

#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <regex>

namespace moecut {
namespace {

namespace fs = std::filesystem;

TEST(Nvfp4Codec, E2M1Table) {
    const float values[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
    for (std::uint8_t c = 0; c < 16; ++c) {
        const float v = (c & 8) ? -values[c & 7] : values[c & 7];
        EXPECT_EQ(nvfp4::e2m1_to_float(c), v) << int(c);
        if (c != 8) {
            EXPECT_EQ(nvfp4::float_to_e2m1(v), c) << v;
        }
    }
    EXPECT_EQ(nvfp4::float_to_e2m1(-0.0f), 0);  // ModelOpt's sign is (w < 0)
}

TEST(Nvfp4Codec, E2M1RoundsToNearestTiesToEvenAndSaturates) {
    // Midpoints go to the even code (ModelOpt: searchsorted plus one at 0.75, 1.75, 3.5).
    const std::pair<float, std::uint8_t> ties[] = {{0.25f, 0}, {0.75f, 2}, {1.25f, 2}, {1.75f, 4},
                                                   {2.5f, 4},  {3.5f, 6},  {5.0f, 6}};
    for (auto [x, c] : ties) {
        EXPECT_EQ(nvfp4::float_to_e2m1(x), c) << x;
        EXPECT_EQ(nvfp4::float_to_e2m1(-x), c | 8) << -x;
        EXPECT_EQ(nvfp4::float_to_e2m1(std::nextafter(x, 0.0f)), c == 0 ? 0 : (x == 0.75f || x == 1.75f || x == 3.5f ? c - 1 : c)) << x;
        EXPECT_EQ(nvfp4::float_to_e2m1(std::nextafter(x, 10.0f)), (x == 0.75f || x == 1.75f || x == 3.5f) ? c : c + 1) << x;
    }
    EXPECT_EQ(nvfp4::float_to_e2m1(6.4f), 7);
    EXPECT_EQ(nvfp4::float_to_e2m1(1e30f), 7);
    EXPECT_EQ(nvfp4::float_to_e2m1(-1e30f), 15);
    EXPECT_EQ(nvfp4::float_to_e2m1(0.1f), 0);
    EXPECT_EQ(nvfp4::float_to_e2m1(-0.1f), 8);
}

TEST(Nvfp4Codec, E4M3MatchesTheProjectsFp8Conversions) {
    for (int c = 0; c < 256; ++c) {
        const auto b = static_cast<std::uint8_t>(c);
        const float v = nvfp4::e4m3_to_float(b);
        if ((c & 0x7f) == 0x7f) {
            EXPECT_TRUE(std::isnan(v));
            continue;
        }
        EXPECT_EQ(v, e4m3_to_float(b)) << c;
        EXPECT_EQ(nvfp4::float_to_e4m3(v), b) << c;  // every code round-trips (+-0 keep their sign)
    }
    // Rounding: against dtype.h's encoder (RNE, as PyTorch) on random values below 448.
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> e(-14.0f, 8.8f);
    for (int i = 0; i < 200000; ++i) {
        const float x = std::exp2(e(rng));
        if (x >= 448.0f) continue;
        ASSERT_EQ(nvfp4::float_to_e4m3(x), float_to_e4m3(x)) << x;
    }
    EXPECT_EQ(nvfp4::float_to_e4m3(1.0625f), 0x38);  // tie between 1 and 1.125: even
    EXPECT_EQ(nvfp4::float_to_e4m3(1.1875f), 0x3a);  // tie between 1.125 and 1.25: even
    EXPECT_EQ(nvfp4::float_to_e4m3(std::ldexp(3.0f, -10)), 0x02);  // subnormal tie 1.5 * 2^-9: even
    EXPECT_EQ(nvfp4::float_to_e4m3(std::ldexp(5.0f, -10)), 0x02);  // 2.5 * 2^-9: even
    EXPECT_EQ(nvfp4::float_to_e4m3(464.0f), 0x7e);   // tie between 448 and 480: 448
    EXPECT_EQ(nvfp4::float_to_e4m3(465.0f), 0x7f);   // not saturating, like torch: NaN
    EXPECT_EQ(nvfp4::float_to_e4m3(std::ldexp(1.0f, -11)), 0x00);  // a quarter of the smallest subnormal
}

TEST(Nvfp4Quantize, HandComputedBlock) {
    // Tensor amax 12 (elsewhere) -> g = 12/2688. Block amax 3: s = 3/(6g) = 112 = 0x6e
    // (1.75 * 2^6), so the divisor is 112 * g = 0.5 (to a float rounding).
    const float g = nvfp4_global_scale(12.0f);
    EXPECT_FLOAT_EQ(g, 12.0f / 2688.0f);
    const std::vector<float> w = {3.0f,  -1.1f, 0.3f, 0.0f,  0.9f, -2.6f, 1.6f, -0.05f,
                                  0.12f, 2.2f,  -3.0f, 0.74f, 1.3f, -0.4f, 0.6f, 1.9f};
    // y = 2w: 6, -2.2, .6, 0, 1.8, -5.2, 3.2, -.1, .24, 4.4, -6, 1.48, 2.6, -.8, 1.2, 3.8
    const std::uint8_t codes[16] = {7, 12, 1, 0, 4, 15, 5, 8, 0, 6, 15, 3, 5, 10, 2, 6};
    std::vector<std::uint8_t> packed(8), scales(1);
    nvfp4_quantize(w, g, packed, scales);
    EXPECT_EQ(scales[0], 0x6e);
    for (int k = 0; k < 8; ++k) {
        EXPECT_EQ(packed[k] & 0xf, codes[2 * k]) << "element " << 2 * k;
        EXPECT_EQ(packed[k] >> 4, codes[2 * k + 1]) << "element " << 2 * k + 1;
    }
    std::vector<float> back(16);
    nvfp4_dequantize(packed, scales, g, back);
    for (int i = 0; i < 16; ++i) EXPECT_NEAR(back[i], 0.5f * nvfp4::e2m1_to_float(codes[i]), 1e-6f) << i;
}

TEST(Nvfp4Quantize, ZeroBlocksAndUnderflowingScales) {
    std::vector<float> w(32, 0.0f);
    w[16] = 1e-30f;  // second block: scale underflows FP8 next to a tensor amax of 1
    w[17] = 1.0f / 4096;
    std::vector<std::uint8_t> packed(16), scales(2);
    nvfp4_quantize(w, nvfp4_global_scale(1.0f), packed, scales);
    EXPECT_EQ(scales[0], 0x38);  // all-zero block: scale 1.0, as ModelOpt
    for (auto b : packed) EXPECT_LE(b, 0xff);
    for (int k = 0; k < 8; ++k) EXPECT_EQ(packed[k], 0);
    // An all-zero tensor: global scale 0, codes 0, dequantised zeros (no NaN).
    std::vector<float> z(16, 0.0f), back(16, 1.0f);
    nvfp4_quantize(z, nvfp4_global_scale(0.0f), std::span(packed).first(8), std::span(scales).first(1));
    nvfp4_dequantize(std::span(packed).first(8), std::span(scales).first(1), 0.0f, back);
    for (float v : back) EXPECT_EQ(v, 0.0f);
}

// The error bound. With S = e4m3(s) * g the block's step unit and y = w / S,
// the block's largest |y| is 6 * s / e4m3(s), in [6/(1+2^-4), 6/(1-2^-4)] =
// [5.65, 6.4] while s is an FP8 normal (3 mantissa bits: relative rounding
// at most 2^-4). E2M1's gaps are 0.5 below 2, 1 up to 4, 2 up to 6, so
// rounding moves y by at most 0.25 for |y| < 1 and by at most 20% of |y| in
// [1, 6] (the worst cases are the midpoints 1.25, 2.5 and 5), and clipping
// 6.4 to 6 is 6%. Hence |w - deq(w)| <= max(0.2 |w|, 0.25 S) per element.
TEST(Nvfp4Quantize, DequantisationErrorWithinTheFormatsBound) {
    const std::int64_t rows = 96, cols = 1024;
    std::mt19937 rng(11);
    std::normal_distribution<float> n(0.0f, 0.02f);
    std::vector<float> w(static_cast<std::size_t>(rows * cols));
    for (auto& x : w) x = n(rng);
    const float g = nvfp4_global_scale(nvfp4_amax(w));
    std::vector<std::uint8_t> packed(w.size() / 2), scales(w.size() / 16);
    nvfp4_quantize(w, g, packed, scales, 4);
    std::vector<std::uint8_t> packed1(w.size() / 2), scales1(w.size() / 16);
    nvfp4_quantize(w, g, packed1, scales1, 1);
    EXPECT_EQ(packed, packed1);  // threads do not change the bytes
    EXPECT_EQ(scales, scales1);
    std::vector<float> back(w.size());
    nvfp4_dequantize(packed, scales, g, back);
    double err2 = 0, norm2 = 0, worst = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const std::uint8_t sf = scales[i / 16];
        ASSERT_GE(sf, 0x08) << "block scale is not an FP8 normal: the bound's premise";
        const double S = double(nvfp4::e4m3_to_float(sf)) * g;
        const double err = std::abs(double(w[i]) - back[i]);
        const double bound = std::max(0.2 * std::abs(w[i]), 0.25 * S) * (1 + 1e-5);
        ASSERT_LE(err, bound) << i;
        worst = std::max(worst, err / bound);
        err2 += err * err;
        norm2 += double(w[i]) * w[i];
    }
    // Gaussian weights: relative RMS error about 0.09 (recorded in docs/export.md).
    const double rel = std::sqrt(err2 / norm2);
    EXPECT_GT(rel, 0.05);
    EXPECT_LT(rel, 0.12);
    EXPECT_GT(worst, 0.5);  // the bound is tight enough to mean something
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

// PyTorch fixture (scripts/make_nvfp4_fixture.py: ModelOpt's steps with torch's
// float32 arithmetic and float8_e4m3fn cast): the same bytes. Where the block
// scale underflows to an FP8 zero, ModelOpt divides by zero (codes of +-inf);
// moecut writes codes 0 there (both dequantise to 0), so those codes are skipped.
TEST(Nvfp4Quantize, MatchesThePyTorchFixtureByteForByte) {
    const fs::path d = test::test_data_dir() / "nvfp4";
    const auto meta = read_json_file(d / "meta.json");
    const std::int64_t rows = meta.at("rows"), cols = meta.at("cols");
    const auto in = read_bytes(d / "input.f32");
    const auto want_packed = read_bytes(d / "packed.u8"), want_scales = read_bytes(d / "scales.u8");
    ASSERT_EQ(in.size(), static_cast<std::size_t>(rows * cols * 4));
    std::vector<float> w(static_cast<std::size_t>(rows * cols));
    std::memcpy(w.data(), in.data(), in.size());
    const float g = nvfp4_global_scale(nvfp4_amax(w));
    std::uint32_t gbits;
    std::memcpy(&gbits, &g, 4);
    EXPECT_EQ(gbits, meta.at("weight_scale_2_bits").get<std::uint32_t>());
    std::vector<std::uint8_t> packed(w.size() / 2), scales(w.size() / 16);
    nvfp4_quantize(w, g, packed, scales);
    ASSERT_EQ(scales, want_scales);
    int zero_scale_blocks = 0;
    for (std::size_t b = 0; b < scales.size(); ++b) {
        if (scales[b] == 0) {
            ++zero_scale_blocks;
            continue;
        }
        for (int k = 0; k < 8; ++k) ASSERT_EQ(packed[b * 8 + k], want_packed[b * 8 + k]) << "block " << b << " byte " << k;
    }
    EXPECT_GE(zero_scale_blocks, 1);  // the fixture has tiny blocks on purpose
    EXPECT_LT(zero_scale_blocks, static_cast<int>(scales.size() / 4));
}

// ---- export ------------------------------------------------------------------

std::vector<float> as_floats(const Checkpoint& c, const std::string& name) {
    const auto* e = c.find(name);
    EXPECT_NE(e, nullptr) << name;
    std::vector<float> out(static_cast<std::size_t>(e->info->numel()));
    convert_to_float(c.bytes(*e).data(), e->info->dtype, out.size(), out.data());
    return out;
}

float scalar(const Checkpoint& c, const std::string& name) {
    const auto* e = c.find(name);
    EXPECT_NE(e, nullptr) << name;
    EXPECT_EQ(e->info->dtype, DType::F32);
    EXPECT_TRUE(e->info->shape.empty()) << name;
    float f;
    std::memcpy(&f, c.bytes(*e).data(), 4);
    return f;
}

// Dequantised module X of an export, as floats.
std::vector<float> dequantized(const Checkpoint& c, const std::string& x) {
    const auto* w = c.find(x + ".weight");
    const auto* s = c.find(x + ".weight_scale");
    EXPECT_TRUE(w && s) << x;
    EXPECT_EQ(w->info->dtype, DType::U8);
    EXPECT_EQ(s->info->dtype, DType::F8_E4M3);
    EXPECT_EQ(w->info->shape[1] * 2, s->info->shape[1] * 16);
    std::vector<float> out(static_cast<std::size_t>(w->info->numel() * 2));
    nvfp4_dequantize(std::span(reinterpret_cast<const std::uint8_t*>(c.bytes(*w).data()), c.bytes(*w).size()),
                     std::span(reinterpret_cast<const std::uint8_t*>(c.bytes(*s).data()), c.bytes(*s).size()),
                     scalar(c, x + ".weight_scale_2"), out);
    return out;
}

void expect_close(const std::vector<float>& ref, const std::vector<float>& got, const std::string& what) {
    ASSERT_EQ(ref.size(), got.size()) << what;
    double e2 = 0, n2 = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        e2 += (double(ref[i]) - got[i]) * (double(ref[i]) - got[i]);
        n2 += double(ref[i]) * ref[i];
    }
    EXPECT_LT(std::sqrt(e2 / n2), 0.15) << what;
}

fs::path demo_model() { return test::source_dir() / "resources/models/tiny-glm5-moe"; }

// A small MoE checkpoint (H 64, I 32, 4 experts, one layer) in BF16, or FP8
// block-quantised (weight_scale_inv, 128 x 128 blocks), per-expert or fused.
void write_small_moe(const fs::path& dir, bool fused, bool fp8) {
    const std::int64_t H = 64, I = 32, E = 4, V = 96;
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> specs = {
        {"lm_head.weight", {V, H}},
        {"model.embed_tokens.weight", {V, H}},
        {"model.layers.0.input_layernorm.weight", {H}},
        {"model.layers.0.mlp.gate.weight", {E, H}},
        {"model.layers.0.mlp.shared_experts.down_proj.weight", {H, I}},
        {"model.layers.0.mlp.shared_experts.gate_proj.weight", {I, H}},
        {"model.layers.0.mlp.shared_experts.up_proj.weight", {I, H}},
        {"model.layers.0.self_attn.k_proj.weight", {H, H}},
        {"model.layers.0.self_attn.o_proj.weight", {H, H}},
        {"model.layers.0.self_attn.q_proj.weight", {H, H}},
        {"model.layers.0.self_attn.v_proj.weight", {H, H}},
        {"model.norm.weight", {H}},
    };
    if (fused) {
        specs.push_back({"model.layers.0.mlp.experts.gate_up_proj", {E, 2 * I, H}});
        specs.push_back({"model.layers.0.mlp.experts.down_proj", {E, H, I}});
    } else {
        for (int e = 0; e < E; ++e) {
            const std::string p = "model.layers.0.mlp.experts." + std::to_string(e) + ".";
            specs.push_back({p + "down_proj.weight", {H, I}});
            specs.push_back({p + "gate_proj.weight", {I, H}});
            specs.push_back({p + "up_proj.weight", {I, H}});
        }
    }
    std::mt19937 rng(fused * 2 + fp8);
    std::vector<TensorToWrite> tensors;
    auto bytes_of = [](auto v) {
        auto b = std::make_shared<std::vector<std::byte>>(v.size() * sizeof(v[0]));
        std::memcpy(b->data(), v.data(), b->size());
        return b;
    };
    for (std::size_t k = 0; k < specs.size(); ++k) {
        const auto& [name, shape] = specs[k];
        std::int64_t n = 1;
        for (auto d : shape) n *= d;
        std::normal_distribution<float> nd(0.0f, 0.01f * float(1 + k % 5));
        std::vector<float> w(static_cast<std::size_t>(n));
        for (auto& x : w) x = shape.size() == 1 ? 1.0f + nd(rng) : nd(rng);
        const bool q = fp8 && shape.size() >= 2 && name.find("embed") == std::string::npos && !fused;
        std::shared_ptr<std::vector<std::byte>> data;
        if (q) {  // one 128 x 128 block covers these small matrices
            float amax = 0;
            for (float x : w) amax = std::max(amax, std::abs(x));
            const float scale = amax / 448.0f;
            std::vector<std::uint8_t> e8(w.size());
            for (std::size_t i = 0; i < w.size(); ++i) e8[i] = float_to_e4m3(w[i] / scale);
            data = bytes_of(e8);
            tensors.push_back({name, DType::F8_E4M3, shape, [data](ByteSink& s) { s.write(*data); }});
            auto sd = bytes_of(std::vector<float>{scale});
            tensors.push_back({name + "_scale_inv", DType::F32, {1, 1}, [sd](ByteSink& s) { s.write(*sd); }});
            continue;
        }
        std::vector<std::uint16_t> h(w.size());
        for (std::size_t i = 0; i < w.size(); ++i) h[i] = float_to_bf16(w[i]);
        data = bytes_of(h);
        tensors.push_back({name, DType::BF16, shape, [data](ByteSink& s) { s.write(*data); }});
    }
    fs::create_directories(dir);
    write_safetensors_file(dir / "model.safetensors", tensors, {{"format", "pt"}});
    nlohmann::json config = {{"model_type", "deepseek_v3"}, {"hidden_size", H}, {"n_routed_experts", E},
                             {"moe_intermediate_size", I}, {"num_hidden_layers", 1}};
    if (fp8)
        config["quantization_config"] = {{"quant_method", "fp8"}, {"fmt", "e4m3"}, {"weight_block_size", {128, 128}}};
    test::write_text(dir / "config.json", config.dump(2));
    test::write_text(dir / "tokenizer_config.json", "{}");
}

struct Exported {
    fs::path src, out;
};

Exported export_model(const test::TempDir& tmp, const fs::path& src, Nvfp4ExportOptions eo = {}) {
    Exported x{src, tmp.path() / "out"};
    const Checkpoint c = Checkpoint::open(x.src);
    write_nvfp4_export(c, plan_nvfp4_export(c, eo), eo, x.out, nullptr);
    return x;
}

TEST(Nvfp4Export, PerExpertCheckpoint) {
    test::TempDir tmp;
    const Exported x = export_model(tmp, demo_model());
    const Checkpoint src = Checkpoint::open(x.src), out = Checkpoint::open(x.out);
    const std::regex expert(R"(^(.*\.experts\.\d+)\.(gate_proj|up_proj|down_proj)\.weight$)");
    int quantised = 0;
    for (const auto& e : src.entries()) {
        std::smatch m;
        const std::string& n = e.info->name;
        if (std::regex_match(n, m, expert)) {
            ++quantised;
            const std::string x = m[1].str() + "." + m[2].str();
            EXPECT_EQ(out.find(n)->info->shape, (std::vector<std::int64_t>{e.info->shape[0], e.info->shape[1] / 2}));
            EXPECT_EQ(scalar(out, x + ".input_scale"), 1.0f);
            expect_close(as_floats(src, n), dequantized(out, x), x);
            continue;
        }
        const auto* o = out.find(n);
        ASSERT_NE(o, nullptr) << n;  // kept: same name, dtype, shape, bytes
        EXPECT_EQ(o->info->dtype, e.info->dtype) << n;
        EXPECT_EQ(o->info->shape, e.info->shape) << n;
        const auto a = src.bytes(e), b = out.bytes(*o);
        EXPECT_TRUE(a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0) << n;
    }
    EXPECT_GT(quantised, 0);

    // gate and up of one expert share weight_scale_2 = max(amax) / 2688; down has its own.
    const std::string p = "model.layers.1.mlp.experts.3.";
    const float gate_amax = nvfp4_amax(as_floats(src, p + "gate_proj.weight"));
    const float up_amax = nvfp4_amax(as_floats(src, p + "up_proj.weight"));
    EXPECT_NE(gate_amax, up_amax);
    EXPECT_EQ(scalar(out, p + "gate_proj.weight_scale_2"), std::max(gate_amax, up_amax) / 2688.0f);
    EXPECT_EQ(scalar(out, p + "up_proj.weight_scale_2"), scalar(out, p + "gate_proj.weight_scale_2"));
    EXPECT_EQ(scalar(out, p + "down_proj.weight_scale_2"), nvfp4_amax(as_floats(src, p + "down_proj.weight")) / 2688.0f);

    // Config files: what vLLM's ModelOptNvFp4Config reads.
    const auto qc = out.config()["quantization_config"];
    EXPECT_EQ(qc["quant_method"], "modelopt");
    EXPECT_EQ(qc["quant_algo"], "NVFP4");
    EXPECT_EQ(qc["group_size"], 16);
    const auto ignore = qc["ignore"].get<std::vector<std::string>>();
    auto has = [&](const std::string& m) { return std::find(ignore.begin(), ignore.end(), m) != ignore.end(); };
    EXPECT_TRUE(has("model.layers.1.mlp.gate"));            // router
    EXPECT_TRUE(has("model.layers.0.self_attn.q_a_proj"));  // attention
    EXPECT_TRUE(has("model.layers.0.mlp.gate_proj"));       // dense MLP
    EXPECT_TRUE(has("lm_head"));
    for (const auto& m : ignore) EXPECT_EQ(m.find(".experts."), std::string::npos) << m;
    const auto hq = read_json_file(x.out / "hf_quant_config.json");
    EXPECT_EQ(hq["producer"]["name"], "modelopt");
    EXPECT_EQ(hq["quantization"]["quant_algo"], "NVFP4");
    EXPECT_EQ(hq["quantization"]["group_size"], 16);
    EXPECT_TRUE(hq["quantization"].contains("kv_cache_quant_algo"));
    EXPECT_EQ(hq["quantization"]["exclude_modules"], qc["ignore"]);
    EXPECT_TRUE(fs::exists(x.out / "generation_config.json"));
    // Everything but the quantisation config is the source's.
    auto cfg = out.config();
    cfg.erase("quantization_config");
    EXPECT_EQ(cfg, src.config());
}

TEST(Nvfp4Export, FusedExpertsAreWrittenPerExpert) {
    test::TempDir tmp;
    write_small_moe(tmp / "src", true, false);
    const Exported x = export_model(tmp, tmp / "src");
    const Checkpoint src = Checkpoint::open(x.src), out = Checkpoint::open(x.out);
    const auto* gu = src.find("model.layers.0.mlp.experts.gate_up_proj");
    ASSERT_NE(gu, nullptr);
    const std::int64_t E = gu->info->shape[0], I = gu->info->shape[1] / 2, H = gu->info->shape[2];
    const std::vector<float> all = as_floats(src, gu->info->name);
    for (std::int64_t e = 0; e < E; ++e) {
        const std::string p = "model.layers.0.mlp.experts." + std::to_string(e) + ".";
        const auto first = all.begin() + e * 2 * I * H;
        const std::vector<float> gate(first, first + I * H), up(first + I * H, first + 2 * I * H);
        expect_close(gate, dequantized(out, p + "gate_proj"), p + "gate_proj");
        expect_close(up, dequantized(out, p + "up_proj"), p + "up_proj");
        EXPECT_EQ(scalar(out, p + "gate_proj.weight_scale_2"), std::max(nvfp4_amax(gate), nvfp4_amax(up)) / 2688.0f);
        EXPECT_EQ(scalar(out, p + "up_proj.weight_scale_2"), scalar(out, p + "gate_proj.weight_scale_2"));
        EXPECT_NE(out.find(p + "down_proj.weight"), nullptr);
    }
    EXPECT_EQ(out.find("model.layers.0.mlp.experts.gate_up_proj"), nullptr);
    // BF16 kept tensors: bit-identical.
    for (const char* k : {"model.layers.0.self_attn.q_proj.weight", "model.layers.0.mlp.gate.weight", "lm_head.weight",
                          "model.layers.0.mlp.shared_experts.up_proj.weight", "model.norm.weight"}) {
        const auto a = src.bytes(*src.find(k)), b = out.bytes(*out.find(k));
        EXPECT_EQ(out.find(k)->info->dtype, DType::BF16);
        EXPECT_TRUE(a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0) << k;
    }
}

TEST(Nvfp4Export, Fp8SourceIsDequantisedFirst) {
    test::TempDir tmp;
    write_small_moe(tmp / "src", false, true);
    const Exported x = export_model(tmp, tmp / "src");
    const Checkpoint src = Checkpoint::open(x.src), out = Checkpoint::open(x.out);
    for (const auto& e : out.entries()) {
        EXPECT_EQ(e.info->name.find("_scale_inv"), std::string::npos) << e.info->name;
        if (e.info->dtype == DType::F8_E4M3) {
            EXPECT_TRUE(e.info->name.ends_with(".weight_scale")) << e.info->name;
        }
    }
    const std::string x3 = "model.layers.0.mlp.experts.2.up_proj";
    expect_close(load_as_float(src, x3 + ".weight"), dequantized(out, x3), x3);
    const std::string kept = "model.layers.0.self_attn.q_proj.weight";
    ASSERT_EQ(src.find(kept)->info->dtype, DType::F8_E4M3);
    ASSERT_EQ(out.find(kept)->info->dtype, DType::BF16);
    const auto ref = load_as_float(src, kept), got = as_floats(out, kept);
    for (std::size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(float_to_bf16(ref[i]), float_to_bf16(got[i]));
    EXPECT_FALSE(out.config()["quantization_config"].contains("weight_block_size"));
    EXPECT_EQ(out.config()["quantization_config"]["quant_method"], "modelopt");
}

TEST(Nvfp4Export, RulesAndW4A16) {
    test::TempDir tmp;
    Nvfp4ExportOptions o;
    o.quantize = {R"(self_attn\.(q_a_proj|kv_a_proj_with_mqa)\.weight$)"};
    o.quant_algo = "W4A16_NVFP4";
    const Exported x = export_model(tmp, demo_model(), o);
    const Checkpoint out = Checkpoint::open(x.out);
    const std::string a = "model.layers.0.self_attn.";
    EXPECT_EQ(out.find(a + "q_a_proj.weight")->info->dtype, DType::U8);
    EXPECT_EQ(scalar(out, a + "q_a_proj.weight_scale_2"), scalar(out, a + "kv_a_proj_with_mqa.weight_scale_2"));
    EXPECT_EQ(out.find(a + "q_a_proj.input_scale"), nullptr);  // weights only
    EXPECT_EQ(out.config()["quantization_config"]["quant_algo"], "W4A16_NVFP4");
    EXPECT_FALSE(out.config()["quantization_config"]["config_groups"]["group_0"].contains("input_activations"));
}

TEST(Nvfp4Export, BadInputIsRefusedBeforeWriting) {
    test::TempDir tmp;
    const Checkpoint c = Checkpoint::open(demo_model());
    Nvfp4ExportOptions bad_regex;
    bad_regex.keep = {"("};
    EXPECT_THROW(plan_nvfp4_export(c, bad_regex), InputError);
    Nvfp4ExportOptions half;  // some experts of a layer kept: vLLM fuses a layer's experts
    half.keep = {R"(experts\.3\.)"};
    EXPECT_THROW(plan_nvfp4_export(c, half), InputError);
    // Exporting an export: refused.
    Nvfp4ExportOptions o;
    write_nvfp4_export(c, plan_nvfp4_export(c, o), o, tmp.path() / "out", nullptr);
    EXPECT_THROW(plan_nvfp4_export(Checkpoint::open(tmp.path() / "out"), o), InputError);
    // Existing output folder: refused, left alone.
    EXPECT_THROW(write_nvfp4_export(c, plan_nvfp4_export(c, o), o, tmp.path() / "out", nullptr), InputError);
}

TEST(Nvfp4Export, ExpertsWithUnalignedWidthAreKeptWhole) {
    test::TempDir tmp;
    make_tiny_checkpoint({}, tmp / "src");  // moe_intermediate_size 40: down_proj has in_features 40
    const Nvfp4ExportPlan plan = plan_nvfp4_export(Checkpoint::open(tmp / "src"), {});
    EXPECT_TRUE(plan.modules.empty());
    ASSERT_FALSE(plan.notes.empty());
    EXPECT_NE(plan.notes.front().find("not a multiple of 16"), std::string::npos) << plan.notes.front();
    EXPECT_TRUE(std::any_of(plan.exclude_modules.begin(), plan.exclude_modules.end(),
                            [](const std::string& m) { return m.ends_with(".mlp.experts"); }));
}

TEST(Nvfp4Export, DryRunPlanMatchesTheWrittenFolder) {
    test::TempDir tmp;
    const Checkpoint c = Checkpoint::open(demo_model());
    const Nvfp4ExportPlan plan = plan_nvfp4_export(c, {});
    write_nvfp4_export(c, plan, {}, tmp.path() / "out", nullptr);
    const Checkpoint out = Checkpoint::open(tmp.path() / "out");
    ASSERT_EQ(out.entries().size(), plan.tensors.size());
    std::uint64_t bytes = 0;
    for (const auto& t : plan.tensors) {
        const auto* e = out.find(t.name);
        ASSERT_NE(e, nullptr) << t.name;
        EXPECT_EQ(e->info->shape, t.shape);
        EXPECT_EQ(e->info->dtype, t.dtype);
        bytes += e->info->nbytes();
    }
    EXPECT_EQ(bytes, plan.bytes_out);
    EXPECT_NE(plan.to_text().find("quantised: routed expert"), std::string::npos);
    EXPECT_EQ(plan.to_json()["tensors"].size(), plan.tensors.size());
}

} // namespace
} // namespace moecut

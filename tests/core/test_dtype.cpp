// dtype names and sizes, and the scalar conversions: exhaustive round trips,
// round-to-nearest-even at every midpoint, saturation, NaN, subnormals.
// Expected bit patterns marked "torch" were produced by PyTorch 2.15
// (tensor.to(dtype).view(uint8/int16)).
#include "moecut/dtype.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

namespace moecut {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(DType, NamesAndSizesRoundTrip) {
    const DType all[] = {DType::F64,  DType::F32, DType::F16, DType::BF16, DType::F8_E4M3, DType::F8_E5M2, DType::F8_E8M0,
                         DType::I64,  DType::I32, DType::I16, DType::I8,   DType::U8,      DType::BOOL};
    const std::size_t sizes[] = {8, 4, 2, 2, 1, 1, 1, 8, 4, 2, 1, 1, 1};
    for (std::size_t i = 0; i < std::size(all); ++i) {
        auto name = dtype_name(all[i]);
        ASSERT_EQ(dtype_from_name(name), all[i]) << name;
        EXPECT_EQ(dtype_size(all[i]), sizes[i]) << name;
    }
    EXPECT_EQ(dtype_name(DType::F8_E4M3), "F8_E4M3");
    EXPECT_EQ(dtype_name(DType::BOOL), "BOOL");
    EXPECT_FALSE(dtype_from_name("f32"));
    EXPECT_FALSE(dtype_from_name("F8_E4M3FNUZ"));
    EXPECT_FALSE(dtype_from_name("U16"));
    EXPECT_FALSE(dtype_from_name(""));
    EXPECT_TRUE(dtype_is_float(DType::BF16));
    EXPECT_TRUE(dtype_is_float(DType::F8_E8M0));
    EXPECT_FALSE(dtype_is_float(DType::I64));
    EXPECT_FALSE(dtype_is_float(DType::BOOL));
}

// Every finite code decodes and encodes back to itself; NaN codes stay NaN.
template <typename Code>
void exhaustive_round_trip(int n_codes, const std::function<float(Code)>& dec, const std::function<Code(float)>& enc,
                           const char* what) {
    int checked = 0;
    for (int i = 0; i < n_codes; ++i) {
        auto code = static_cast<Code>(i);
        float f = dec(code);
        if (std::isnan(f)) {
            EXPECT_TRUE(std::isnan(dec(enc(f)))) << what << " code " << i;
            continue;
        }
        ASSERT_EQ(enc(f), code) << what << " code " << i << " value " << f;
        ++checked;
    }
    EXPECT_GT(checked, n_codes / 2);
}

TEST(DType, ExhaustiveRoundTrips) {
    exhaustive_round_trip<std::uint16_t>(65536, bf16_to_float, float_to_bf16, "bf16");
    exhaustive_round_trip<std::uint16_t>(65536, f16_to_float, float_to_f16, "f16");
    exhaustive_round_trip<std::uint8_t>(256, e4m3_to_float, float_to_e4m3, "e4m3");
    exhaustive_round_trip<std::uint8_t>(256, e5m2_to_float, float_to_e5m2, "e5m2");
}

// For each pair of neighbouring positive finite codes a < b, the exact
// midpoint goes to the one with the even code, and a hair either side goes
// to the nearer one.
template <typename Code>
void midpoints_round_to_even(int max_finite_code, const std::function<float(Code)>& dec,
                             const std::function<Code(float)>& enc, const char* what) {
    for (int i = 0; i < max_finite_code; ++i) {
        auto a = static_cast<Code>(i), b = static_cast<Code>(i + 1);
        float fa = dec(a), fb = dec(b);
        float mid = fa + (fb - fa) / 2;  // exact: narrow formats have few mantissa bits
        ASSERT_EQ(static_cast<double>(mid) * 2, static_cast<double>(fa) + fb) << what;
        Code even = (i % 2 == 0) ? a : b;
        ASSERT_EQ(enc(mid), even) << what << " midpoint of codes " << i << "," << i + 1;
        ASSERT_EQ(enc(std::nextafter(mid, 0.0f)), a) << what << " below midpoint " << i;
        ASSERT_EQ(enc(std::nextafter(mid, kInf)), b) << what << " above midpoint " << i;
        ASSERT_EQ(enc(-mid), static_cast<Code>(even | (sizeof(Code) == 1 ? 0x80 : 0x8000))) << what << " negative " << i;
    }
}

TEST(DType, RoundsToNearestEvenAtEveryMidpoint) {
    midpoints_round_to_even<std::uint16_t>(0x7f7f, bf16_to_float, float_to_bf16, "bf16");
    midpoints_round_to_even<std::uint16_t>(0x7bff, f16_to_float, float_to_f16, "f16");
    midpoints_round_to_even<std::uint8_t>(0x7e, e4m3_to_float, float_to_e4m3, "e4m3");
    midpoints_round_to_even<std::uint8_t>(0x7b, e5m2_to_float, float_to_e5m2, "e5m2");
}

TEST(DType, KnownValuesMatchTorch) {
    // torch: float32 -> bfloat16
    EXPECT_EQ(float_to_bf16(1.0f + 0x1p-8f), 0x3f80);           // tie, even stays
    EXPECT_EQ(float_to_bf16(1.0f + 3 * 0x1p-8f), 0x3f82);       // tie, rounds up to even
    EXPECT_EQ(float_to_bf16(1.0f + 0x1p-8f + 0x1p-20f), 0x3f81);  // just above the tie
    EXPECT_EQ(float_to_bf16(1e6f), 0x4974);
    EXPECT_EQ(float_to_bf16(-1e6f), 0xc974);
    EXPECT_EQ(float_to_bf16(-0.0f), 0x8000);
    EXPECT_EQ(float_to_bf16(kInf), 0x7f80);
    // torch: float32 -> float16
    EXPECT_EQ(float_to_f16(1.0f + 0x1p-8f), 0x3c04);
    EXPECT_EQ(float_to_f16(500.0f), 0x5fd0);
    EXPECT_EQ(float_to_f16(65504.0f), 0x7bff);
    EXPECT_EQ(float_to_f16(65519.0f), 0x7bff);
    EXPECT_EQ(float_to_f16(65520.0f), 0x7c00);  // rounds to infinity
    EXPECT_EQ(float_to_f16(1e6f), 0x7c00);
    EXPECT_EQ(float_to_f16(-1e6f), 0xfc00);
    EXPECT_EQ(float_to_f16(0x1p-24f), 0x0001);        // smallest subnormal
    EXPECT_EQ(float_to_f16(0x1p-25f), 0x0000);        // tie to even (zero)
    EXPECT_EQ(float_to_f16(1.5f * 0x1p-25f), 0x0001);
    EXPECT_EQ(float_to_f16(0x1p-17f), 0x0080);
    // torch: float32 -> float8_e4m3fn
    EXPECT_EQ(float_to_e4m3(1.0f), 0x38);
    EXPECT_EQ(float_to_e4m3(1.0625f), 0x38);  // tie to even
    EXPECT_EQ(float_to_e4m3(1.1875f), 0x3a);  // tie to even (up)
    EXPECT_EQ(float_to_e4m3(0x1p-9f), 0x01);  // smallest subnormal
    EXPECT_EQ(float_to_e4m3(0x1p-10f), 0x00);
    EXPECT_EQ(float_to_e4m3(1.5f * 0x1p-10f), 0x01);
    EXPECT_EQ(float_to_e4m3(3 * 0x1p-10f), 0x02);
    EXPECT_EQ(float_to_e4m3(-0.0f), 0x80);
    // torch: float32 -> float8_e5m2
    EXPECT_EQ(float_to_e5m2(464.0f), 0x5f);
    EXPECT_EQ(float_to_e5m2(480.0f), 0x60);
    EXPECT_EQ(float_to_e5m2(1.1875f), 0x3d);
    EXPECT_EQ(float_to_e5m2(57344.0f), 0x7b);
    EXPECT_EQ(float_to_e5m2(61439.0f), 0x7b);
    EXPECT_EQ(float_to_e5m2(61440.0f), 0x7c);  // tie between max finite and 2^16: infinity
    EXPECT_EQ(float_to_e5m2(0x1p-16f), 0x01);
    EXPECT_EQ(float_to_e5m2(0x1p-17f), 0x00);
}

TEST(DType, E4M3SaturatesAndHasNoInfinity) {
    EXPECT_EQ(e4m3_to_float(0x7e), 448.0f);
    EXPECT_EQ(e4m3_to_float(0xfe), -448.0f);
    EXPECT_TRUE(std::isnan(e4m3_to_float(0x7f)));
    EXPECT_TRUE(std::isnan(e4m3_to_float(0xff)));
    EXPECT_EQ(e4m3_to_float(0x78), 256.0f);  // exponent 15 is finite in e4m3fn
    // torch saturates rather than making NaN for large finite values and inf.
    for (float v : {448.0f, 449.0f, 464.0f, 480.0f, 500.0f, 1e6f, 3e38f, kInf}) {
        EXPECT_EQ(float_to_e4m3(v), 0x7e) << v;
        EXPECT_EQ(float_to_e4m3(-v), 0xfe) << v;
    }
    EXPECT_EQ(float_to_e4m3(447.0f), 0x7e);  // rounds to 448
    EXPECT_EQ(float_to_e4m3(431.0f), 0x7d);  // 0x7d is 416: nearer than 448
    EXPECT_EQ(float_to_e4m3(432.0f), 0x7e);  // tie 416|448: 448 (0x7e) is even
}

TEST(DType, NaNAndInfinity) {
    EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(kNaN))));
    EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(-kNaN))));
    EXPECT_TRUE(std::isnan(f16_to_float(float_to_f16(kNaN))));
    EXPECT_EQ(float_to_e4m3(kNaN) & 0x7f, 0x7f);
    EXPECT_TRUE(std::isnan(e5m2_to_float(float_to_e5m2(kNaN))));
    EXPECT_EQ(float_to_e5m2(kInf), 0x7c);
    EXPECT_EQ(float_to_e5m2(-kInf), 0xfc);
    EXPECT_EQ(e5m2_to_float(0x7c), kInf);
    EXPECT_TRUE(std::isnan(e5m2_to_float(0x7d)));
    EXPECT_EQ(f16_to_float(0xfc00), -kInf);
    EXPECT_EQ(bf16_to_float(0x7f80), kInf);
    // A NaN whose payload sits in the low bits must not become infinity.
    std::uint32_t low_nan = 0x7f800001;
    float f;
    std::memcpy(&f, &low_nan, 4);
    EXPECT_TRUE(std::isnan(bf16_to_float(float_to_bf16(f))));
}

TEST(DType, Subnormals) {
    EXPECT_EQ(f16_to_float(0x0001), 0x1p-24f);
    EXPECT_EQ(f16_to_float(0x03ff), 1023 * 0x1p-24f);
    EXPECT_EQ(e4m3_to_float(0x01), 0x1p-9f);
    EXPECT_EQ(e4m3_to_float(0x07), 7 * 0x1p-9f);
    EXPECT_EQ(e4m3_to_float(0x08), 0x1p-6f);  // smallest normal
    EXPECT_EQ(e5m2_to_float(0x01), 0x1p-16f);
    EXPECT_EQ(bf16_to_float(0x0001), 0x1p-133f);
    // Subnormal rounding that carries into the smallest normal.
    EXPECT_EQ(float_to_e4m3(7.5f * 0x1p-9f), 0x08);
    EXPECT_EQ(float_to_f16(1023.5f * 0x1p-24f), 0x0400);
    // Float32 subnormals go to zero in every narrow format but bf16.
    EXPECT_EQ(float_to_f16(0x1p-140f), 0x0000);
    EXPECT_EQ(float_to_e4m3(-0x1p-140f), 0x80);
    EXPECT_EQ(float_to_bf16(0x1p-133f), 0x0001);  // bf16 has float32's exponent range
    EXPECT_EQ(float_to_bf16(0x1p-140f), 0x0000);
}

TEST(DType, E8M0) {
    EXPECT_EQ(e8m0_to_float(127), 1.0f);
    EXPECT_EQ(e8m0_to_float(128), 2.0f);
    EXPECT_EQ(e8m0_to_float(120), 0x1p-7f);
    EXPECT_EQ(e8m0_to_float(254), 0x1p127f);
    EXPECT_EQ(e8m0_to_float(0), 0x1p-127f);  // a float32 subnormal
    EXPECT_TRUE(std::isnan(e8m0_to_float(255)));
}

TEST(DType, ReadElementAndConvert) {
    struct {
        double f64 = -2.5;
        float f32 = 3.25f;
        std::int64_t i64 = -(std::int64_t{1} << 40);
        std::int32_t i32 = -7;
        std::int16_t i16 = -300;
        std::int8_t i8 = -128;
        std::uint8_t u8 = 200, b = 2;
    } v;
    auto p = [](const auto& x) { return reinterpret_cast<const std::byte*>(&x); };
    EXPECT_EQ(read_element(p(v.f64), DType::F64, 0), -2.5);
    EXPECT_EQ(read_element(p(v.f32), DType::F32, 0), 3.25);
    EXPECT_EQ(read_element(p(v.i64), DType::I64, 0), -1099511627776.0);
    EXPECT_EQ(read_element(p(v.i32), DType::I32, 0), -7.0);
    EXPECT_EQ(read_element(p(v.i16), DType::I16, 0), -300.0);
    EXPECT_EQ(read_element(p(v.i8), DType::I8, 0), -128.0);
    EXPECT_EQ(read_element(p(v.u8), DType::U8, 0), 200.0);
    EXPECT_EQ(read_element(p(v.b), DType::BOOL, 0), 1.0);

    std::vector<std::uint16_t> bf = {0x3f80, 0xc000, 0x4049};
    std::vector<float> out(3);
    convert_to_float(reinterpret_cast<const std::byte*>(bf.data()), DType::BF16, 3, out.data());
    EXPECT_EQ(out, (std::vector<float>{1.0f, -2.0f, 3.140625f}));
    std::vector<std::uint8_t> e4 = {0x38, 0xc0, 0x7e, 0x01};
    std::vector<float> out4(4);
    convert_to_float(reinterpret_cast<const std::byte*>(e4.data()), DType::F8_E4M3, 4, out4.data());
    EXPECT_EQ(out4, (std::vector<float>{1.0f, -2.0f, 448.0f, 0x1p-9f}));
    std::vector<std::uint8_t> e5 = {0x3c, 0xc0};
    std::vector<float> out5(2);
    convert_to_float(reinterpret_cast<const std::byte*>(e5.data()), DType::F8_E5M2, 2, out5.data());
    EXPECT_EQ(out5, (std::vector<float>{1.0f, -2.0f}));
    // Element index is scaled by the dtype size.
    std::vector<std::int16_t> i16 = {1, -2, 3};
    EXPECT_EQ(read_element(reinterpret_cast<const std::byte*>(i16.data()), DType::I16, 2), 3.0);
}

} // namespace
} // namespace moecut

#include "moecut/dtype.h"

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace moecut {
namespace {

struct DTypeRow {
    DType type;
    std::string_view name;
    std::size_t size;
    bool is_float;
};

constexpr std::array<DTypeRow, 13> kRows{{
    {DType::F64, "F64", 8, true},         {DType::F32, "F32", 4, true},
    {DType::F16, "F16", 2, true},         {DType::BF16, "BF16", 2, true},
    {DType::F8_E4M3, "F8_E4M3", 1, true}, {DType::F8_E5M2, "F8_E5M2", 1, true},
    {DType::F8_E8M0, "F8_E8M0", 1, true}, {DType::I64, "I64", 8, false},
    {DType::I32, "I32", 4, false},        {DType::I16, "I16", 2, false},
    {DType::I8, "I8", 1, false},          {DType::U8, "U8", 1, false},
    {DType::BOOL, "BOOL", 1, false},
}};

const DTypeRow& row(DType t) { return kRows[static_cast<std::size_t>(t)]; }

template <typename T>
T load(const std::byte* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Rounds a float to a narrower float format with `mant` mantissa bits and
// exponent bias `bias`, returning sign, biased exponent and mantissa packed as
// (exp << mant) | m, round to nearest even. Handles subnormals. Values beyond
// the largest finite are returned as max_code + 1 (caller saturates or makes inf).
std::uint32_t round_to_narrow(float a, int mant, int bias, int min_normal_exp) {
    // a is finite and non-negative here.
    if (a == 0.0f) return 0;
    int e;
    std::frexp(a, &e);           // a = m * 2^e, m in [0.5, 1)
    int exp = e - 1;              // a = (2m) * 2^exp, 2m in [1, 2)
    if (exp < min_normal_exp) {
        // Subnormal: value = q * 2^(min_normal_exp - mant)
        double q = std::ldexp(static_cast<double>(a), mant - min_normal_exp);
        double r = std::nearbyint(q);  // default rounding mode: to nearest even
        return static_cast<std::uint32_t>(r);  // may carry into the first normal: code works out
    }
    double frac = std::ldexp(static_cast<double>(a), mant - exp);  // in [2^mant, 2^(mant+1))
    double r = std::nearbyint(frac);
    std::uint32_t q = static_cast<std::uint32_t>(r);
    if (q == (1u << (mant + 1))) {  // rounding carried into the next binade
        q >>= 1;
        ++exp;
    }
    std::uint32_t biased = static_cast<std::uint32_t>(exp + bias);
    return (biased << mant) | (q & ((1u << mant) - 1));
}

} // namespace

std::string_view dtype_name(DType t) { return row(t).name; }

std::optional<DType> dtype_from_name(std::string_view name) {
    for (const auto& r : kRows)
        if (r.name == name) return r.type;
    return std::nullopt;
}

std::size_t dtype_size(DType t) { return row(t).size; }
bool dtype_is_float(DType t) { return row(t).is_float; }

float bf16_to_float(std::uint16_t v) { return std::bit_cast<float>(static_cast<std::uint32_t>(v) << 16); }

std::uint16_t float_to_bf16(float f) {
    std::uint32_t u = std::bit_cast<std::uint32_t>(f);
    if (std::isnan(f)) return static_cast<std::uint16_t>((u >> 16) | 0x40);
    std::uint32_t lsb = (u >> 16) & 1u;
    u += 0x7fffu + lsb;
    return static_cast<std::uint16_t>(u >> 16);
}

float f16_to_float(std::uint16_t v) {
    std::uint32_t sign = (v >> 15) & 1u, exp = (v >> 10) & 0x1fu, mant = v & 0x3ffu;
    float out;
    if (exp == 0) out = std::ldexp(static_cast<float>(mant), -24);
    else if (exp == 31) out = mant ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    else out = std::ldexp(static_cast<float>(mant | 0x400u), static_cast<int>(exp) - 25);
    return sign ? -out : out;
}

std::uint16_t float_to_f16(float f) {
    std::uint16_t sign = std::signbit(f) ? 0x8000 : 0;
    if (std::isnan(f)) return 0x7e00;
    float a = std::fabs(f);
    if (std::isinf(a) || a >= 65520.0f) return sign | 0x7c00;
    std::uint32_t code = round_to_narrow(a, 10, 15, -14);
    return static_cast<std::uint16_t>(sign | code);
}

float e4m3_to_float(std::uint8_t v) {
    std::uint32_t sign = v >> 7, exp = (v >> 3) & 0xfu, mant = v & 0x7u;
    float out;
    if (exp == 15 && mant == 7) return std::numeric_limits<float>::quiet_NaN();
    if (exp == 0) out = std::ldexp(static_cast<float>(mant), -9);
    else out = std::ldexp(static_cast<float>(mant | 0x8u), static_cast<int>(exp) - 10);
    return sign ? -out : out;
}

std::uint8_t float_to_e4m3(float f) {
    if (std::isnan(f)) return 0x7f;
    std::uint8_t sign = std::signbit(f) ? 0x80 : 0;
    float a = std::fabs(f);
    if (a >= 448.0f) return sign | 0x7e;  // saturate to the largest finite
    std::uint32_t code = round_to_narrow(a, 3, 7, -6);
    if (code > 0x7e) code = 0x7e;
    return static_cast<std::uint8_t>(sign | code);
}

float e5m2_to_float(std::uint8_t v) { return f16_to_float(static_cast<std::uint16_t>(v) << 8); }

std::uint8_t float_to_e5m2(float f) {
    if (std::isnan(f)) return 0x7f;
    std::uint8_t sign = std::signbit(f) ? 0x80 : 0;
    float a = std::fabs(f);
    if (std::isinf(a) || a >= 61440.0f) return sign | 0x7c;  // beyond max finite 57344 rounds to inf
    std::uint32_t code = round_to_narrow(a, 2, 15, -14);
    return static_cast<std::uint8_t>(sign | code);
}

float e8m0_to_float(std::uint8_t v) {
    if (v == 0xff) return std::numeric_limits<float>::quiet_NaN();
    return std::ldexp(1.0f, static_cast<int>(v) - 127);
}

double read_element(const std::byte* data, DType t, std::size_t i) {
    const std::byte* p = data + i * dtype_size(t);
    switch (t) {
    case DType::F64: return load<double>(p);
    case DType::F32: return load<float>(p);
    case DType::F16: return f16_to_float(load<std::uint16_t>(p));
    case DType::BF16: return bf16_to_float(load<std::uint16_t>(p));
    case DType::F8_E4M3: return e4m3_to_float(load<std::uint8_t>(p));
    case DType::F8_E5M2: return e5m2_to_float(load<std::uint8_t>(p));
    case DType::F8_E8M0: return e8m0_to_float(load<std::uint8_t>(p));
    case DType::I64: return static_cast<double>(load<std::int64_t>(p));
    case DType::I32: return load<std::int32_t>(p);
    case DType::I16: return load<std::int16_t>(p);
    case DType::I8: return load<std::int8_t>(p);
    case DType::U8: return load<std::uint8_t>(p);
    case DType::BOOL: return load<std::uint8_t>(p) != 0 ? 1.0 : 0.0;
    }
    throw std::logic_error("read_element: unknown dtype");
}

void convert_to_float(const std::byte* src, DType t, std::size_t n, float* dst) {
    switch (t) {
    case DType::F32: std::memcpy(dst, src, n * 4); return;
    case DType::BF16:
        for (std::size_t i = 0; i < n; ++i) dst[i] = bf16_to_float(load<std::uint16_t>(src + 2 * i));
        return;
    case DType::F16:
        for (std::size_t i = 0; i < n; ++i) dst[i] = f16_to_float(load<std::uint16_t>(src + 2 * i));
        return;
    case DType::F8_E4M3: {
        // 256-entry table: decoding dominates FP8 dequantisation.
        static const auto table = [] {
            std::array<float, 256> t{};
            for (int i = 0; i < 256; ++i) t[i] = e4m3_to_float(static_cast<std::uint8_t>(i));
            return t;
        }();
        for (std::size_t i = 0; i < n; ++i) dst[i] = table[static_cast<std::uint8_t>(src[i])];
        return;
    }
    default:
        for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(read_element(src, t, i));
    }
}

} // namespace moecut

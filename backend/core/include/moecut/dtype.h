// Element types of safetensors tensors and scalar conversions between them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace moecut {

enum class DType : std::uint8_t {
    F64, F32, F16, BF16, F8_E4M3, F8_E5M2, F8_E8M0, I64, I32, I16, I8, U8, BOOL,
};

// The safetensors spelling ("F32", "BF16", "F8_E4M3", ...).
std::string_view dtype_name(DType t);
std::optional<DType> dtype_from_name(std::string_view name);
std::size_t dtype_size(DType t);
bool dtype_is_float(DType t);

// Scalar conversions. Decoding is exact; encoding rounds to nearest, ties to
// even, as PyTorch does.
float bf16_to_float(std::uint16_t v);
std::uint16_t float_to_bf16(float f);
float f16_to_float(std::uint16_t v);
std::uint16_t float_to_f16(float f);
float e4m3_to_float(std::uint8_t v);   // float8_e4m3fn: no infinities, 0x7f/0xff are NaN
std::uint8_t float_to_e4m3(float f);   // saturates to +-448
float e5m2_to_float(std::uint8_t v);
std::uint8_t float_to_e5m2(float f);
float e8m0_to_float(std::uint8_t v);   // 2^(v-127); 0xff is NaN

// Reads element i of a buffer of type t as a double (any dtype above).
double read_element(const std::byte* data, DType t, std::size_t i);
// Converts n elements of type t to float.
void convert_to_float(const std::byte* src, DType t, std::size_t n, float* dst);

} // namespace moecut

// GGUF v3: the value types of its metadata, the ggml tensor types, and one
// metadata value. The reader is moecut/gguf_reader.h, the writer
// moecut/gguf_writer.h; docs/export.md describes the format as llama.cpp's
// loader (ggml/src/gguf.cpp) enforces it.
//
// Layout (little-endian): "GGUF", u32 version (3), u64 tensor count, u64 kv
// count, the kv pairs (string key, u32 value type, value), the tensor infos
// (string name, u32 n_dims, n_dims x u64 ne with ne[0] the contiguous dim,
// u32 ggml type, u64 offset relative to the data section), zero padding to
// the alignment (general.alignment, a u32 power of two, default 32), then the
// data: each tensor at exactly the cumulative padded offset, each padded.
// A string is a u64 byte length and the bytes (no NUL).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

inline constexpr std::uint32_t kGgufMagic = 0x46554747;  // "GGUF" read as a little-endian u32
inline constexpr std::uint32_t kGgufVersion = 3;
inline constexpr std::uint32_t kGgufDefaultAlignment = 32;
inline constexpr std::size_t kGgufMaxNameBytes = 63;       // GGML_MAX_NAME 64 includes the NUL
inline constexpr std::uint32_t kGgufMaxDims = 4;
inline constexpr std::uint64_t kGgufMaxStringBytes = 1ull << 30;
inline constexpr std::uint64_t kGgufMaxArrayElements = 1ull << 30;

enum class GgufType : std::uint32_t {
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6,
    Bool = 7, String = 8, Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12,
};
inline constexpr std::uint32_t kGgufTypeCount = 13;

// "UINT8", ..., as gguf-py's GGUFValueType names them; "?" out of range.
std::string_view gguf_type_name(GgufType t);
// Bytes of one element of a fixed-size type (0 for String and Array).
std::size_t gguf_type_size(GgufType t);

// ggml tensor types with their on-disk ids (removed ids 4, 5, 31-33, 36-38 are absent).
enum class GgmlType : std::uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22, IQ4_XS = 23,
    I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
    TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39, NVFP4 = 40, Q1_0 = 41, Q2_0 = 42,
};
inline constexpr std::uint32_t kGgmlTypeCount = 43;  // GGML_TYPE_COUNT of llama.cpp 2026-10

struct GgmlTypeTraits {
    std::string_view name;      // "f32", "q8_0", "q4_K", ... (ggml's spelling)
    std::int64_t block_size;    // elements per block
    std::int64_t type_size;     // bytes per block
    bool quantized;
};

// Traits of a type id, or nullptr for an id ggml does not define.
const GgmlTypeTraits* ggml_type_traits(std::uint32_t type);
const GgmlTypeTraits& ggml_type_traits(GgmlType type);
std::string_view ggml_type_name(GgmlType type);
// Case-insensitive: "q4_k", "Q8_0", "bf16".
std::optional<GgmlType> ggml_type_from_name(std::string_view name);
// Bytes of a tensor of shape ne (ne[0] first); ne[0] must be a multiple of the block size.
std::uint64_t ggml_nbytes(GgmlType type, std::span<const std::int64_t> ne);
// n rounded up to a multiple of alignment (a power of two).
inline std::uint64_t gguf_pad(std::uint64_t n, std::uint64_t alignment) {
    return (n + alignment - 1) & ~(alignment - 1);
}

// One metadata value: a scalar, a string, or an array of scalars or strings
// (GGUF forbids arrays of arrays, as ggml's reader does).
class GgufValue {
public:
    GgufValue() = default;

    static GgufValue u8(std::uint8_t v) { return scalar(GgufType::UInt8, v); }
    static GgufValue i8(std::int8_t v) { return scalar(GgufType::Int8, v); }
    static GgufValue u16(std::uint16_t v) { return scalar(GgufType::UInt16, v); }
    static GgufValue i16(std::int16_t v) { return scalar(GgufType::Int16, v); }
    static GgufValue u32(std::uint32_t v) { return scalar(GgufType::UInt32, v); }
    static GgufValue i32(std::int32_t v) { return scalar(GgufType::Int32, v); }
    static GgufValue f32(float v) { return scalar(GgufType::Float32, v); }
    static GgufValue boolean(bool v) { return scalar(GgufType::Bool, static_cast<std::uint8_t>(v ? 1 : 0)); }
    static GgufValue u64(std::uint64_t v) { return scalar(GgufType::UInt64, v); }
    static GgufValue i64(std::int64_t v) { return scalar(GgufType::Int64, v); }
    static GgufValue f64(double v) { return scalar(GgufType::Float64, v); }
    static GgufValue string(std::string v);
    static GgufValue strings(std::vector<std::string> v);
    // An array of a fixed-size element type from its little-endian bytes
    // (size a multiple of the element size; bools are bytes 0 or 1).
    static GgufValue array(GgufType element, std::vector<std::byte> raw);
    template <class T>
    static GgufValue array_of(GgufType element, std::span<const T> values) {
        if (sizeof(T) != gguf_type_size(element)) throw std::invalid_argument("GgufValue::array_of: element size");
        std::vector<std::byte> raw(values.size_bytes());
        if (!raw.empty()) std::memcpy(raw.data(), values.data(), raw.size());
        return array(element, std::move(raw));
    }

    GgufType type() const { return type_; }
    bool is_array() const { return type_ == GgufType::Array; }
    GgufType element_type() const { return elem_; }  // arrays only
    std::size_t array_size() const;

    // Scalars: any integer type read as u64/i64 (std::invalid_argument if it
    // does not fit or the value is not an integer), floats as double.
    std::uint64_t as_u64() const;
    std::int64_t as_i64() const;
    double as_f64() const;   // Float32/Float64 (and integers)
    bool as_bool() const;
    const std::string& as_string() const;

    // Arrays.
    const std::vector<std::string>& string_items() const;   // String arrays
    std::span<const std::byte> raw() const { return raw_; }  // scalars and fixed-size arrays, LE bytes
    std::int64_t int_item(std::size_t i) const;              // integer and bool arrays
    double float_item(std::size_t i) const;                  // any numeric array

    // {"type": "UINT32", "value": 5} or {"type": "ARRAY", "element_type": ..., "value": [...]};
    // arrays longer than max_items are cut and flagged "truncated": true. Floats as JSON numbers.
    nlohmann::json to_json(std::size_t max_items = SIZE_MAX) const;

    bool operator==(const GgufValue& o) const = default;

private:
    template <class T>
    static GgufValue scalar(GgufType t, T v) {
        GgufValue g;
        g.type_ = t;
        g.raw_.resize(sizeof(T));
        std::memcpy(g.raw_.data(), &v, sizeof(T));
        return g;
    }
    double numeric_at(GgufType t, const std::byte* p) const;
    GgufType type_ = GgufType::UInt8;
    GgufType elem_ = GgufType::UInt8;
    std::vector<std::byte> raw_;
    std::string str_;
    std::vector<std::string> strs_;
};

struct GgufKv {
    std::string key;
    GgufValue value;
};

struct GgufTensorInfo {
    std::string name;
    std::vector<std::int64_t> ne;  // ggml order: ne[0] contiguous; the reverse of the torch shape
    std::uint32_t type = 0;        // GgmlType id
    std::uint64_t offset = 0;      // relative to the data section
    std::uint64_t nbytes = 0;      // unpadded

    GgmlType ggml_type() const { return static_cast<GgmlType>(type); }
    std::int64_t numel() const;
};

} // namespace moecut

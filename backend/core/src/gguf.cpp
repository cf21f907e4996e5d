// GGUF value types, ggml type traits and metadata values (moecut/gguf.h).
#include "moecut/gguf.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <limits>

static_assert(std::endian::native == std::endian::little, "GGUF I/O assumes a little-endian host");

namespace moecut {
namespace {

// Block sizes and bytes per block as in ggml.c's type_traits (llama.cpp 2026-10),
// matching gguf-py's GGML_QUANT_SIZES.
struct TraitRow {
    std::uint32_t id;
    GgmlTypeTraits t;
};
constexpr std::int64_t QK_K = 256;
constexpr std::array kTraits = {
    TraitRow{0, {"f32", 1, 4, false}},
    TraitRow{1, {"f16", 1, 2, false}},
    TraitRow{2, {"q4_0", 32, 2 + 16, true}},
    TraitRow{3, {"q4_1", 32, 2 + 2 + 16, true}},
    TraitRow{6, {"q5_0", 32, 2 + 4 + 16, true}},
    TraitRow{7, {"q5_1", 32, 2 + 2 + 4 + 16, true}},
    TraitRow{8, {"q8_0", 32, 2 + 32, true}},
    TraitRow{9, {"q8_1", 32, 4 + 4 + 32, true}},
    TraitRow{10, {"q2_K", QK_K, 2 + 2 + QK_K / 16 + QK_K / 4, true}},
    TraitRow{11, {"q3_K", QK_K, 2 + QK_K / 4 + QK_K / 8 + 12, true}},
    TraitRow{12, {"q4_K", QK_K, 2 + 2 + QK_K / 2 + 12, true}},
    TraitRow{13, {"q5_K", QK_K, 2 + 2 + QK_K / 2 + QK_K / 8 + 12, true}},
    TraitRow{14, {"q6_K", QK_K, 2 + QK_K / 2 + QK_K / 4 + QK_K / 16, true}},
    TraitRow{15, {"q8_K", QK_K, 4 + QK_K + QK_K / 8, true}},
    TraitRow{16, {"iq2_xxs", QK_K, 2 + QK_K / 4, true}},
    TraitRow{17, {"iq2_xs", QK_K, 2 + QK_K / 4 + QK_K / 32, true}},
    TraitRow{18, {"iq3_xxs", QK_K, 2 + QK_K / 4 + QK_K / 8, true}},
    TraitRow{19, {"iq1_s", QK_K, 2 + QK_K / 8 + QK_K / 16, true}},
    TraitRow{20, {"iq4_nl", 32, 2 + 16, true}},
    TraitRow{21, {"iq3_s", QK_K, 2 + QK_K / 4 + QK_K / 8 + QK_K / 32 + 4, true}},
    TraitRow{22, {"iq2_s", QK_K, 2 + QK_K / 4 + QK_K / 16, true}},
    TraitRow{23, {"iq4_xs", QK_K, 2 + 2 + QK_K / 2 + QK_K / 64, true}},
    TraitRow{24, {"i8", 1, 1, false}},
    TraitRow{25, {"i16", 1, 2, false}},
    TraitRow{26, {"i32", 1, 4, false}},
    TraitRow{27, {"i64", 1, 8, false}},
    TraitRow{28, {"f64", 1, 8, false}},
    TraitRow{29, {"iq1_m", QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32, true}},
    TraitRow{30, {"bf16", 1, 2, false}},
    TraitRow{34, {"tq1_0", QK_K, 2 + 4 * 13, true}},
    TraitRow{35, {"tq2_0", QK_K, 2 + 64, true}},
    TraitRow{39, {"mxfp4", 32, 1 + 16, true}},
    TraitRow{40, {"nvfp4", 64, 4 + 32, true}},
    TraitRow{41, {"q1_0", 128, 2 + 16, true}},
    TraitRow{42, {"q2_0", 64, 2 + 16, true}},
};

constexpr std::array<std::string_view, kGgufTypeCount> kTypeNames = {
    "UINT8", "INT8", "UINT16", "INT16", "UINT32", "INT32", "FLOAT32",
    "BOOL", "STRING", "ARRAY", "UINT64", "INT64", "FLOAT64",
};

bool is_integer(GgufType t) {
    switch (t) {
    case GgufType::UInt8: case GgufType::Int8: case GgufType::UInt16: case GgufType::Int16:
    case GgufType::UInt32: case GgufType::Int32: case GgufType::UInt64: case GgufType::Int64: return true;
    default: return false;
    }
}

template <class T>
T load(const std::byte* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

// Integers of any width as a signed/unsigned pair; ok=false when the value is not an integer.
struct IntValue {
    bool negative = false;
    std::uint64_t magnitude_or_value = 0;  // the value if !negative, else the i64 bits
};

IntValue read_int(GgufType t, const std::byte* p) {
    switch (t) {
    case GgufType::UInt8: return {false, load<std::uint8_t>(p)};
    case GgufType::UInt16: return {false, load<std::uint16_t>(p)};
    case GgufType::UInt32: return {false, load<std::uint32_t>(p)};
    case GgufType::UInt64: return {false, load<std::uint64_t>(p)};
    case GgufType::Bool: return {false, load<std::uint8_t>(p) != 0 ? 1u : 0u};
    case GgufType::Int8: { auto v = load<std::int8_t>(p); return {v < 0, static_cast<std::uint64_t>(static_cast<std::int64_t>(v))}; }
    case GgufType::Int16: { auto v = load<std::int16_t>(p); return {v < 0, static_cast<std::uint64_t>(static_cast<std::int64_t>(v))}; }
    case GgufType::Int32: { auto v = load<std::int32_t>(p); return {v < 0, static_cast<std::uint64_t>(static_cast<std::int64_t>(v))}; }
    case GgufType::Int64: { auto v = load<std::int64_t>(p); return {v < 0, static_cast<std::uint64_t>(v)}; }
    default: throw std::invalid_argument(fmt::format("GGUF value of type {} is not an integer", gguf_type_name(t)));
    }
}

} // namespace

std::string_view gguf_type_name(GgufType t) {
    const auto i = static_cast<std::uint32_t>(t);
    return i < kGgufTypeCount ? kTypeNames[i] : std::string_view("?");
}

std::size_t gguf_type_size(GgufType t) {
    switch (t) {
    case GgufType::UInt8: case GgufType::Int8: case GgufType::Bool: return 1;
    case GgufType::UInt16: case GgufType::Int16: return 2;
    case GgufType::UInt32: case GgufType::Int32: case GgufType::Float32: return 4;
    case GgufType::UInt64: case GgufType::Int64: case GgufType::Float64: return 8;
    default: return 0;
    }
}

const GgmlTypeTraits* ggml_type_traits(std::uint32_t type) {
    for (const auto& r : kTraits)
        if (r.id == type) return &r.t;
    return nullptr;
}

const GgmlTypeTraits& ggml_type_traits(GgmlType type) {
    const GgmlTypeTraits* t = ggml_type_traits(static_cast<std::uint32_t>(type));
    if (!t) throw std::invalid_argument("unknown ggml type");
    return *t;
}

std::string_view ggml_type_name(GgmlType type) { return ggml_type_traits(type).name; }

std::optional<GgmlType> ggml_type_from_name(std::string_view name) {
    auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return out;
    };
    const std::string want = lower(name);
    for (const auto& r : kTraits)
        if (lower(r.t.name) == want) return static_cast<GgmlType>(r.id);
    return std::nullopt;
}

std::uint64_t ggml_nbytes(GgmlType type, std::span<const std::int64_t> ne) {
    const GgmlTypeTraits& t = ggml_type_traits(type);
    if (ne.empty()) return static_cast<std::uint64_t>(t.type_size);  // a scalar: one element
    std::uint64_t n = static_cast<std::uint64_t>(ne[0] / t.block_size) * static_cast<std::uint64_t>(t.type_size);
    for (std::size_t i = 1; i < ne.size(); ++i) n *= static_cast<std::uint64_t>(ne[i]);
    return n;
}

std::int64_t GgufTensorInfo::numel() const {
    std::int64_t n = 1;
    for (auto d : ne) n *= d;
    return n;
}

GgufValue GgufValue::string(std::string v) {
    GgufValue g;
    g.type_ = GgufType::String;
    g.str_ = std::move(v);
    return g;
}

GgufValue GgufValue::strings(std::vector<std::string> v) {
    GgufValue g;
    g.type_ = GgufType::Array;
    g.elem_ = GgufType::String;
    g.strs_ = std::move(v);
    return g;
}

GgufValue GgufValue::array(GgufType element, std::vector<std::byte> raw) {
    const std::size_t es = gguf_type_size(element);
    if (es == 0) throw std::invalid_argument("GgufValue::array: element type must be a fixed-size scalar");
    if (raw.size() % es != 0) throw std::invalid_argument("GgufValue::array: byte count not a multiple of the element size");
    GgufValue g;
    g.type_ = GgufType::Array;
    g.elem_ = element;
    g.raw_ = std::move(raw);
    return g;
}

std::size_t GgufValue::array_size() const {
    if (!is_array()) return 0;
    if (elem_ == GgufType::String) return strs_.size();
    return raw_.size() / gguf_type_size(elem_);
}

std::uint64_t GgufValue::as_u64() const {
    const IntValue v = read_int(type_, raw_.data());
    if (v.negative) throw std::invalid_argument("GGUF value is negative");
    return v.magnitude_or_value;
}

std::int64_t GgufValue::as_i64() const {
    const IntValue v = read_int(type_, raw_.data());
    if (!v.negative && v.magnitude_or_value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw std::invalid_argument("GGUF value does not fit in int64");
    return static_cast<std::int64_t>(v.magnitude_or_value);
}

double GgufValue::numeric_at(GgufType t, const std::byte* p) const {
    if (t == GgufType::Float32) return load<float>(p);
    if (t == GgufType::Float64) return load<double>(p);
    const IntValue v = read_int(t, p);
    return v.negative ? static_cast<double>(static_cast<std::int64_t>(v.magnitude_or_value))
                      : static_cast<double>(v.magnitude_or_value);
}

double GgufValue::as_f64() const {
    if (is_array() || type_ == GgufType::String) throw std::invalid_argument("GGUF value is not numeric");
    return numeric_at(type_, raw_.data());
}

bool GgufValue::as_bool() const {
    if (type_ != GgufType::Bool) throw std::invalid_argument("GGUF value is not a BOOL");
    return raw_[0] != std::byte{0};
}

const std::string& GgufValue::as_string() const {
    if (type_ != GgufType::String) throw std::invalid_argument("GGUF value is not a STRING");
    return str_;
}

const std::vector<std::string>& GgufValue::string_items() const {
    if (!is_array() || elem_ != GgufType::String) throw std::invalid_argument("GGUF value is not an array of strings");
    return strs_;
}

std::int64_t GgufValue::int_item(std::size_t i) const {
    if (!is_array() || !(is_integer(elem_) || elem_ == GgufType::Bool)) throw std::invalid_argument("not an integer array");
    if (i >= array_size()) throw std::out_of_range("GGUF array index");
    const IntValue v = read_int(elem_, raw_.data() + i * gguf_type_size(elem_));
    return static_cast<std::int64_t>(v.magnitude_or_value);
}

double GgufValue::float_item(std::size_t i) const {
    if (!is_array() || elem_ == GgufType::String) throw std::invalid_argument("not a numeric array");
    if (i >= array_size()) throw std::out_of_range("GGUF array index");
    return numeric_at(elem_, raw_.data() + i * gguf_type_size(elem_));
}

nlohmann::json GgufValue::to_json(std::size_t max_items) const {
    using nlohmann::json;
    auto scalar_json = [&](GgufType t, const std::byte* p) -> json {
        if (t == GgufType::Bool) return load<std::uint8_t>(p) != 0;
        if (t == GgufType::Float32 || t == GgufType::Float64) return numeric_at(t, p);
        const IntValue v = read_int(t, p);
        if (v.negative) return static_cast<std::int64_t>(v.magnitude_or_value);
        return v.magnitude_or_value;
    };
    json j;
    j["type"] = std::string(gguf_type_name(type_));
    if (type_ == GgufType::String) {
        j["value"] = str_;
    } else if (is_array()) {
        j["element_type"] = std::string(gguf_type_name(elem_));
        const std::size_t n = array_size(), shown = std::min(n, max_items);
        json items = json::array();
        for (std::size_t i = 0; i < shown; ++i) {
            if (elem_ == GgufType::String) items.push_back(strs_[i]);
            else items.push_back(scalar_json(elem_, raw_.data() + i * gguf_type_size(elem_)));
        }
        j["value"] = std::move(items);
        j["count"] = n;
        if (shown < n) j["truncated"] = true;
    } else {
        j["value"] = scalar_json(type_, raw_.data());
    }
    return j;
}

} // namespace moecut

#include "moecut/fp8.h"

#include "moecut/error.h"
#include "text_sanitize.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace moecut {
namespace {

using Table = std::array<float, 256>;

const Table& decode_table(DType t) {
    static const Table e4m3 = [] {
        Table x{};
        for (int i = 0; i < 256; ++i) x[static_cast<std::size_t>(i)] = e4m3_to_float(static_cast<std::uint8_t>(i));
        return x;
    }();
    static const Table e5m2 = [] {
        Table x{};
        for (int i = 0; i < 256; ++i) x[static_cast<std::size_t>(i)] = e5m2_to_float(static_cast<std::uint8_t>(i));
        return x;
    }();
    return t == DType::F8_E5M2 ? e5m2 : e4m3;
}

bool is_fp8_weight(DType t) { return t == DType::F8_E4M3 || t == DType::F8_E5M2; }

bool is_scale_dtype(DType t) {
    return t == DType::F32 || t == DType::BF16 || t == DType::F16 || t == DType::F8_E8M0 || t == DType::U8;
}

float read_scale(const std::byte* scale, DType t, std::size_t i) {
    if (t == DType::U8) return e8m0_to_float(static_cast<std::uint8_t>(scale[i]));  // E8M0 stored as uint8
    return static_cast<float>(read_element(scale, t, i));
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

} // namespace

void dequantize_fp8_blocks(const std::byte* weight, DType weight_dtype, std::int64_t rows, std::int64_t cols,
                           const std::byte* scale, DType scale_dtype, std::int64_t scale_rows, std::int64_t scale_cols,
                           Fp8Block block, float* out) {
    if (!is_fp8_weight(weight_dtype))
        throw InputError(fmt::format("FP8 weight has dtype {}, not F8_E4M3 or F8_E5M2", dtype_name(weight_dtype)));
    if (!is_scale_dtype(scale_dtype))
        throw InputError(fmt::format("FP8 scale has dtype {}, not F32, BF16, F16 or E8M0", dtype_name(scale_dtype)));
    if (block.rows <= 0 || block.cols <= 0) throw InputError("FP8 block size must be positive");
    if (rows < 0 || cols < 0 || scale_rows != ceil_div(rows, block.rows) || scale_cols != ceil_div(cols, block.cols))
        throw InputError(fmt::format("FP8 scale shape [{}, {}] does not match weight [{}, {}] in {}x{} blocks", scale_rows,
                                     scale_cols, rows, cols, block.rows, block.cols));
    const Table& table = decode_table(weight_dtype);
    const auto* w = reinterpret_cast<const std::uint8_t*>(weight);
    std::vector<float> srow(static_cast<std::size_t>(scale_cols));
    for (std::int64_t r = 0; r < rows; ++r) {
        if (r % block.rows == 0) {
            const auto base = static_cast<std::size_t>((r / block.rows) * scale_cols);
            for (std::int64_t j = 0; j < scale_cols; ++j)
                srow[static_cast<std::size_t>(j)] = read_scale(scale, scale_dtype, base + static_cast<std::size_t>(j));
        }
        const std::uint8_t* wr = w + r * cols;
        float* o = out + r * cols;
        for (std::int64_t c0 = 0, j = 0; c0 < cols; c0 += block.cols, ++j) {
            const float s = srow[static_cast<std::size_t>(j)];
            const std::int64_t c1 = std::min(cols, c0 + block.cols);
            for (std::int64_t c = c0; c < c1; ++c) o[c] = table[wr[c]] * s;
        }
    }
}

std::string scale_inv_name(std::string_view weight_name) { return std::string(weight_name) + "_scale_inv"; }

std::optional<Fp8Block> fp8_block_from_config(const nlohmann::json& config) {
    if (!config.is_object()) return std::nullopt;
    auto q = config.find("quantization_config");
    if (q == config.end() || !q->is_object()) return std::nullopt;
    auto m = q->find("quant_method");
    if (m == q->end() || !m->is_string() || m->get_ref<const std::string&>() != "fp8") return std::nullopt;
    auto b = q->find("weight_block_size");
    if (b == q->end() || b->is_null()) return std::nullopt;  // per-tensor FP8: no blocks
    if (!b->is_array() || b->size() != 2 || !(*b)[0].is_number_integer() || !(*b)[1].is_number_integer() ||
        (*b)[0].get<std::int64_t>() <= 0 || (*b)[1].get<std::int64_t>() <= 0)
        throw_input("config.json", "quantization_config.weight_block_size must be two positive integers");
    return Fp8Block{(*b)[0].get<std::int64_t>(), (*b)[1].get<std::int64_t>()};
}

std::vector<float> load_as_float(const Checkpoint& ckpt, std::string_view name) {
    const auto* e = ckpt.find(name);
    if (e == nullptr) throw_input(ckpt.dir().string(), printable(name), "no such tensor");
    const TensorInfo& t = *e->info;
    const std::string file = e->file->path().string();
    const auto n = static_cast<std::size_t>(t.numel());
    std::vector<float> out(n);
    auto data = ckpt.bytes(*e);

    const Checkpoint::Entry* se = is_fp8_weight(t.dtype) ? ckpt.find(scale_inv_name(name)) : nullptr;
    if (se == nullptr) {
        convert_to_float(data.data(), t.dtype, n, out.data());
        return out;
    }

    // Block-quantised: [..., rows, cols] with scales [..., ceil(rows/br), ceil(cols/bc)].
    const TensorInfo& s = *se->info;
    const std::string sfile = se->file->path().string();
    if (!is_scale_dtype(s.dtype))
        throw_input(sfile, printable(s.name), fmt::format("FP8 scale has dtype {}, not F32, BF16, F16 or E8M0", dtype_name(s.dtype)));
    if (t.shape.size() < 2 || s.shape.size() != t.shape.size())
        throw_input(sfile, printable(s.name),
                    fmt::format("scale shape [{}] does not fit weight shape [{}]", fmt::join(s.shape, ", "),
                                fmt::join(t.shape, ", ")));
    const std::size_t k = t.shape.size();
    std::int64_t batch = 1;
    for (std::size_t i = 0; i + 2 < k; ++i) {
        if (s.shape[i] != t.shape[i])
            throw_input(sfile, printable(s.name),
                        fmt::format("scale shape [{}] does not fit weight shape [{}]", fmt::join(s.shape, ", "),
                                    fmt::join(t.shape, ", ")));
        batch *= t.shape[i];
    }
    const std::int64_t rows = t.shape[k - 2], cols = t.shape[k - 1];
    const std::int64_t srows = s.shape[k - 2], scols = s.shape[k - 1];
    Fp8Block block = fp8_block_from_config(ckpt.config()).value_or(Fp8Block{});
    if (srows != ceil_div(rows, block.rows) || scols != ceil_div(cols, block.cols))
        throw_input(sfile, printable(s.name),
                    fmt::format("scale shape [{}] does not match weight [{}] in {}x{} blocks", fmt::join(s.shape, ", "),
                                fmt::join(t.shape, ", "), block.rows, block.cols));
    auto sdata = ckpt.bytes(*se);
    const std::size_t wstride = static_cast<std::size_t>(rows * cols);
    const std::size_t sstride = static_cast<std::size_t>(srows * scols) * dtype_size(s.dtype);
    for (std::int64_t b = 0; b < batch; ++b) {
        const auto ub = static_cast<std::size_t>(b);
        dequantize_fp8_blocks(data.data() + ub * wstride, t.dtype, rows, cols, sdata.data() + ub * sstride, s.dtype,
                              srows, scols, block, out.data() + ub * wstride);
    }
    return out;
}

} // namespace moecut

// Writing a planned GGUF export (moecut/gguf_export.h): one GGUF tensor at a
// time, each source tensor read once into float32 (FP8 block weights
// dequantized), rows quantized as they complete (split by row ranges over
// worker threads, or handed to an accelerator) and streamed to the file.
#include "moecut/checkpoint.h"
#include "moecut/dtype.h"
#include "moecut/error.h"
#include "moecut/fp8.h"
#include "moecut/gguf_export.h"
#include "moecut/gguf_imatrix.h"
#include "moecut/gguf_quants.h"
#include "moecut/progress.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <exception>
#include <map>
#include <sstream>
#include <thread>

namespace moecut {
namespace {

// Rows of checkpoint tensors as float32. Plain dtypes are converted straight
// from the mapped file, only the rows asked for (a fused [E, 2I, H] expert
// tensor is never held whole); FP8 block-quantised weights are dequantised
// whole once (their scales are per block) and kept for the next pieces.
class SourceRows {
public:
    explicit SourceRows(const Checkpoint& c) : ckpt_(c) {}

    // Appends rows [begin, begin + count) of the tensor viewed as 2-D
    // [rows, cols] (cols = its last dim) to out; count -1 = to the end.
    // Returns the column count.
    std::int64_t append(const std::string& name, std::int64_t begin, std::int64_t count, std::vector<float>& out) {
        const Checkpoint::Entry* e = ckpt_.find(name);
        if (!e) throw std::logic_error("SourceRows: no tensor " + name);
        const TensorInfo& t = *e->info;
        const std::int64_t cols = t.shape.empty() ? 1 : t.shape.back();
        const std::int64_t nrows = cols == 0 ? 0 : t.numel() / cols;
        if (count < 0) count = nrows - begin;
        if (begin < 0 || begin + count > nrows)
            throw std::logic_error(fmt::format("{}: rows [{}, {}) outside {}", name, begin, begin + count, nrows));
        const std::size_t at = out.size();
        out.resize(at + static_cast<std::size_t>(count * cols));
        const bool fp8 = (t.dtype == DType::F8_E4M3 || t.dtype == DType::F8_E5M2) && ckpt_.contains(scale_inv_name(name));
        if (fp8) {
            if (name != cached_name_) {
                cached_ = load_as_float(ckpt_, name);
                cached_name_ = name;
            }
            std::copy(cached_.begin() + begin * cols, cached_.begin() + (begin + count) * cols, out.begin() + static_cast<std::ptrdiff_t>(at));
        } else {
            const auto bytes = ckpt_.bytes(*e);
            const std::size_t es = dtype_size(t.dtype);
            convert_to_float(bytes.data() + static_cast<std::size_t>(begin * cols) * es, t.dtype,
                             static_cast<std::size_t>(count * cols), out.data() + at);
        }
        return cols;
    }

private:
    const Checkpoint& ckpt_;
    std::string cached_name_;
    std::vector<float> cached_;
};

// Below this many values per thread, starting a thread costs more than it saves.
constexpr std::int64_t kMinValuesPerThread = 1 << 16;

// Calls fn(r0, r1) on contiguous row ranges covering [0, rows), one range per
// thread (up to threads, 0 = hardware_concurrency; fewer for small inputs),
// the first on the calling thread. Rethrows the first range's exception.
template <class Fn>
void for_row_ranges(std::int64_t rows, std::int64_t row_values, int threads, Fn&& fn) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const std::int64_t by_size = std::max<std::int64_t>(1, rows * row_values / kMinValuesPerThread);
    const std::int64_t parts = std::min({static_cast<std::int64_t>(threads), rows, by_size});
    if (parts <= 1) {
        if (rows > 0) fn(std::int64_t{0}, rows);
        return;
    }
    const std::int64_t per = (rows + parts - 1) / parts;
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(parts));
    auto work = [&](std::int64_t p) {
        const std::int64_t r0 = p * per, r1 = std::min(rows, r0 + per);
        if (r0 >= r1) return;
        try {
            fn(r0, r1);
        } catch (...) {
            errors[static_cast<std::size_t>(p)] = std::current_exception();
        }
    };
    {
        std::vector<std::jthread> pool;
        pool.reserve(static_cast<std::size_t>(parts - 1));
        for (std::int64_t p = 1; p < parts; ++p) pool.emplace_back(work, p);
        work(0);
    }
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
}

} // namespace

void quantize_rows_parallel(GgmlType type, const float* x, std::int64_t n, std::int64_t row, std::byte* out, int threads) {
    if (row <= 0 || n % row != 0)
        throw std::invalid_argument(fmt::format("quantize_rows_parallel: {} values are not whole rows of {}", n, row));
    const std::size_t row_bytes = ggml_nbytes(type, std::vector<std::int64_t>{row});
    for_row_ranges(n / row, row, threads, [&](std::int64_t r0, std::int64_t r1) {
        quantize_row(type, x + r0 * row, (r1 - r0) * row, out + static_cast<std::size_t>(r0) * row_bytes);
    });
}

void write_gguf_export(const Checkpoint& ckpt, const GgufExportPlan& plan, const std::filesystem::path& out,
                       ProgressReporter* progress, const GgufWriteOptions& write) {
    for (const GgufExportTensor& t : plan.tensors)
        if (!ggml_can_quantize(t.type))
            throw_input(out.string(), t.name, fmt::format("writing {} is not implemented yet (f32, f16, bf16, q8_0, q4_0, q2_k..q6_k are)",
                                                          ggml_type_name(t.type)));
    GgufStreamWriter w(out, plan.layout);
    SourceRows source(ckpt);
    std::vector<float> pending, block;
    std::vector<std::byte> packed;
    for (const GgufExportTensor& t : plan.tensors) {
        const std::int64_t ne0 = t.ne.empty() ? 1 : t.ne[0];
        std::int64_t total = 1;
        for (auto d : t.ne) total *= d;
        std::int64_t done = 0;
        pending.clear();
        auto flush = [&](bool final) {
            const std::int64_t n = static_cast<std::int64_t>(pending.size()) / ne0 * ne0;
            if (final && n != static_cast<std::int64_t>(pending.size()))
                throw std::logic_error(fmt::format("{}: {} elements left over", t.name, pending.size() - static_cast<std::size_t>(n)));
            if (n == 0) return;
            packed.resize(ggml_nbytes(t.type, std::vector<std::int64_t>{n}));
            // The accelerator (no importance weights) or row ranges over threads,
            // each with t.imatrix per expert (quantize_export_rows).
            if (!t.imatrix.empty() || !write.accelerator || !write.accelerator(t.type, pending.data(), n, packed.data())) {
                const std::size_t row_bytes = ggml_nbytes(t.type, std::vector<std::int64_t>{ne0});
                for_row_ranges(n / ne0, ne0, write.threads, [&](std::int64_t r0, std::int64_t r1) {
                    quantize_export_rows(t, done / ne0 + r0, pending.data() + r0 * ne0, r1 - r0,
                                         packed.data() + static_cast<std::size_t>(r0) * row_bytes);
                });
            }
            w.append(packed);
            if (progress) progress->advance(packed.size());
            pending.erase(pending.begin(), pending.begin() + n);
            done += n;
        };
        for (const GgufSourcePiece& p : t.pieces) {
            if (p.kind == GgufSourcePiece::Kind::Zeros) {
                pending.insert(pending.end(), static_cast<std::size_t>(p.zeros), 0.0f);
            } else if (p.kind == GgufSourcePiece::Kind::Rows) {
                source.append(p.tensor, p.row_begin, p.row_count, pending);
            } else {  // [count, cols] -> [cols, count]
                block.clear();
                const std::int64_t cols = source.append(p.tensor, p.row_begin, p.row_count, block);
                const std::int64_t count = static_cast<std::int64_t>(block.size()) / cols;
                const std::size_t at = pending.size();
                pending.resize(at + block.size());
                for (std::int64_t r = 0; r < count; ++r)
                    for (std::int64_t c = 0; c < cols; ++c) pending[at + static_cast<std::size_t>(c * count + r)] = block[static_cast<std::size_t>(r * cols + c)];
            }
            flush(false);
        }
        flush(true);
        if (done != total)
            throw std::logic_error(fmt::format("{}: produced {} elements, expected {}", t.name, done, total));
    }
    w.commit();
    if (progress) progress->finish();
}

nlohmann::json GgufExportPlan::to_json() const {
    nlohmann::json j;
    j["architecture"] = architecture;
    j["file_size"] = layout.file_size();
    j["header_size"] = layout.header_size();
    j["alignment"] = layout.alignment();
    nlohmann::json md = nlohmann::json::object();
    for (const GgufKv& kv : layout.metadata()) md[kv.key] = kv.value.to_json(16);
    j["metadata"] = std::move(md);
    nlohmann::json ts = nlohmann::json::array();
    for (const GgufExportTensor& t : tensors) {
        nlohmann::json src = nlohmann::json::array();
        for (const GgufSourcePiece& p : t.pieces)
            if (p.kind != GgufSourcePiece::Kind::Zeros && (src.empty() || src.back() != p.tensor)) src.push_back(p.tensor);
        ts.push_back({{"name", t.name}, {"type", std::string(ggml_type_name(t.type))}, {"ne", t.ne},
                      {"nbytes", t.nbytes}, {"reason", t.type_reason}, {"sources", src}});
    }
    j["tensors"] = std::move(ts);
    j["notes"] = notes;
    j["skipped"] = skipped;
    return j;
}

std::string GgufExportPlan::to_text() const {
    std::ostringstream s;
    std::map<std::string, std::pair<int, std::uint64_t>> by_type;
    for (const GgufExportTensor& t : tensors) {
        auto& e = by_type[std::string(ggml_type_name(t.type))];
        ++e.first;
        e.second += t.nbytes;
    }
    s << fmt::format("architecture: {}\nfile: {} bytes (header {} bytes, alignment {})\n", architecture, layout.file_size(),
                     layout.header_size(), layout.alignment());
    s << fmt::format("metadata: {} keys\n", layout.metadata().size());
    for (const GgufKv& kv : layout.metadata()) {
        std::string v;
        if (kv.value.is_array()) v = fmt::format("{}[{}]", gguf_type_name(kv.value.element_type()), kv.value.array_size());
        else if (kv.value.type() == GgufType::String) {
            v = kv.value.as_string();
            if (v.size() > 48) v = v.substr(0, 45) + "...";
            v = nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        } else v = kv.value.to_json()["value"].dump();
        s << fmt::format("  {} = {}\n", kv.key, v);
    }
    s << fmt::format("tensors: {}\n", tensors.size());
    for (const auto& [type, e] : by_type) s << fmt::format("  {}: {} tensors, {} bytes\n", type, e.first, e.second);
    for (const GgufExportTensor& t : tensors)
        s << fmt::format("  {:<40} {:<5} [{}] {} bytes ({})\n", t.name, ggml_type_name(t.type), fmt::join(t.ne, ", "), t.nbytes,
                         t.type_reason);
    for (const std::string& n : notes) s << "note: " << n << "\n";
    if (!skipped.empty()) s << fmt::format("skipped: {} checkpoint tensors (first: {})\n", skipped.size(), skipped.front());
    return s.str();
}

} // namespace moecut

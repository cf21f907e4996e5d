// Writing a planned GGUF export (moecut/gguf_export.h): one GGUF tensor at a
// time, each source tensor read once into float32 (FP8 block weights
// dequantized), rows quantized as they complete and streamed to the file.
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/fp8.h"
#include "moecut/gguf_export.h"
#include "moecut/gguf_quants.h"
#include "moecut/progress.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <map>
#include <sstream>

namespace moecut {
namespace {

class SourceCache {
public:
    explicit SourceCache(const Checkpoint& c) : ckpt_(c) {}
    // The tensor as float32 and its 2-D view's column count (its last dim).
    const std::vector<float>& get(const std::string& name, std::int64_t& cols) {
        if (name != name_) {
            data_ = load_as_float(ckpt_, name);
            name_ = name;
            const auto& shape = ckpt_.find(name)->info->shape;
            cols_ = shape.empty() ? 1 : shape.back();
        }
        cols = cols_;
        return data_;
    }

private:
    const Checkpoint& ckpt_;
    std::string name_;
    std::vector<float> data_;
    std::int64_t cols_ = 1;
};

} // namespace

void write_gguf_export(const Checkpoint& ckpt, const GgufExportPlan& plan, const std::filesystem::path& out,
                       ProgressReporter* progress) {
    for (const GgufExportTensor& t : plan.tensors)
        if (!ggml_can_quantize(t.type))
            throw_input(out.string(), t.name, fmt::format("writing {} is not implemented yet (f32, f16, bf16, q8_0, q4_0, q2_k..q6_k are)",
                                                          ggml_type_name(t.type)));
    GgufStreamWriter w(out, plan.layout);
    SourceCache cache(ckpt);
    std::vector<float> pending;
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
            quantize_row(t.type, pending.data(), n, packed.data());
            w.append(packed);
            if (progress) progress->advance(packed.size());
            pending.erase(pending.begin(), pending.begin() + n);
            done += n;
        };
        for (const GgufSourcePiece& p : t.pieces) {
            if (p.kind == GgufSourcePiece::Kind::Zeros) {
                pending.insert(pending.end(), static_cast<std::size_t>(p.zeros), 0.0f);
            } else {
                std::int64_t cols = 1;
                const std::vector<float>& src = cache.get(p.tensor, cols);
                const std::int64_t nrows = static_cast<std::int64_t>(src.size()) / cols;
                const std::int64_t count = p.row_count < 0 ? nrows - p.row_begin : p.row_count;
                if (p.row_begin < 0 || p.row_begin + count > nrows)
                    throw std::logic_error(fmt::format("{}: rows [{}, {}) outside {}", p.tensor, p.row_begin, p.row_begin + count, nrows));
                const float* base = src.data() + p.row_begin * cols;
                if (p.kind == GgufSourcePiece::Kind::Rows) {
                    pending.insert(pending.end(), base, base + count * cols);
                } else {  // [count, cols] -> [cols, count]
                    const std::size_t at = pending.size();
                    pending.resize(at + static_cast<std::size_t>(count * cols));
                    for (std::int64_t r = 0; r < count; ++r)
                        for (std::int64_t c = 0; c < cols; ++c) pending[at + static_cast<std::size_t>(c * count + r)] = base[r * cols + c];
                }
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

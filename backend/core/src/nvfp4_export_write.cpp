// Writing an NVFP4 export (moecut/nvfp4_export.h): streamed, one tensor at a
// time, into an AtomicDir.
#include "moecut/nvfp4_export.h"

#include "moecut/atomic_file.h"
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/fp8.h"
#include "moecut/nvfp4.h"
#include "moecut/progress.h"
#include "moecut/safetensors_writer.h"

#include <fmt/core.h>

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

namespace moecut {
namespace {

// The writer's producers, sharing what one module's tensors need: its
// quantised bytes (made by the .weight producer, used by .weight_scale next)
// and the global scale of each group (computed once, from all its members;
// their floats are kept until each is quantised, so a group is read once).
class ExportState {
public:
    ExportState(const Checkpoint& c, const Nvfp4ExportPlan& p, const Nvfp4ExportOptions& o, ProgressReporter* pr)
        : ckpt_(c), plan_(p), opt_(o), progress_(pr), group_scale_(p.groups.size(), -1.0f) {}

    void produce(const Nvfp4OutTensor& t, ByteSink& sink) {
        switch (t.kind) {
        case Nvfp4OutTensor::Kind::Copy: return copy(t, sink);
        case Nvfp4OutTensor::Kind::ToBf16: return to_bf16(t, sink);
        case Nvfp4OutTensor::Kind::Packed: {
            quantize(t.module);
            sink.write(std::as_bytes(std::span(packed_)));
            return;
        }
        case Nvfp4OutTensor::Kind::BlockScales:
            if (scales_module_ != t.module) throw std::logic_error("nvfp4 export: scales before their weight");
            sink.write(std::as_bytes(std::span(scales_)));
            return;
        case Nvfp4OutTensor::Kind::GlobalScale: {
            const float g = group_scale(plan_.modules[static_cast<std::size_t>(t.module)].group);
            sink.write(std::as_bytes(std::span(&g, 1)));
            return;
        }
        case Nvfp4OutTensor::Kind::InputScale:
            sink.write(std::as_bytes(std::span(&opt_.input_scale, 1)));
            return;
        }
    }

private:
    void advance(std::uint64_t n, const std::string& what) {
        if (!progress_) return;
        progress_->set_current(what);
        progress_->advance(n);
    }

    // Rows of a checkpoint tensor viewed 2-D, as float32.
    std::vector<float> read_rows(const std::string& name, std::int64_t row_begin, std::int64_t rows) {
        const Checkpoint::Entry* e = ckpt_.find(name);
        if (!e) throw std::logic_error("nvfp4 export: no tensor " + name);
        const TensorInfo& t = *e->info;
        const std::int64_t cols = t.shape.empty() ? 1 : t.shape.back();
        const std::int64_t total_rows = cols == 0 ? 0 : t.numel() / cols;
        if (rows < 0) rows = total_rows - row_begin;
        std::vector<float> out(static_cast<std::size_t>(rows * cols));
        const bool fp8 = (t.dtype == DType::F8_E4M3 || t.dtype == DType::F8_E5M2) && ckpt_.contains(scale_inv_name(name));
        if (fp8) {  // block scales: dequantise the whole tensor once, keep it for its next rows
            if (name != fp8_name_) {
                fp8_cache_ = load_as_float(ckpt_, name);
                fp8_name_ = name;
            }
            std::memcpy(out.data(), fp8_cache_.data() + row_begin * cols, out.size() * sizeof(float));
        } else {
            const auto bytes = ckpt_.bytes(*e);
            convert_to_float(bytes.data() + static_cast<std::size_t>(row_begin * cols) * dtype_size(t.dtype), t.dtype,
                             out.size(), out.data());
        }
        return out;
    }

    float group_scale(int group) {
        float& g = group_scale_[static_cast<std::size_t>(group)];
        if (g >= 0.0f) return g;
        float amax = 0.0f;
        for (int mi : plan_.groups[static_cast<std::size_t>(group)]) {
            const Nvfp4Module& m = plan_.modules[static_cast<std::size_t>(mi)];
            std::vector<float> w = read_rows(m.source, m.row_begin, m.rows);
            const float a = nvfp4_amax(w);
            if (!std::isfinite(a)) throw_input(ckpt_.dir().string(), m.source, "has NaN or infinite values");
            amax = std::max(amax, a);
            floats_[mi] = std::move(w);
        }
        g = nvfp4_global_scale(amax);
        return g;
    }

    void quantize(int mi) {
        const Nvfp4Module& m = plan_.modules[static_cast<std::size_t>(mi)];
        const float g = group_scale(m.group);
        auto it = floats_.find(mi);
        std::vector<float> w = it != floats_.end() ? std::move(it->second) : read_rows(m.source, m.row_begin, m.rows);
        if (it != floats_.end()) floats_.erase(it);
        packed_.resize(w.size() / 2);
        scales_.resize(w.size() / nvfp4::kBlock);
        nvfp4_quantize(w, g, packed_, scales_, opt_.threads);
        scales_module_ = mi;
        const TensorInfo& src = *ckpt_.find(m.source)->info;
        advance(w.size() * dtype_size(src.dtype), m.name);
    }

    void copy(const Nvfp4OutTensor& t, ByteSink& sink) {
        const Checkpoint::Entry* e = ckpt_.find(t.source);
        auto bytes = ckpt_.bytes(*e);
        if (t.rows >= 0) {
            const std::size_t row = static_cast<std::size_t>(e->info->shape.back()) * dtype_size(e->info->dtype);
            bytes = bytes.subspan(static_cast<std::size_t>(t.row_begin) * row, static_cast<std::size_t>(t.rows) * row);
        }
        constexpr std::size_t kPiece = 64u << 20;
        for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
            const auto piece = bytes.subspan(at, std::min(kPiece, bytes.size() - at));
            sink.write(piece);
            advance(piece.size(), t.name);
        }
    }

    void to_bf16(const Nvfp4OutTensor& t, ByteSink& sink) {
        const std::vector<float> w = read_rows(t.source, t.row_begin, t.rows);
        std::vector<std::uint16_t> h(w.size());
        for (std::size_t i = 0; i < w.size(); ++i) h[i] = float_to_bf16(w[i]);
        sink.write(std::as_bytes(std::span(h)));
        advance(w.size() * dtype_size(ckpt_.find(t.source)->info->dtype), t.name);
    }

    const Checkpoint& ckpt_;
    const Nvfp4ExportPlan& plan_;
    const Nvfp4ExportOptions& opt_;
    ProgressReporter* progress_;
    std::vector<float> group_scale_;
    std::map<int, std::vector<float>> floats_;
    std::vector<std::uint8_t> packed_, scales_;
    int scales_module_ = -1;
    std::string fp8_name_;
    std::vector<float> fp8_cache_;
};

} // namespace

void write_nvfp4_export(const Checkpoint& ckpt, const Nvfp4ExportPlan& plan, const Nvfp4ExportOptions& options,
                        const std::filesystem::path& out, ProgressReporter* progress) {
    AtomicDir dir(out);
    WriterOptions wo;
    wo.max_shard_bytes = std::max<std::uint64_t>(options.max_shard_bytes, 1);
    CheckpointWriter writer(dir.staging(), wo);
    if (progress) {
        progress->set_total(plan.bytes_in);
        progress->set_unit("bytes");
    }
    auto state = std::make_shared<ExportState>(ckpt, plan, options, progress);
    for (const Nvfp4OutTensor& t : plan.tensors) {
        const Nvfp4OutTensor* tp = &t;
        writer.add(t.name, t.dtype, t.shape, [state, tp](ByteSink& sink) { state->produce(*tp, sink); });
    }
    writer.finish();
    write_file_atomic(dir.staging() / "config.json", plan.config.dump(2) + "\n");
    write_file_atomic(dir.staging() / "hf_quant_config.json", plan.hf_quant_config.dump(2) + "\n");
    for (const std::string& f : plan.side_files) std::filesystem::copy_file(ckpt.dir() / f, dir.staging() / f);
    dir.commit();
    if (progress) progress->finish();
}

} // namespace moecut

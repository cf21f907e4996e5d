// Writing a tiny random checkpoint of a family: the tensors its config implies
// (ArchDescriptor::expected_tensors, the one list of names and shapes), filled
// with deterministic random values, F32, or FP8 E4M3 block-quantised.
#include "moecut/tiny_checkpoint.h"

#include "moecut/atomic_file.h"
#include "moecut/dtype.h"
#include "moecut/fp8.h"
#include "moecut/safetensors_writer.h"
#include "tiny_random.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace moecut {
namespace {

using nlohmann::json;

// The tiny FP8 block: tiny widths are below DeepSeek's 128, and several are
// not multiples of 16, so edge blocks are partial as in real checkpoints.
constexpr std::int64_t kTinyFp8Block = 16;
constexpr float kE4m3Max = 448.0f;

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::int64_t numel(const std::vector<std::int64_t>& shape) {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

// The distribution of a tensor's values: norms near 1, routers wide enough
// that routing decisions have clear margins, everything else 0.02 normal.
struct Fill {
    double mean = 0.0;
    double std = 0.02;
};

Fill fill_for(const ExpectedTensor& t) {
    const bool one_d = t.shape.size() == 1;
    if (t.role == TensorRole::RouterBias) return {0.0, 0.05};
    if (t.role == TensorRole::Router) return {0.0, 0.1};
    if (one_d && ends_with(t.name, "norm.weight")) return {1.0, 0.05};
    if (one_d && ends_with(t.name, ".bias")) return {0.0, 0.02};
    return {0.0, 0.02};
}

std::vector<float> random_values(const ExpectedTensor& t, std::uint64_t seed) {
    detail::TinyRng rng(seed, t.name);
    const Fill f = fill_for(t);
    std::vector<float> v(static_cast<std::size_t>(numel(t.shape)));
    for (float& x : v) x = static_cast<float>(f.mean + f.std * rng.normal());
    return v;
}

// The large Linear weights: attention projections, indexer wq_b/wk, dense
// MLP, routed and shared experts. Not norms, biases, routers, embeddings,
// lm_head, indexer weights_proj, the shared-expert gate or MTP eh_proj (as in
// DeepSeek-V3's and GLM-5's FP8 releases).
bool is_fp8_target(const ExpectedTensor& t) {
    if (t.shape.size() < 2) return false;
    switch (t.role) {
    case TensorRole::Attention:
    case TensorRole::DenseMlp:
    case TensorRole::RoutedExpert:
    case TensorRole::SharedExpert: return true;
    case TensorRole::Indexer: return !ends_with(t.name, "weights_proj.weight");
    default: return false;
    }
}

// safetensors is little-endian; so is every platform moecut targets.
static_assert(std::endian::native == std::endian::little);

template <class T>
std::span<const std::byte> as_bytes(const std::vector<T>& v) {
    return std::as_bytes(std::span<const T>(v.data(), v.size()));
}

// Quantises [..., rows, cols] in blocks: scale = amax / 448 per block (1 for an
// all-zero block), q = e4m3(w / scale). Edge blocks are partial.
void quantize_fp8(const std::vector<float>& w, const std::vector<std::int64_t>& shape, std::vector<std::uint8_t>& q,
                  std::vector<float>& scale, std::vector<std::int64_t>& scale_shape) {
    const std::int64_t rows = shape[shape.size() - 2], cols = shape.back();
    const std::int64_t lead = numel(shape) / (rows * cols);
    const std::int64_t sr = (rows + kTinyFp8Block - 1) / kTinyFp8Block, sc = (cols + kTinyFp8Block - 1) / kTinyFp8Block;
    scale_shape.assign(shape.begin(), shape.end() - 2);
    scale_shape.push_back(sr);
    scale_shape.push_back(sc);
    q.assign(w.size(), 0);
    scale.assign(static_cast<std::size_t>(lead * sr * sc), 1.0f);
    for (std::int64_t m = 0; m < lead; ++m) {
        const std::size_t base = static_cast<std::size_t>(m * rows * cols);
        for (std::int64_t bi = 0; bi < sr; ++bi) {
            for (std::int64_t bj = 0; bj < sc; ++bj) {
                const std::int64_t r0 = bi * kTinyFp8Block, r1 = std::min(rows, r0 + kTinyFp8Block);
                const std::int64_t c0 = bj * kTinyFp8Block, c1 = std::min(cols, c0 + kTinyFp8Block);
                float amax = 0.0f;
                for (std::int64_t r = r0; r < r1; ++r)
                    for (std::int64_t c = c0; c < c1; ++c)
                        amax = std::max(amax, std::fabs(w[base + static_cast<std::size_t>(r * cols + c)]));
                const float s = amax > 0.0f ? amax / kE4m3Max : 1.0f;
                scale[static_cast<std::size_t>((m * sr + bi) * sc + bj)] = s;
                for (std::int64_t r = r0; r < r1; ++r)
                    for (std::int64_t c = c0; c < c1; ++c) {
                        const std::size_t i = base + static_cast<std::size_t>(r * cols + c);
                        q[i] = float_to_e4m3(w[i] / s);
                    }
            }
        }
    }
}

// Which of the listed tensors a new checkpoint carries: all required ones,
// and the optional MTP embedding/head copies where the family ships them.
bool carried(const ArchDescriptor& arch, const ExpectedTensor& t) {
    return t.required || arch.mtp_has_embed;
}

json generation_config(const json& config) {
    json g = json::object();
    for (const char* key : {"bos_token_id", "eos_token_id", "pad_token_id"}) {
        auto it = config.find(key);
        if (it != config.end() && !it->is_null()) g[key] = *it;
    }
    return g;
}

} // namespace

void make_tiny_checkpoint(const TinyOptions& options, const std::filesystem::path& dir) {
    json config = tiny_config(options.family);
    if (options.fp8) {
        config["quantization_config"] = {{"quant_method", "fp8"},
                                         {"fmt", "e4m3"},
                                         {"activation_scheme", "dynamic"},
                                         {"weight_block_size", {kTinyFp8Block, kTinyFp8Block}}};
    }
    const ArchDescriptor arch = ArchDescriptor::from_config(config, "config.json");

    AtomicDir out(dir);
    write_file_atomic(out.staging() / "config.json", config.dump(2) + "\n");
    write_file_atomic(out.staging() / "generation_config.json", generation_config(config).dump(2) + "\n");

    WriterOptions wo;
    wo.max_shard_bytes = 1ull << 40;  // always one model.safetensors
    CheckpointWriter writer(out.staging(), wo);
    for (const ExpectedTensor& t : arch.expected_tensors(options.layout)) {
        if (!carried(arch, t)) continue;
        const std::vector<float> values = random_values(t, options.seed);
        if (options.fp8 && is_fp8_target(t)) {
            std::vector<std::uint8_t> q;
            std::vector<float> scale;
            std::vector<std::int64_t> scale_shape;
            quantize_fp8(values, t.shape, q, scale, scale_shape);
            writer.add_bytes(t.name, DType::F8_E4M3, t.shape, as_bytes(q));
            writer.add_bytes(scale_inv_name(t.name), DType::F32, scale_shape, as_bytes(scale));
        } else {
            writer.add_bytes(t.name, DType::F32, t.shape, as_bytes(values));
        }
    }
    writer.finish();
    out.commit();
}

} // namespace moecut

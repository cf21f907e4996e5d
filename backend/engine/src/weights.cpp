#include "moecut/engine/weights.h"

#include "moecut/dtype.h"
#include "moecut/engine/torch_bridge.h"
#include "moecut/error.h"
#include "moecut/fp8.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace moecut::engine {

const torch::Tensor* LayerWeights::find(std::string_view key) const {
    auto it = tensors.find(key);
    return it == tensors.end() ? nullptr : &it->second;
}

const torch::Tensor& LayerWeights::get(std::string_view key) const {
    if (const auto* t = find(key)) return *t;
    // WeightStore loads every tensor a layer's computation asks for (or fails
    // with an InputError naming the file): reaching this is a bug.
    throw std::logic_error(fmt::format("layer {}: no tensor under key {}", layer, key));
}

std::int64_t LayerWeights::bytes() const {
    std::int64_t n = 0;
    auto count = [&](const torch::Tensor& t) {
        if (t.defined()) n += t.numel() * static_cast<std::int64_t>(t.element_size());
    };
    for (const auto& [k, t] : tensors) count(t);
    // Fused experts are views of two tensors, stored under "experts.*" keys.
    if (!tensors.count("experts.gate_up_proj"))
        for (const auto& e : experts) {
            count(e.gate);
            count(e.up);
            count(e.down);
        }
    return n;
}

namespace {

const Checkpoint::Entry& require(const Checkpoint& ckpt, std::string_view name) {
    const auto* e = ckpt.find(name);
    if (!e) throw_input(ckpt.dir().string(), name, "tensor not found");
    return *e;
}

bool is_fp8(DType t) { return t == DType::F8_E4M3 || t == DType::F8_E5M2; }

// A 256-entry decoding table of an FP8 type.
torch::Tensor fp8_table(DType t) {
    std::vector<float> v(256);
    for (int i = 0; i < 256; ++i) {
        auto b = static_cast<std::uint8_t>(i);
        v[static_cast<std::size_t>(i)] = t == DType::F8_E4M3 ? e4m3_to_float(b) : e5m2_to_float(b);
    }
    return torch::from_blob(v.data(), {256}, torch::kFloat32).clone();
}

// Streaming: once a tensor is copied out, its pages of the (read-only,
// shared) checkpoint mapping leave the process's resident set, so that RSS
// stays near one layer instead of growing with every layer read. The range
// is rounded out to whole pages: a page shared with a neighbouring tensor is
// dropped too (the mapping is read-only and file-backed, so a later read
// faults it back in from the page cache), else one page per tensor boundary
// would stay and grow with depth.
void drop_mapped_pages(const Checkpoint& ckpt, std::string_view name) {
#if defined(__unix__) || defined(__APPLE__)
    const auto* e = ckpt.find(name);
    if (!e) return;
    auto bytes = ckpt.bytes(*e);
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    auto begin = reinterpret_cast<std::uintptr_t>(bytes.data());
    auto end = begin + bytes.size();
    begin = begin / page * page;
    end = (end + page - 1) / page * page;
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
#else
    (void)ckpt;
    (void)name;
#endif
}

// After a whole layer is loaded: its tensors' pages once more, each range
// widened by the kernel's fault-around window (64 KiB, within the file's
// mapping), because faulting in one tensor also maps already-cached pages
// around it, including those of tensors dropped before.
void drop_layer_pages(const Checkpoint& ckpt, const std::string& prefix) {
#if defined(__unix__) || defined(__APPLE__)
    constexpr std::uintptr_t kAround = 64 * 1024;
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    for (const auto& e : ckpt.entries()) {
        if (e.info->name.compare(0, prefix.size(), prefix) != 0) continue;
        auto bytes = ckpt.bytes(e);
        const auto p = reinterpret_cast<std::uintptr_t>(bytes.data());
        const std::uintptr_t base = p - (e.file->data_offset() + e.info->begin);  // the mapping's start
        const std::uintptr_t limit = (base + e.file->file_size() + page - 1) / page * page;
        const std::uintptr_t lo = (p - base > kAround ? p - kAround : base) / page * page;
        const std::uintptr_t hi = std::min(limit, (p + bytes.size() + kAround + page - 1) / page * page);
        if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);
    }
#else
    (void)ckpt;
    (void)prefix;
#endif
}

torch::Tensor raw_bytes(const Checkpoint& ckpt, const Checkpoint::Entry& e) {
    auto bytes = ckpt.bytes(e);
    void* data = const_cast<std::byte*>(bytes.data());  // read-only view, copied below
    return torch::from_blob(data, {static_cast<std::int64_t>(bytes.size())}, torch::kUInt8);
}

} // namespace

torch::Tensor load_fp8_on_device(const Checkpoint& ckpt, std::string_view name, torch::Dtype dtype,
                                 torch::Device device) {
    const auto& e = require(ckpt, name);
    const std::string sname = scale_inv_name(name);
    const auto* s = ckpt.find(sname);
    const auto& shape = e.info->shape;
    auto block = fp8_block_from_config(ckpt.config());
    // [..., rows, cols] with scales [..., ceil(rows/br), ceil(cols/bc)]; anything
    // else goes through torch_bridge, which reports what is wrong.
    if (!is_fp8(e.info->dtype) || !s || !block || shape.size() < 2 || s->info->shape.size() != shape.size())
        return load_tensor(ckpt, name, dtype, device);
    const std::size_t nd = shape.size();
    const std::int64_t rows = shape[nd - 2], cols = shape[nd - 1];
    const auto& ss = s->info->shape;
    for (std::size_t i = 0; i + 2 < nd; ++i)
        if (ss[i] != shape[i]) return load_tensor(ckpt, name, dtype, device);
    if (ss[nd - 2] != (rows + block->rows - 1) / block->rows || ss[nd - 1] != (cols + block->cols - 1) / block->cols)
        return load_tensor(ckpt, name, dtype, device);

    // Scales as float32 on the device.
    torch::Tensor scale;
    const DType sd = s->info->dtype;
    if (sd == DType::F32 || sd == DType::BF16 || sd == DType::F16) {
        scale = view_tensor(ckpt, sname).to(device, torch::kFloat32, false, true);
    } else if (sd == DType::F8_E8M0 || sd == DType::U8) {
        auto b = raw_bytes(ckpt, *s).to(device).to(torch::kFloat32);
        scale = torch::pow(2.0, b - 127.0).masked_fill(b == 255, NAN).view(ss);
    } else {
        return load_tensor(ckpt, name, dtype, device);
    }
    auto codes = raw_bytes(ckpt, e).to(device).to(torch::kLong);
    auto w = fp8_table(e.info->dtype).to(device).index_select(0, codes).view(shape);
    const auto r = static_cast<std::int64_t>(nd);
    auto full = scale.repeat_interleave(block->rows, r - 2).repeat_interleave(block->cols, r - 1);
    full = full.narrow(r - 2, 0, rows).narrow(r - 1, 0, cols);
    return (w * full).to(dtype);
}

WeightStore::WeightStore(const Checkpoint& ckpt, const ArchDescriptor& arch, WeightOptions options)
    : ckpt_(ckpt), arch_(arch), options_(options) {
    const auto moe = arch_.moe_layers();
    if (!moe.empty() && ckpt_.contains(arch_.fused_expert_weight(moe.front(), 0))) layout_ = ExpertLayout::Fused;

    // Every required tensor present, with its expected shape.
    const std::string dir = ckpt_.dir().string();
    for (const auto& t : arch_.expected_tensors(layout_)) {
        const auto* e = ckpt_.find(t.name);
        if (!e) {
            if (t.required) throw_input(dir, t.name, "tensor not found (required by config.json)");
            continue;
        }
        if (e->info->shape != t.shape) {
            auto fmt_shape = [](const std::vector<std::int64_t>& s) {
                std::string out = "[";
                for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
                return out + "]";
            };
            throw_input(dir, t.name,
                        fmt::format("shape {} but config.json implies {}", fmt_shape(e->info->shape),
                                    fmt_shape(t.shape)));
        }
    }
    if (!options_.layer_devices.empty() && options_.layer_devices.size() != arch_.layers.size())
        throw std::invalid_argument(fmt::format("WeightStore: {} layer devices for {} layers",
                                                options_.layer_devices.size(), arch_.layers.size()));
    embed_ = load("model.embed_tokens.weight", options_.dtype);
    norm_ = load("model.norm.weight", options_.dtype, output_device());
    if (ckpt_.contains("lm_head.weight")) head_ = load("lm_head.weight", options_.dtype, output_device());
    else if (arch_.tie_word_embeddings) head_ = embed_.to(output_device());
    else throw_input(dir, "lm_head.weight", "tensor not found and tie_word_embeddings is false");
}

WeightStore::~WeightStore() = default;

std::vector<torch::Device> place_layers(std::int64_t n_layers, const std::vector<torch::Device>& devices) {
    std::vector<torch::Device> out;
    if (devices.size() < 2 || n_layers <= 0) return out;
    const auto n = static_cast<std::int64_t>(devices.size());
    for (std::int64_t i = 0; i < n_layers; ++i) out.push_back(devices[static_cast<std::size_t>(i * n / n_layers)]);
    return out;
}

torch::Device WeightStore::device_of(int index) const {
    if (options_.layer_devices.empty() || index < 0 || static_cast<std::size_t>(index) >= options_.layer_devices.size())
        return options_.device;
    return options_.layer_devices[static_cast<std::size_t>(index)];
}

torch::Device WeightStore::output_device() const {
    return arch_.num_hidden_layers > 0 ? device_of(static_cast<int>(arch_.num_hidden_layers - 1)) : options_.device;
}

torch::Tensor WeightStore::load(std::string_view name, torch::Dtype dtype) const {
    return load(name, dtype, options_.device);
}

torch::Tensor WeightStore::load(std::string_view name, torch::Dtype dtype, torch::Device device) const {
    const auto& e = require(ckpt_, name);
    torch::Tensor t = is_fp8(e.info->dtype) ? load_fp8_on_device(ckpt_, name, dtype, device)
                                            : load_tensor(ckpt_, name, dtype, device);
    if (options_.streaming) {  // t is an owning copy
        drop_mapped_pages(ckpt_, name);
        if (is_fp8(e.info->dtype)) drop_mapped_pages(ckpt_, scale_inv_name(name));
    }
    return t;
}

void WeightStore::add(LayerWeights& lw, const std::string& key, const std::string& name, torch::Dtype dtype,
                      bool optional) const {
    if (optional && !ckpt_.contains(name)) return;
    lw.tensors[key] = load(name, dtype, lw.device);
}

LayerWeights WeightStore::load_layer(int index) const {
    if (index < 0 || static_cast<std::size_t>(index) >= arch_.layers.size())
        throw std::out_of_range(fmt::format("WeightStore: no layer {}", index));
    const LayerSpec& spec = arch_.layers[static_cast<std::size_t>(index)];
    const auto dt = options_.dtype;
    const std::string p = arch_.layer_prefix(index);
    LayerWeights lw;
    lw.layer = index;
    lw.device = device_of(index);

    add(lw, "input_layernorm", p + "input_layernorm.weight", dt, false);
    add(lw, "post_attention_layernorm", p + "post_attention_layernorm.weight", dt, false);

    // Attention: every self_attn tensor, biases where the checkpoint has them.
    const auto& a = arch_.attention;
    const std::string sa = p + "self_attn.";
    auto attn = [&](const std::string& mod, bool with_bias = true) {
        add(lw, "self_attn." + mod, sa + mod + ".weight", dt, false);
        if (with_bias) add(lw, "self_attn." + mod + ".bias", sa + mod + ".bias", dt, true);
    };
    if (a.kind == AttentionKind::Gqa) {
        for (const char* m : {"q_proj", "k_proj", "v_proj", "o_proj"}) attn(m);
        if (a.qk_norm) {
            attn("q_norm", false);
            attn("k_norm", false);
        }
    } else {
        if (a.q_lora_rank > 0) {
            attn("q_a_proj");
            attn("q_a_layernorm", false);
            attn("q_b_proj");
        } else {
            attn("q_proj");
        }
        attn("kv_a_proj_with_mqa");
        attn("kv_a_layernorm", false);
        attn("kv_b_proj");
        attn("o_proj");
        if (arch_.indexer && spec.indexer == IndexerKind::Full) {
            attn("indexer.wq_b", false);
            attn("indexer.wk", false);
            add(lw, "self_attn.indexer.k_norm", sa + "indexer.k_norm.weight", dt, false);
            add(lw, "self_attn.indexer.k_norm.bias", sa + "indexer.k_norm.bias", dt, false);
            add(lw, "self_attn.indexer.weights_proj", sa + "indexer.weights_proj.weight", torch::kFloat32, false);
        }
    }

    if (!spec.is_moe) {
        const std::string m = arch_.mlp_prefix(index);
        for (const char* proj : {"gate_proj", "up_proj", "down_proj"})
            add(lw, std::string("mlp.") + proj, m + proj + ".weight", dt, false);
    } else {
        const bool sigmoid = arch_.router.scoring == Scoring::Sigmoid;
        add(lw, "router", arch_.router_weight(index, layout_), sigmoid ? torch::kFloat32 : dt, false);
        if (arch_.router.correction_bias) add(lw, "router.bias", arch_.router_bias(index), torch::kFloat32, false);
        const auto E = arch_.router.n_experts;
        lw.experts.resize(static_cast<std::size_t>(E));
        if (layout_ == ExpertLayout::Fused) {
            add(lw, "experts.gate_up_proj", arch_.fused_expert_weight(index, 0), dt, false);
            add(lw, "experts.down_proj", arch_.fused_expert_weight(index, 1), dt, false);
            const auto& gu = lw.tensors["experts.gate_up_proj"];
            const auto& dn = lw.tensors["experts.down_proj"];
            const std::int64_t I = gu.size(1) / 2;
            for (std::int64_t e = 0; e < E; ++e) {
                auto& x = lw.experts[static_cast<std::size_t>(e)];
                x.gate = gu[e].narrow(0, 0, I);
                x.up = gu[e].narrow(0, I, I);
                x.down = dn[e];
            }
        } else {
            for (std::int64_t e = 0; e < E; ++e) {
                auto& x = lw.experts[static_cast<std::size_t>(e)];
                x.gate = load(arch_.expert_weight(index, static_cast<int>(e), 0), dt, lw.device);
                x.up = load(arch_.expert_weight(index, static_cast<int>(e), 1), dt, lw.device);
                x.down = load(arch_.expert_weight(index, static_cast<int>(e), 2), dt, lw.device);
            }
        }
        if (arch_.n_shared_experts > 0 || arch_.shared_intermediate_size > 0) {
            const std::string sp =
                arch_.mlp_prefix(index, layout_) + (arch_.shared_expert_gate ? "shared_expert." : "shared_experts.");
            for (const char* proj : {"gate_proj", "up_proj", "down_proj"})
                add(lw, std::string("shared.") + proj, sp + proj + ".weight", dt, false);
            if (arch_.shared_expert_gate)
                add(lw, "shared_gate", arch_.mlp_prefix(index, layout_) + "shared_expert_gate.weight", dt, false);
        }
    }

    if (spec.is_mtp) {
        add(lw, "enorm", p + "enorm.weight", dt, false);
        add(lw, "hnorm", p + "hnorm.weight", dt, false);
        add(lw, "eh_proj", p + "eh_proj.weight", dt, false);
        add(lw, "shared_head.norm", p + "shared_head.norm.weight", dt, false);
        add(lw, "shared_head.head", p + "shared_head.head.weight", dt, true);
        add(lw, "embed_tokens", p + "embed_tokens.weight", dt, true);
    }
    return lw;
}

const LayerWeights& WeightStore::layer(int index) {
    if (auto it = layers_.find(index); it != layers_.end()) return *it->second;
    if (options_.streaming) layers_.clear();
    auto lw = std::make_unique<LayerWeights>(load_layer(index));
    if (options_.streaming) drop_layer_pages(ckpt_, arch_.layer_prefix(index));
    ++loads_;
    const auto* ptr = lw.get();
    layers_[index] = std::move(lw);
    peak_layers_ = std::max(peak_layers_, resident_layers());
    peak_bytes_ = std::max(peak_bytes_, resident_bytes());
    return *ptr;
}

void WeightStore::release(int index, bool force) {
    if (options_.streaming || force) layers_.erase(index);
}

void WeightStore::release_all() { layers_.clear(); }

int WeightStore::resident_layers() const { return static_cast<int>(layers_.size()); }

std::int64_t WeightStore::resident_bytes() const {
    std::int64_t n = 0;
    for (const auto& [i, lw] : layers_) n += lw->bytes();
    return n;
}

} // namespace moecut::engine

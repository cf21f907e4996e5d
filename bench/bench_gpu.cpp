// The MoE runtime on a CUDA device: forward tokens/s (fp32 and bf16) and
// cached generation new-tokens/s at several batch sizes, on a GLM-5.2-shaped
// model scaled down to fit a benchmark (MLA with GLM-5.2's head sizes, the DSA
// indexer, sigmoid routing with a shared expert). Not a test: run by hand on a
// GPU machine (scripts/gpu-check.sh runs it), figures in bench/README.md.
//
//   bench_gpu [--model-dir DIR] [--experts 32] [--hidden 2048] [--layers 3] [--reps 5] [--cpu]
//
// The model is written once to --model-dir (BF16 weights, uniform with the
// spread of N(0, 0.02)) and reused, so other benchmarks (bench_saliency
// --model DIR --device cuda) can run on the same one. Times are the median of
// --reps after a warm-up, with the device synchronised around each region.
// --cpu adds the same forward on the CPU (one rep) for scale.
#include "moecut/arch.h"
#include "moecut/engine/generate.h"
#include "moecut/engine/model.h"
#include "moecut/safetensors_writer.h"
#include "moecut/tiny_checkpoint.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>
#include <torch/types.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

using namespace moecut;
using namespace moecut::engine;
namespace fs = std::filesystem;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

void sync(const torch::Device& d) {
    if (d.is_cuda()) torch::cuda::synchronize();
}

struct Shape {
    int experts = 32, hidden = 2048, layers = 3;
};

// GLM-5.2's config with fewer layers, experts and a narrower hidden size; the
// attention head sizes (qk_nope 192, rope 64, v 256, kv_lora 512) are GLM-5.2's.
nlohmann::json bench_config(const Shape& s) {
    auto c = glm52_config();
    c["hidden_size"] = s.hidden;
    c["num_hidden_layers"] = s.layers;
    c["num_nextn_predict_layers"] = 0;
    c["n_routed_experts"] = s.experts;
    c["num_experts_per_tok"] = 8;
    c["n_group"] = 1;
    c["topk_group"] = 1;
    c["moe_intermediate_size"] = s.hidden / 2;
    c["intermediate_size"] = s.hidden * 2;
    c["num_attention_heads"] = 16;
    c["num_key_value_heads"] = 16;
    c["q_lora_rank"] = s.hidden / 2;
    c["vocab_size"] = 32768;
    c["first_k_dense_replace"] = 1;
    nlohmann::json mlp = nlohmann::json::array(), idx = nlohmann::json::array();
    for (int i = 0; i < s.layers; ++i) {
        mlp.push_back(i == 0 ? "dense" : "sparse");
        idx.push_back(i < 2 || i % 2 == 1 ? "full" : "shared");
    }
    c["mlp_layer_types"] = mlp;
    c["indexer_types"] = idx;
    return c;
}

std::uint16_t to_bf16(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    return static_cast<std::uint16_t>((u + 0x7fff + ((u >> 16) & 1)) >> 16);
}

void write_model(const fs::path& dir, const Shape& s) {
    if (fs::exists(dir / "config.json")) return;
    const auto cfg = bench_config(s);
    const auto arch = ArchDescriptor::from_config(cfg, "config.json");
    const fs::path tmp = dir.string() + ".partial";
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    {
        CheckpointWriter w(tmp);
        std::uint64_t state = 0x9e3779b97f4a7c15ull;
        std::vector<std::uint16_t> v;
        for (const auto& t : arch.expected_tensors(ExpertLayout::PerExpert)) {
            if (!t.required) continue;
            std::int64_t n = 1;
            for (auto d : t.shape) n *= d;
            const bool norm = t.shape.size() == 1 && t.name.find("norm") != std::string::npos;
            const float sd = t.role == TensorRole::Router ? 0.1f : 0.02f;
            const float half_width = sd * std::sqrt(3.0f);  // uniform with standard deviation sd
            v.resize(static_cast<std::size_t>(n));
            for (auto& x : v) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                const float u = static_cast<float>(state >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f;
                x = to_bf16(norm ? 1.0f : u * half_width);
            }
            w.add_bytes(t.name, DType::BF16, t.shape, std::as_bytes(std::span<const std::uint16_t>(v)));
        }
        w.finish();
    }
    std::ofstream(tmp / "config.json") << cfg.dump(2);
    fs::rename(tmp, dir);
}

template <class F>
double median_seconds(const torch::Device& d, int reps, F&& f) {
    f();  // warm-up
    sync(d);
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        const double t0 = now();
        f();
        sync(d);
        t.push_back(now() - t0);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

void forward_rows(Model& model, const torch::Device& d, const char* label, int reps) {
    const auto vocab = model.arch().vocab_size;
    for (auto [B, T] : {std::pair<std::int64_t, std::int64_t>{1, 512}, {8, 512}, {32, 512}}) {
        auto ids = torch::randint(4, vocab, {B, T}, torch::kLong).to(d);
        torch::NoGradGuard ng;
        const double dt = median_seconds(d, reps, [&] { (void)model.forward(ids); });
        fmt::print("| forward {:5} {:>6} | B={:<3} T={} | {:10.0f} tokens/s | {:8.2f} ms |\n", label, d.str(), B, T,
                   static_cast<double>(B * T) / dt, dt * 1e3);
    }
}

void generate_rows(Model& model, const torch::Device& d, int reps) {
    const auto vocab = model.arch().vocab_size;
    const std::int64_t prompt = 64, steps = 64;
    for (std::int64_t B : {1, 16, 64}) {
        std::vector<std::vector<std::int64_t>> prompts;
        for (std::int64_t b = 0; b < B; ++b) {
            auto t = torch::randint(4, vocab, {prompt - (b % 8)}, torch::kLong);
            prompts.emplace_back(t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + t.numel());
        }
        GenerateOptions go;
        go.max_new_tokens = steps;
        std::int64_t n = 0;
        const double dt = median_seconds(d, std::max(1, reps / 2), [&] {
            auto out = generate(model, prompts, go);
            n = 0;
            for (const auto& s : out) n += static_cast<std::int64_t>(s.tokens.size());
        });
        fmt::print("| generate bf16 {:>6} | B={:<3} prompt<={} new={} | {:10.1f} new tokens/s | {:8.2f} ms/step |\n",
                   d.str(), B, prompt, steps, static_cast<double>(n) / dt, dt * 1e3 / static_cast<double>(steps));
    }
}

} // namespace

int main(int argc, char** argv) {
    Shape s;
    fs::path dir = "bench-gpu-model";
    int reps = 5;
    bool cpu = false;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (k == "--model-dir") dir = next();
        else if (k == "--experts") s.experts = std::stoi(next());
        else if (k == "--hidden") s.hidden = std::stoi(next());
        else if (k == "--layers") s.layers = std::stoi(next());
        else if (k == "--reps") reps = std::stoi(next());
        else if (k == "--cpu") cpu = true;
        else {
            fmt::print(stderr, "bench_gpu: unknown option {}\n", k);
            return 2;
        }
    }
    const double t0 = now();
    write_model(dir, s);
    fmt::print("model {}: GLM-5.2 shape, hidden {}, {} layers, {} experts top-8 ({:.1f} s to write)\n", dir.string(),
               s.hidden, s.layers, s.experts, now() - t0);
    if (!torch::cuda::is_available()) {
        fmt::print("no CUDA device: nothing measured\n");
        return 0;
    }
    const torch::Device gpu(torch::kCUDA, 0);
    torch::manual_seed(3);
    fmt::print("| what | shape | throughput | time |\n|---|---|---|---|\n");
    for (auto dtype : {torch::kFloat32, torch::kBFloat16}) {
        ModelOptions mo;
        mo.device = gpu;
        mo.dtype = dtype;
        auto model = Model::open(dir, mo);
        forward_rows(model, gpu, dtype == torch::kFloat32 ? "fp32" : "bf16", reps);
        if (dtype == torch::kBFloat16) generate_rows(model, gpu, reps);
    }
    if (cpu) {
        auto model = Model::open(dir);
        auto ids = torch::randint(4, model.arch().vocab_size, {1, 512}, torch::kLong);
        torch::NoGradGuard ng;
        const double dt = median_seconds(torch::kCPU, 1, [&] { (void)model.forward(ids); });
        fmt::print("| forward fp32    cpu | B=1   T=512 | {:10.0f} tokens/s | {:8.2f} ms |\n", 512.0 / dt, dt * 1e3);
    }
    return 0;
}

// The MoE runtime on the CPU: forward tokens/s, generation tokens/s with and
// without the KV cache, and peak memory of layer streaming versus a full load
// as depth grows. Not a test: run by hand, figures in bench/README.md.
//
//   bench_runtime [--quick]
//
// Models are GLM-5-layout (MLA, DSA indexer, sigmoid-routed MoE with a shared
// expert) written here with random weights: hidden 128, 16 experts of width
// 128, top-4, vocab 2048, at several depths. Memory is measured in a fresh
// child process per case (this binary re-run with --rss-child): VmHWM from
// /proc/self/status over the whole run, and over the measured forward alone
// (VmHWM reset through /proc/self/clear_refs after a warm-up forward).
#include "moecut/arch.h"
#include "moecut/engine/generate.h"
#include "moecut/safetensors_writer.h"
#include "moecut/tiny_checkpoint.h"

#include <ATen/Parallel.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <span>
#include <string>

#include <unistd.h>

using namespace moecut;
using namespace moecut::engine;
namespace fs = std::filesystem;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

nlohmann::json bench_config(int layers) {
    auto c = tiny_config(Family::GlmMoeDsa);
    c["hidden_size"] = 128;
    c["vocab_size"] = 2048;
    c["intermediate_size"] = 256;
    c["moe_intermediate_size"] = 128;
    c["num_hidden_layers"] = layers;
    c["num_nextn_predict_layers"] = 0;
    nlohmann::json mlp = nlohmann::json::array(), idx = nlohmann::json::array();
    for (int i = 0; i < layers; ++i) {
        mlp.push_back(i == 0 ? "dense" : "sparse");
        idx.push_back(i < 2 || i % 2 == 1 ? "full" : "shared");
    }
    c["mlp_layer_types"] = mlp;
    c["indexer_types"] = idx;
    return c;
}

// config.json + model.safetensors with N(0, 0.02) weights (norms 1, routers 0.1).
void write_model(const fs::path& dir, int layers) {
    if (fs::exists(dir / "model.safetensors")) return;
    fs::create_directories(dir);
    const auto cfg = bench_config(layers);
    std::ofstream(dir / "config.json") << cfg.dump(2);
    const auto arch = ArchDescriptor::from_config(cfg, "config.json");
    WriterOptions wo;
    wo.max_shard_bytes = 1ull << 40;
    CheckpointWriter w(dir, wo);
    std::mt19937 rng(7);
    for (const auto& t : arch.expected_tensors(ExpertLayout::PerExpert)) {
        if (!t.required) continue;
        std::int64_t n = 1;
        for (auto d : t.shape) n *= d;
        const bool norm = t.shape.size() == 1 && t.name.find("norm") != std::string::npos;
        const float sd = t.role == TensorRole::Router ? 0.1f : 0.02f;
        std::normal_distribution<float> nd(norm ? 1.0f : 0.0f, norm ? 0.05f : sd);
        std::vector<float> v(static_cast<std::size_t>(n));
        for (auto& x : v) x = nd(rng);
        w.add_bytes(t.name, DType::F32, t.shape, std::as_bytes(std::span<const float>(v)));
    }
    w.finish();
}

long status_kb(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string k = std::string(key) + ":";
    while (std::getline(in, line))
        if (line.rfind(k, 0) == 0) return std::stol(line.substr(k.size()));
    return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0); false where not allowed.
bool reset_hwm() {
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
    f.flush();
    return static_cast<bool>(f);
}

// Child: open (streaming or not), a warm-up forward of 1 x 8 tokens (resident
// mode loads every layer; both touch the code and allocator pages every
// forward needs), then the measured forward of B x T with VmHWM reset before
// it. Prints JSON.
int rss_child(const std::string& mode, const fs::path& dir, std::int64_t B, std::int64_t T) {
    at::set_num_threads(1);
    auto warm = torch::ones({8, 8}).matmul(torch::ones({8, 8}));
    (void)warm;
    const long start = status_kb("VmRSS");
    ModelOptions mo;
    mo.streaming = mode == "stream";
    auto model = Model::open(dir, mo);
    torch::manual_seed(1);
    model.forward(torch::randint(4, model.arch().vocab_size, {1, 8}, torch::kLong));
    const long before = status_kb("VmRSS"), before_anon = status_kb("RssAnon"), before_file = status_kb("RssFile");
    const long hwm_warm = status_kb("VmHWM");
    const bool reset = reset_hwm();
    auto ids = torch::randint(4, model.arch().vocab_size, {B, T}, torch::kLong);
    auto out = model.forward(ids);
    const long hwm = status_kb("VmHWM");
    const auto& ws = model.weights();
    nlohmann::json j = {{"start_kb", start},
                        {"before_forward_kb", before},
                        {"before_forward_anon_kb", before_anon},
                        {"before_forward_file_kb", before_file},
                        {"hwm_total_kb", std::max(hwm, hwm_warm)},
                        {"hwm_forward_kb", reset ? hwm : -1},
                        {"peak_layer_bytes", ws.peak_bytes()},
                        {"file_bytes", static_cast<std::int64_t>(fs::file_size(dir / "model.safetensors"))},
                        {"logit", out.logits.sum().item<double>()}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
}

nlohmann::json run_child(const std::string& mode, const fs::path& dir, std::int64_t B, std::int64_t T) {
    const std::string cmd = fmt::format("/proc/{}/exe --rss-child {} '{}' {} {}", getpid(), mode, dir.string(), B, T);
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    while (p && fgets(buf, sizeof buf, p)) out += buf;
    if (!p || pclose(p) != 0) throw std::runtime_error("child failed: " + cmd);
    return nlohmann::json::parse(out);
}

void throughput(const fs::path& dir, bool quick) {
    auto model = Model::open(dir);
    torch::manual_seed(2);
    for (std::int64_t B : {1, 4}) {
        const std::int64_t T = 128;
        auto ids = torch::randint(4, 2048, {B, T}, torch::kLong);
        model.forward(ids);  // warm-up
        const int reps = quick ? 1 : 3;
        const double t0 = now();
        for (int r = 0; r < reps; ++r) model.forward(ids);
        const double dt = (now() - t0) / reps;
        fmt::print("forward      B={} T={}: {:8.0f} tokens/s ({:.3f} s)\n", B, T, static_cast<double>(B * T) / dt, dt);
    }
    const std::int64_t prompt = 128, steps = quick ? 16 : 32;
    for (std::int64_t B : {1, 4}) {
        std::vector<std::vector<std::int64_t>> prompts;
        for (std::int64_t b = 0; b < B; ++b) {
            auto t = torch::randint(4, 2048, {prompt - b}, torch::kLong);  // different lengths: left padding
            prompts.emplace_back(t.data_ptr<std::int64_t>(), t.data_ptr<std::int64_t>() + t.numel());
        }
        for (bool cached : {true, false}) {
            GenerateOptions go;
            go.max_new_tokens = steps;
            go.use_cache = cached;
            double dt = 1e30;
            std::vector<GeneratedSequence> out;
            for (int r = 0; r < (cached ? 2 : 1); ++r) {  // best of 2 where cheap: the machine is shared
                const double t0 = now();
                out = generate(model, prompts, go);
                dt = std::min(dt, now() - t0);
            }
            std::int64_t n = 0;
            for (const auto& s : out) n += static_cast<std::int64_t>(s.tokens.size());
            fmt::print("generate     B={} prompt<={} new={} {:8}: {:8.1f} new tokens/s ({:.2f} s)\n", B, prompt, steps,
                       cached ? "cached" : "uncached", static_cast<double>(n) / dt, dt);
        }
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc >= 6 && std::string(argv[1]) == "--rss-child")
        return rss_child(argv[2], argv[3], std::stoll(argv[4]), std::stoll(argv[5]));
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    at::set_num_threads(1);
    const fs::path root = fs::temp_directory_path() / "moecut_bench_runtime";
    auto loadavg = [] {
        std::ifstream in("/proc/loadavg");
        std::string a, b, c;
        in >> a >> b >> c;
        return a + " " + b + " " + c;
    };
    fmt::print("torch threads: 1; models in {}; load average {}\n", root.string(), loadavg());

    write_model(root / "d12", 12);
    fmt::print("\n## Throughput (12 layers)\n");
    throughput(root / "d12", quick);

    fmt::print("\n## Peak RSS, one forward of B=4 x T=256 (a fresh process per row)\n");
    fmt::print("{:>6} {:>7} {:>10} {:>10} {:>8} {:>14} {:>16} {:>14}\n", "layers", "mode", "weights MB", "layer MB",
               "weights/", "whole run MB", "forward peak MB", "budget MB");
    for (int depth : quick ? std::vector<int>{12, 24} : std::vector<int>{12, 24, 48}) {
        const auto dir = root / fmt::format("d{}", depth);
        write_model(dir, depth);
        const auto full = run_child("full", dir, 4, 256);
        const auto stream = run_child("stream", dir, 4, 256);
        const double layer = stream["peak_layer_bytes"].get<double>() / 1e6;
        const double weights = full["file_bytes"].get<double>() / 1e6;
        auto mb = [](const nlohmann::json& j, const char* a, const char* b) {
            return (j[a].get<double>() - j[b].get<double>()) / 1e3;
        };
        // Activations: the resident model's forward peak (weights already loaded).
        const double act = mb(full, "hwm_forward_kb", "before_forward_kb");
        const double budget = 1.5 * layer + act;
        for (const auto* j : {&full, &stream}) {
            const bool s = j == &stream;
            const double fwd = mb(*j, "hwm_forward_kb", "before_forward_kb");
            fmt::print("{:>6} {:>7} {:>10.1f} {:>10.2f} {:>8.1f} {:>14.1f} {:>16.1f} {:>14}\n", depth,
                       s ? "stream" : "full", weights, layer, weights / layer, mb(*j, "hwm_total_kb", "start_kb"), fwd,
                       s ? fmt::format("{:.1f}{}", budget, fwd <= budget ? " ok" : " OVER") : "");
        }
        if (full["logit"] != stream["logit"]) fmt::print("  (streaming and full logits differ!)\n");
    }
    fmt::print("\nload average at the end: {}\n", loadavg());
    fmt::print("\nwhole run: peak RSS minus RSS before the model is opened (includes the mapped file pages\n"
               "the loads touch and LibTorch code pages first used); forward peak: VmHWM of the measured forward\n"
               "minus RSS before it; budget = 1.5 x largest layer + activations (the resident model's forward peak)\n");
    return 0;
}

// bench_gguf_quant: quantisation throughput per ggml type, MB/s of float32
// input, on the same random rows: moecut's quantize_row on one thread and
// quantize_rows_parallel on N; ggml's reference quantizer (quantize_row_*_ref
// from a llama.cpp build's libggml-base, dlopen'ed) on one thread and
// ggml_quantize_chunk on N threads over row ranges (as llama-quantize splits
// work); and the CUDA kernels (moecut_kernels) when a device is present, the
// kernel timed with cudaEvents and the transfers reported apart. Every
// output is compared with moecut's single-threaded bytes ("same" column).
//
// Usage: bench_gguf_quant [--ggml PATH/libggml-base.so] [--mb N] [--row N] [--threads N]
//                         [--types q8_0,q4_0,...] [--min-s S]
// --ggml defaults to $MOECUT_GGML_LIB; without it (or when it does not
// load) the ggml columns are skipped with a message.
#include "moecut/gguf.h"
#include "moecut/gguf_export.h"
#include "moecut/gguf_quants.h"
#include "moecut/kernels/gguf_quantize.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <dlfcn.h>

using namespace moecut;

namespace {

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Best time of one call over repeats lasting at least min_s (at least 2 calls).
double best_time(const std::function<void()>& f, double min_s) {
    double best = 1e300, total = 0;
    for (int i = 0; i < 2 || total < min_s; ++i) {
        const double t0 = now_s();
        f();
        const double dt = now_s() - t0;
        best = std::min(best, dt);
        total += dt;
    }
    return best;
}

using RowRef = void (*)(const float*, void*, std::int64_t);
using QuantizeChunk = std::size_t (*)(int, const float*, void*, std::int64_t, std::int64_t, std::int64_t, const float*);

struct Ggml {
    void* lib = nullptr;
    QuantizeChunk chunk = nullptr;
    RowRef row_ref(GgmlType t) const {
        if (!lib) return nullptr;
        // ggml's spelling: quantize_row_q8_0_ref, quantize_row_q4_K_ref.
        std::string n(ggml_type_name(t));
        for (char& c : n) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (n.size() == 4 && n[3] == 'k') n[3] = 'K';
        return reinterpret_cast<RowRef>(dlsym(lib, ("quantize_row_" + n + "_ref").c_str()));
    }
};

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

} // namespace

int main(int argc, char** argv) {
    std::string ggml_path = std::getenv("MOECUT_GGML_LIB") ? std::getenv("MOECUT_GGML_LIB") : "";
    std::string types_arg = "q8_0,q4_0,q2_k,q3_k,q4_k,q5_k,q6_k";
    double mb = 32, min_s = 0.5;
    std::int64_t row = 4096;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--ggml") ggml_path = v;
        else if (k == "--mb") mb = std::stod(v);
        else if (k == "--row") row = std::stoll(v);
        else if (k == "--threads") threads = std::stoi(v);
        else if (k == "--types") types_arg = v;
        else if (k == "--min-s") min_s = std::stod(v);
        else {
            fmt::print(stderr, "unknown option {}\n", k);
            return 2;
        }
    }
    const std::int64_t rows = std::max<std::int64_t>(1, static_cast<std::int64_t>(mb * 1024 * 1024 / 4) / row);
    const std::int64_t n = rows * row;
    const double in_mb = static_cast<double>(n) * 4 / (1024.0 * 1024.0);

    Ggml ggml;
    if (ggml_path.empty()) fmt::print("ggml: no library given (--ggml or MOECUT_GGML_LIB); ggml columns skipped\n");
    else if (!(ggml.lib = dlopen(ggml_path.c_str(), RTLD_NOW | RTLD_LOCAL)))
        fmt::print("ggml: cannot load {} ({}); ggml columns skipped\n", ggml_path, dlerror());
    else {
        ggml.chunk = reinterpret_cast<QuantizeChunk>(dlsym(ggml.lib, "ggml_quantize_chunk"));
        fmt::print("ggml: {}\n", ggml_path);
    }
    const bool cuda = kernels::gguf_quantize_cuda_available();
    fmt::print("input: {} rows x {} = {:.1f} MB float32 (gaussian, sigma 0.02, outliers); {} threads; CUDA: {}\n\n", rows, row,
               in_mb, threads, cuda ? "yes" : (kernels::gguf_quantize_cuda_built() ? "built, no device" : "not built"));

    std::vector<float> x(static_cast<std::size_t>(n));
    std::mt19937 rng(42);
    std::normal_distribution<float> g(0.0f, 0.02f);
    for (float& v : x) v = g(rng);
    for (std::size_t i = 0; i < x.size(); i += 1009) x[i] = 0.3f;

    fmt::print("| type | moecut 1 thread | moecut {} threads | ggml ref 1 thread | ggml chunk {} threads | CUDA kernel | CUDA "
               "upload + download | same bytes |\n",
               threads, threads);
    fmt::print("|---|---|---|---|---|---|---|---|\n");
    auto mbs = [&](double s) { return fmt::format("{:.0f} MB/s", in_mb / s); };
    int mismatches = 0;
    for (const std::string& name : split(types_arg)) {
        const auto t = ggml_type_from_name(name);
        if (!t || !ggml_can_quantize(*t) || row % ggml_type_traits(*t).block_size != 0) {
            fmt::print(stderr, "skipping type {}\n", name);
            continue;
        }
        const std::size_t bytes = ggml_nbytes(*t, std::vector<std::int64_t>{n});
        std::vector<std::byte> want(bytes), got(bytes);
        std::string same = "yes";
        auto compare = [&](const char* who) {
            if (got != want) {
                same = fmt::format("NO ({})", who);
                ++mismatches;
            }
        };
        const double t1 = best_time([&] { quantize_row(*t, x.data(), n, want.data()); }, min_s);
        const double tn = best_time([&] { quantize_rows_parallel(*t, x.data(), n, row, got.data(), threads); }, min_s);
        compare("moecut threads");
        std::string g1 = "-", gn = "-", ck = "-", xfer = "-";
        if (RowRef f = ggml.row_ref(*t)) {
            std::fill(got.begin(), got.end(), std::byte{0});
            g1 = mbs(best_time([&] { f(x.data(), got.data(), n); }, min_s));
            compare("ggml ref");
        }
        if (ggml.chunk) {
            std::fill(got.begin(), got.end(), std::byte{0});
            const std::size_t row_bytes = bytes / static_cast<std::size_t>(rows);
            gn = mbs(best_time(
                [&] {
                    std::vector<std::jthread> pool;
                    const std::int64_t per = (rows + threads - 1) / threads;
                    for (int p = 0; p < threads; ++p) {
                        const std::int64_t r0 = p * per, r1 = std::min(rows, r0 + per);
                        if (r0 >= r1) break;
                        pool.emplace_back([&, r0, r1] {
                            ggml.chunk(static_cast<int>(*t), x.data() + r0 * row, got.data() + static_cast<std::size_t>(r0) * row_bytes,
                                       0, r1 - r0, row, nullptr);
                        });
                    }
                },
                min_s));
            compare("ggml chunk");
        }
        if (cuda && kernels::gguf_quant_supported(static_cast<int>(*t))) {
            const auto kt = static_cast<kernels::GgufQuantType>(static_cast<int>(*t));
            auto* out = reinterpret_cast<std::uint8_t*>(got.data());
            kernels::gguf_quantize_cuda_host(kt, x.data(), n, out);  // warm-up: allocation, module load
            double best_k = 1e300, best_x = 1e300;
            for (int i = 0; i < 5; ++i) {
                kernels::GgufCudaTimings tm;
                std::fill(got.begin(), got.end(), std::byte{0});
                kernels::gguf_quantize_cuda_host(kt, x.data(), n, out, &tm);
                best_k = std::min(best_k, tm.kernel_ms);
                best_x = std::min(best_x, tm.upload_ms + tm.download_ms);
                compare("CUDA");
            }
            ck = mbs(best_k / 1000);
            xfer = fmt::format("{:.1f} ms", best_x);
        }
        fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} |\n", ggml_type_name(*t), mbs(t1), mbs(tn), g1, gn, ck, xfer, same);
    }
    if (mismatches) fmt::print(stderr, "{} outputs differ from moecut's single-threaded bytes\n", mismatches);
    return mismatches ? 1 : 0;
}

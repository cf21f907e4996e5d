// bench_gguf_quant_cuda: the GGUF quantisation CUDA kernels against their CPU
// twin (moecut_kernels only: no moecut_core, fmt or gtest), so it also builds
// on a bare CUDA machine with one command from the repository root:
//   nvcc -O2 -std=c++17 -arch=sm_90 -fmad=false -prec-div=true -prec-sqrt=true -ftz=false
//     -Ikernels/include kernels/src/gguf_quantize.cu kernels/src/gguf_quantize_cpu.cpp
//     bench/bench_gguf_quant_cuda.cpp -o bench_gguf_quant_cuda
// First checks byte equality on adversarial data of several shapes (exit 1
// on any difference), then times each type: CPU twin on one thread, the
// kernel alone (cudaEvents), and the transfers apart. MB/s of float32 input.
//
// Usage: bench_gguf_quant_cuda [--mb N] [--types q8_0,q4_0,q2_k,q3_k,q4_k,q5_k,q6_k] [--min-s S]
#include "moecut/kernels/gguf_quantize.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace moecut::kernels;

namespace {

struct TypeName {
    const char* name;
    GgufQuantType type;
};
constexpr TypeName kTypes[] = {{"q8_0", GgufQuantType::Q8_0}, {"q4_0", GgufQuantType::Q4_0}, {"q2_k", GgufQuantType::Q2_K},
                               {"q3_k", GgufQuantType::Q3_K}, {"q4_k", GgufQuantType::Q4_K}, {"q5_k", GgufQuantType::Q5_K},
                               {"q6_k", GgufQuantType::Q6_K}};

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Every 16 values one of: gaussian of a random scale (2^-16..2^7), zeros, a
// constant, all positive, all negative, below the 1e-15 group threshold,
// denormals, a spike over small values.
std::vector<float> adversarial(std::uint32_t seed, std::int64_t n) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> g(0.0f, 1.0f);
    std::vector<float> x(static_cast<std::size_t>(n));
    for (std::int64_t s = 0; s < n; s += 16) {
        const int kind = static_cast<int>(rng() % 12);
        const float scale = std::ldexp(1.0f, static_cast<int>(rng() % 24) - 16);
        for (std::int64_t i = s; i < std::min(n, s + 16); ++i) {
            float v = g(rng) * scale;
            if (kind == 0) v = 0.0f;
            else if (kind == 1) v = 0.25f;
            else if (kind == 2) v = std::fabs(v);
            else if (kind == 3) v = -std::fabs(v);
            else if (kind == 4) v = g(rng) * 1e-17f;
            else if (kind == 5) v = g(rng) * 1e-39f;
            else if (kind == 6) v = i == s + 3 ? 1000.0f : v * 1e-3f;
            x[static_cast<std::size_t>(i)] = v;
        }
    }
    return x;
}

} // namespace

int main(int argc, char** argv) {
    double mb = 128, min_s = 0.5;
    std::string only;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--mb") mb = std::stod(v);
        else if (k == "--types") only = "," + v + ",";
        else if (k == "--min-s") min_s = std::stod(v);
        else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            return 2;
        }
    }
    if (!gguf_quantize_cuda_available()) {
        std::printf("no CUDA device (built: %s); nothing to measure\n", gguf_quantize_cuda_built() ? "yes" : "no");
        return 0;
    }
    int bad = 0;
    // 1. Byte equality, several shapes (block counts around the 32-block staging groups).
    const std::int64_t shapes[][2] = {{1, 256}, {31, 256}, {33, 256}, {64, 4096}, {3, 7168}, {1024, 4096}, {96, 7168 * 4}};
    std::uint32_t seed = 1;
    for (const TypeName& t : kTypes) {
        if (!only.empty() && only.find("," + std::string(t.name) + ",") == std::string::npos) continue;
        for (const auto& s : shapes) {
            const std::vector<float> x = adversarial(++seed, s[0] * s[1]);
            const std::size_t bytes = gguf_quant_nbytes(t.type, s[0] * s[1]);
            std::vector<std::uint8_t> want(bytes, 0xAB), got(bytes, 0xCD);
            gguf_quantize_cpu(t.type, x.data(), s[0] * s[1], want.data());
            gguf_quantize_cuda_host(t.type, x.data(), s[0] * s[1], got.data());
            std::size_t diff = 0, first = bytes;
            for (std::size_t i = 0; i < bytes; ++i)
                if (got[i] != want[i]) {
                    if (first == bytes) first = i;
                    ++diff;
                }
            if (diff) {
                ++bad;
                std::printf("MISMATCH %s [%lld, %lld]: %zu of %zu bytes differ, first at %zu (block %zu)\n", t.name,
                            static_cast<long long>(s[0]), static_cast<long long>(s[1]), diff, bytes, first,
                            first / gguf_quant_block_bytes(t.type));
            }
        }
        std::printf("check %s: %s\n", t.name, bad ? "see above" : "same bytes on all shapes");
    }
    // 2. Throughput on gaussian rows (sigma 0.02, outliers), like bench_gguf_quant.
    const std::int64_t n = static_cast<std::int64_t>(mb * 1024 * 1024 / 4) / 4096 * 4096;
    const double in_mb = static_cast<double>(n) * 4 / (1024.0 * 1024.0);
    std::vector<float> x(static_cast<std::size_t>(n));
    std::mt19937 rng(42);
    std::normal_distribution<float> g(0.0f, 0.02f);
    for (float& v : x) v = g(rng);
    for (std::size_t i = 0; i < x.size(); i += 1009) x[i] = 0.3f;
    std::printf("\n%.0f MB float32 input\n| type | CPU twin 1 thread | CUDA kernel | upload | download | kernel + transfers | same bytes |\n"
                "|---|---|---|---|---|---|---|\n",
                in_mb);
    for (const TypeName& t : kTypes) {
        if (!only.empty() && only.find("," + std::string(t.name) + ",") == std::string::npos) continue;
        const std::size_t bytes = gguf_quant_nbytes(t.type, n);
        std::vector<std::uint8_t> want(bytes), got(bytes);
        // CPU twin on a slice (it is slow), scaled to MB/s.
        const std::int64_t slice = std::min<std::int64_t>(n, 4 << 20);
        double cpu_best = 1e300, total = 0;
        for (int i = 0; i < 2 || total < min_s; ++i) {
            const double t0 = now_s();
            gguf_quantize_cpu(t.type, x.data(), slice, want.data());
            const double dt = now_s() - t0;
            cpu_best = std::min(cpu_best, dt);
            total += dt;
        }
        gguf_quantize_cpu(t.type, x.data(), n, want.data());
        gguf_quantize_cuda_host(t.type, x.data(), n, got.data());  // warm-up
        GgufCudaTimings best{1e300, 1e300, 1e300};
        for (int i = 0; i < 5; ++i) {
            GgufCudaTimings tm;
            gguf_quantize_cuda_host(t.type, x.data(), n, got.data(), &tm);
            best.upload_ms = std::min(best.upload_ms, tm.upload_ms);
            best.kernel_ms = std::min(best.kernel_ms, tm.kernel_ms);
            best.download_ms = std::min(best.download_ms, tm.download_ms);
        }
        const bool same = got == want;
        if (!same) ++bad;
        const double slice_mb = static_cast<double>(slice) * 4 / (1024.0 * 1024.0);
        std::printf("| %s | %.0f MB/s | %.0f MB/s | %.1f ms | %.1f ms | %.0f MB/s | %s |\n", t.name, slice_mb / cpu_best,
                    in_mb / (best.kernel_ms / 1000), best.upload_ms, best.download_ms,
                    in_mb / ((best.upload_ms + best.kernel_ms + best.download_ms) / 1000), same ? "yes" : "NO");
    }
    return bad ? 1 : 0;
}

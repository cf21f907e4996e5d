// bench_nvfp4: NVFP4 quantisation throughput (GB/s of float32 input) of the
// CPU quantiser (moecut/nvfp4.h, 1 thread and all threads) and, when a CUDA
// device is present, of the CUDA kernel (device-resident data, kernel time
// only), checking that the CUDA bytes equal the CPU bytes.
//
// Usage: bench_nvfp4 [--rows R] [--cols C] [--reps N] [--threads T]
// Default: a 4096 x 7168 expert matrix (117 MB of float32), best of 5.
#include "moecut/kernels/nvfp4_quantize.h"
#include "moecut/nvfp4.h"

#include <fmt/core.h>

#ifdef MOECUT_HAVE_CUDA_KERNELS
#include <cuda_runtime.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

template <class F>
double best_of(int reps, F&& f) {
    double best = 1e30;
    for (int r = 0; r < reps; ++r) {
        const double t0 = now_s();
        f();
        best = std::min(best, now_s() - t0);
    }
    return best;
}

} // namespace

int main(int argc, char** argv) {
    std::int64_t rows = 4096, cols = 7168;
    int reps = 5, threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--rows") rows = std::stoll(v);
        else if (k == "--cols") cols = std::stoll(v);
        else if (k == "--reps") reps = std::stoi(v);
        else if (k == "--threads") threads = std::stoi(v);
        else {
            fmt::print(stderr, "bench_nvfp4: unknown option {}\n", k);
            return 2;
        }
    }
    if (cols % 16 != 0) {
        fmt::print(stderr, "bench_nvfp4: --cols must be a multiple of 16\n");
        return 2;
    }
    const std::size_t n = static_cast<std::size_t>(rows * cols);
    std::vector<float> w(n);
    std::mt19937 rng(1);
    std::normal_distribution<float> nd(0.0f, 0.02f);
    for (auto& x : w) x = nd(rng);
    const double gb = static_cast<double>(n) * sizeof(float) / 1e9;
    fmt::print("matrix {} x {} ({:.3f} GB float32), best of {}\n", rows, cols, gb, reps);

    const float amax = moecut::nvfp4_amax(w);
    const float g = moecut::nvfp4_global_scale(amax);
    std::vector<std::uint8_t> packed(n / 2), scales(n / 16);
    const double t1 = best_of(reps, [&] { moecut::nvfp4_quantize(w, g, packed, scales, 1); });
    fmt::print("cpu quantise, 1 thread:    {:8.3f} GB/s\n", gb / t1);
    const double tn = best_of(reps, [&] { moecut::nvfp4_quantize(w, g, packed, scales, threads); });
    fmt::print("cpu quantise, {} threads: {:8.3f} GB/s\n", threads, gb / tn);
    const double ta = best_of(reps, [&] { (void)moecut::nvfp4_amax(w); });
    fmt::print("cpu amax, 1 thread:        {:8.3f} GB/s\n", gb / ta);
    {
        std::vector<float> back(n);
        moecut::nvfp4_dequantize(packed, scales, g, back);
        double e2 = 0, n2 = 0;
        for (std::size_t i = 0; i < n; ++i) {
            e2 += (double(w[i]) - back[i]) * (double(w[i]) - back[i]);
            n2 += double(w[i]) * w[i];
        }
        fmt::print("relative RMS error (Gaussian weights): {:.4f}\n", std::sqrt(e2 / n2));
    }

#ifdef MOECUT_HAVE_CUDA_KERNELS
    if (!moecut::kernels::nvfp4_cuda_available()) {
        fmt::print("cuda: no device\n");
        return 0;
    }
    float* dw = nullptr;
    std::uint8_t *dp = nullptr, *ds = nullptr;
    if (cudaMalloc(&dw, n * sizeof(float)) != cudaSuccess || cudaMalloc(&dp, n / 2) != cudaSuccess ||
        cudaMalloc(&ds, n / 16) != cudaSuccess) {
        fmt::print(stderr, "cuda: allocation failed\n");
        return 1;
    }
    cudaMemcpy(dw, w.data(), n * sizeof(float), cudaMemcpyHostToDevice);
    const auto blocks = static_cast<std::int64_t>(n / 16);
    moecut::kernels::nvfp4_quantize_cuda(dw, blocks, g, dp, ds);  // warm-up
    const double tc = best_of(reps, [&] { moecut::kernels::nvfp4_quantize_cuda(dw, blocks, g, dp, ds); });
    const double tca = best_of(reps, [&] { (void)moecut::kernels::nvfp4_amax_cuda(dw, static_cast<std::int64_t>(n)); });
    std::vector<std::uint8_t> gp(n / 2), gs(n / 16);
    cudaMemcpy(gp.data(), dp, n / 2, cudaMemcpyDeviceToHost);
    cudaMemcpy(gs.data(), ds, n / 16, cudaMemcpyDeviceToHost);
    const bool same = gp == packed && gs == scales;
    fmt::print("cuda quantise:             {:8.3f} GB/s  (bytes equal to the CPU's: {})\n", gb / tc, same ? "yes" : "NO");
    fmt::print("cuda amax:                 {:8.3f} GB/s  (equal: {})\n", gb / tca,
               moecut::kernels::nvfp4_amax_cuda(dw, static_cast<std::int64_t>(n)) == amax ? "yes" : "NO");
    cudaFree(dw);
    cudaFree(dp);
    cudaFree(ds);
    return same ? 0 : 1;
#else
    fmt::print("cuda: not built\n");
    return 0;
#endif
}

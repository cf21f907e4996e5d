// accumulate_saliency_cpu against hand-computed values, and the CUDA kernel
// against the CPU twin on generated cases (skipped without a CUDA device).
#include "moecut/kernels/saliency_accumulate.h"

#include <gtest/gtest.h>

#ifdef MOECUT_HAVE_CUDA_KERNELS
#include <cuda_runtime.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace moecut::kernels {
namespace {

struct Case {
    std::int64_t N = 0, K = 0, G = 0, E = 0;
    std::vector<std::int64_t> idx;
    std::vector<float> weight, norm;
    std::vector<std::int32_t> group;
};

struct Sums {
    std::vector<double> count, gate, reap, norm, max;
    explicit Sums(std::size_t n) : count(n), gate(n), reap(n), norm(n), max(n) {}
    SaliencyAccumView view(std::int64_t G, std::int64_t E) {
        return {count.data(), gate.data(), reap.data(), norm.data(), max.data(), G, E};
    }
};

RoutingTapsView view(const Case& c) {
    return {c.idx.data(), c.weight.data(), c.norm.data(), c.group.data(), c.N, c.K};
}

// Distinct experts per token (like a router's top-k), a few padding tokens,
// optionally some out-of-range ids.
Case generate(std::uint32_t seed, std::int64_t N, std::int64_t K, std::int64_t G, std::int64_t E, bool bad_ids) {
    std::mt19937 rng(seed);
    Case c{N, K, G, E, {}, {}, {}, {}};
    std::vector<std::int64_t> experts(static_cast<std::size_t>(E));
    std::uniform_real_distribution<float> w(0.0f, 1.0f), f(0.0f, 10.0f);
    for (std::int64_t n = 0; n < N; ++n) {
        c.group.push_back(rng() % 10 == 0 ? -1 : static_cast<std::int32_t>(rng() % G));
        for (std::int64_t e = 0; e < E; ++e) experts[static_cast<std::size_t>(e)] = e;
        std::shuffle(experts.begin(), experts.end(), rng);
        for (std::int64_t k = 0; k < K; ++k) {
            std::int64_t e = experts[static_cast<std::size_t>(k)];
            if (bad_ids && rng() % 50 == 0) e = (rng() % 2) ? -1 : E + 3;
            c.idx.push_back(e);
            c.weight.push_back(w(rng));
            c.norm.push_back(f(rng));
        }
    }
    return c;
}

TEST(SaliencyKernelCpu, HandComputedCase) {
    // 3 tokens, top-2, 2 groups, 3 experts; token 1 is padding.
    Case c{3, 2, 2, 3,
           {0, 2, 1, 0, 2, 0},
           {0.5f, 0.25f, 9.0f, 9.0f, 0.75f, 1.0f},
           {2.0f, 4.0f, 9.0f, 9.0f, 8.0f, 3.0f},
           {0, -1, 1}};
    Sums s(6);
    s.max.assign(6, 0.0);
    EXPECT_EQ(accumulate_saliency_cpu(view(c), s.view(2, 3)), 0);
    // group 0: token 0 -> e0 (0.5, 2), e2 (0.25, 4)
    EXPECT_EQ(s.count, (std::vector<double>{1, 0, 1, 1, 0, 1}));
    EXPECT_EQ(s.gate, (std::vector<double>{0.5, 0, 0.25, 1.0, 0, 0.75}));
    EXPECT_EQ(s.reap, (std::vector<double>{1.0, 0, 1.0, 3.0, 0, 6.0}));
    EXPECT_EQ(s.norm, (std::vector<double>{2.0, 0, 4.0, 3.0, 0, 8.0}));
    EXPECT_EQ(s.max, (std::vector<double>{2.0, 0, 4.0, 3.0, 0, 8.0}));
    // Accumulates: a second call doubles the sums, keeps the max.
    accumulate_saliency_cpu(view(c), s.view(2, 3));
    EXPECT_EQ(s.count[5], 2.0);
    EXPECT_EQ(s.reap[5], 12.0);
    EXPECT_EQ(s.max[5], 8.0);
}

TEST(SaliencyKernelCpu, CountsSkippedIds) {
    Case c = generate(3, 200, 4, 3, 16, true);
    std::int64_t bad = 0;
    for (std::int64_t n = 0; n < c.N; ++n)
        if (c.group[static_cast<std::size_t>(n)] >= 0)
            for (std::int64_t k = 0; k < c.K; ++k) {
                const auto e = c.idx[static_cast<std::size_t>(n * c.K + k)];
                bad += (e < 0 || e >= c.E);
            }
    ASSERT_GT(bad, 0);
    Sums s(static_cast<std::size_t>(c.G * c.E));
    EXPECT_EQ(accumulate_saliency_cpu(view(c), s.view(c.G, c.E)), bad);
    double total = 0;
    for (double v : s.count) total += v;
    std::int64_t valid = 0;
    for (auto g : c.group) valid += g >= 0;
    EXPECT_EQ(total, static_cast<double>(valid * c.K - bad));
}

#ifdef MOECUT_HAVE_CUDA_KERNELS

template <class T>
T* to_device(const std::vector<T>& v) {
    T* p = nullptr;
    EXPECT_EQ(cudaMalloc(reinterpret_cast<void**>(&p), std::max<std::size_t>(1, v.size()) * sizeof(T)), cudaSuccess);
    EXPECT_EQ(cudaMemcpy(p, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess);
    return p;
}

template <class T>
std::vector<T> to_host(const T* p, std::size_t n) {
    std::vector<T> v(n);
    EXPECT_EQ(cudaMemcpy(v.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
    return v;
}

void compare_cuda_with_cpu(const Case& c) {
    const std::size_t slots = static_cast<std::size_t>(c.G * c.E);
    Sums cpu(slots);
    // Start from non-zero accumulators: the kernel adds to what is there.
    for (std::size_t i = 0; i < slots; ++i) cpu.count[i] = cpu.gate[i] = cpu.reap[i] = cpu.norm[i] = cpu.max[i] = 0.5 * (i % 3);
    Sums init = cpu;
    const std::int64_t cpu_skipped = accumulate_saliency_cpu(view(c), cpu.view(c.G, c.E));

    RoutingTapsView t{to_device(c.idx), to_device(c.weight), to_device(c.norm), to_device(c.group), c.N, c.K};
    std::vector<double>* host[] = {&init.count, &init.gate, &init.reap, &init.norm, &init.max};
    double* dev[5];
    for (int i = 0; i < 5; ++i) dev[i] = to_device(*host[i]);
    SaliencyAccumView a{dev[0], dev[1], dev[2], dev[3], dev[4], c.G, c.E};
    EXPECT_EQ(accumulate_saliency_cuda(t, a), cpu_skipped);
    const std::vector<double>* want[] = {&cpu.count, &cpu.gate, &cpu.reap, &cpu.norm, &cpu.max};
    for (int i = 0; i < 5; ++i) {
        const auto got = to_host(dev[i], slots);
        for (std::size_t s = 0; s < slots; ++s) {
            const double w = (*want[i])[s];
            if (i == 0 || i == 4) EXPECT_EQ(got[s], w) << "stat " << i << " slot " << s;
            else EXPECT_NEAR(got[s], w, 1e-12 * std::max(1.0, std::abs(w))) << "stat " << i << " slot " << s;
        }
    }
    // Deterministic: a second run from the same start gives the same bits.
    for (int i = 0; i < 5; ++i) cudaMemcpy(dev[i], host[i]->data(), slots * sizeof(double), cudaMemcpyHostToDevice);
    accumulate_saliency_cuda(t, a);
    const auto again = to_host(dev[2], slots);
    for (int i = 0; i < 5; ++i) cudaMemcpy(dev[i], host[i]->data(), slots * sizeof(double), cudaMemcpyHostToDevice);
    accumulate_saliency_cuda(t, a);
    EXPECT_EQ(to_host(dev[2], slots), again);
    for (int i = 0; i < 5; ++i) cudaFree(dev[i]);
    cudaFree(const_cast<std::int64_t*>(t.idx));
    cudaFree(const_cast<float*>(t.weight));
    cudaFree(const_cast<float*>(t.norm));
    cudaFree(const_cast<std::int32_t*>(t.group));
}

TEST(SaliencyKernelCuda, MatchesCpuTwin) {
    if (!saliency_cuda_available()) GTEST_SKIP() << "no CUDA device";
    compare_cuda_with_cpu(generate(1, 1, 1, 1, 1, false));
    compare_cuda_with_cpu(generate(2, 300, 4, 3, 16, false));
    compare_cuda_with_cpu(generate(3, 5000, 8, 4, 256, true));
    compare_cuda_with_cpu(generate(4, 20000, 2, 1, 7, false));  // long runs per slot
}

#endif

TEST(SaliencyKernelCuda, ReportsWhetherBuilt) {
#ifdef MOECUT_HAVE_CUDA_KERNELS
    EXPECT_TRUE(saliency_cuda_built());
#else
    EXPECT_FALSE(saliency_cuda_built());
    EXPECT_FALSE(saliency_cuda_available());
    EXPECT_THROW(accumulate_saliency_cuda({}, {}), std::runtime_error);
#endif
}

} // namespace
} // namespace moecut::kernels

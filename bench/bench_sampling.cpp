// Sampler cost: ns per generated token for RowSampler::next (copy of the row,
// penalties, temperature, truncations, float64 inverse-CDF draw), one thread.
//
//   bench_sampling [--tokens N]
//
// Vocabularies 2048 and 151552 (GLM-5's); rows of N(0, 3²) logits (a fresh row
// every 16 steps, so the draw cannot ride on a warm cache of one row); a
// 512-token prompt and the growing output as history. Cases: raw sampling
// (vLLM semantics, T 1, nothing else), the vLLM guardrail (min_p 0.05,
// repetition 1.1) and llama.cpp's default chain with repeat 1.1
// (top-k 40, top-p 0.95, min-p 0.05, T 0.8, last 64 tokens). Best of 3.
#include "moecut/sampling.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double ns_per_token(const moecut::SamplerConfig& c, std::size_t vocab, int tokens) {
    std::mt19937_64 gen(1);
    std::normal_distribution<float> normal(0.0F, 3.0F);
    constexpr int kRows = 16;
    std::vector<std::vector<float>> rows(kRows, std::vector<float>(vocab));
    for (auto& r : rows)
        for (float& v : r) v = normal(gen);
    std::vector<std::int64_t> prompt(512);
    for (auto& t : prompt) t = static_cast<std::int64_t>(gen() % vocab);
    double best = 1e300;
    for (int rep = 0; rep < 3; ++rep) {
        moecut::RowSampler row(c, 42);
        std::vector<std::int64_t> out;
        out.reserve(static_cast<std::size_t>(tokens));
        std::int64_t sink = 0;
        const auto t0 = Clock::now();
        for (int i = 0; i < tokens; ++i) {
            const auto tok = row.next(rows[static_cast<std::size_t>(i % kRows)], prompt, out);
            out.push_back(tok);
            sink += tok;
        }
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        if (sink < 0) std::abort();
        best = std::min(best, s * 1e9 / tokens);
    }
    return best;
}

} // namespace

int main(int argc, char** argv) {
    int tokens_small = 20000;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], "--tokens") == 0) tokens_small = std::atoi(argv[++i]);
    moecut::SamplerConfig raw;
    moecut::SamplerConfig guard;
    guard.min_p = 0.05;
    guard.repetition_penalty = 1.1;
    moecut::SamplerConfig llama;
    llama.semantics = moecut::SamplerSemantics::llamacpp;
    llama.top_k = 40;
    llama.top_p = 0.95;
    llama.min_p = 0.05;
    llama.temperature = 0.8;
    llama.repetition_penalty = 1.1;
    const struct {
        const char* name;
        moecut::SamplerConfig config;
    } cases[] = {{"raw (vllm, T 1)", raw}, {"vllm guardrail (min_p 0.05, rep 1.1)", guard},
                 {"llamacpp (k 40, p 0.95, min_p 0.05, T 0.8, rep 1.1/64)", llama}};
    fmt::print("| case | vocab 2048 | vocab 151552 |\n|---|---|---|\n");
    for (const auto& c : cases) {
        const double small = ns_per_token(c.config, 2048, tokens_small);
        const double large = ns_per_token(c.config, 151552, std::max(50, tokens_small / 100));
        fmt::print("| {} | {:.0f} ns | {:.0f} ns |\n", c.name, small, large);
    }
}

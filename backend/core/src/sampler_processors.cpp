// The logits processors (temperature, top-k, top-p, min-p) and their order per
// engine, applied to one row in place; masked tokens become -inf.
//
// Sources followed (semantics, not code):
//   vLLM  vllm/v1/sample/sampler.py (penalties → greedy argmax | temperature →
//         argmax-invariant processors, min-p by default → top-k/top-p),
//         v1/sample/logits_processor/builtin.py MinPLogitsProcessor (prob <
//         min_p × max prob removed), v1/sample/ops/topk_topp_sampler.py
//         apply_top_k_top_p (ascending sort; top-k keeps values >= the k-th,
//         ties kept; top-p removes cumulative <= 1 - p, the largest kept).
//   HF    transformers generation/utils.py _get_logits_processor and
//         logits_process.py (5.x): TemperatureLogitsWarper, TopKLogitsWarper
//         (scores < k-th largest removed, ties kept), TopPLogitsWarper (as vLLM,
//         min_tokens_to_keep 1), MinPLogitsWarper (probs < min_p × top prob removed).
//   llama.cpp src/llama-sampling.cpp: top-k keeps exactly k (here: the lowest
//         ids among equal logits), top-p keeps the shortest prefix whose mass
//         reaches p, min-p keeps logit >= max + log p, temperature divides last.
#include "moecut/sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace moecut {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

void temperature(std::span<float> x, double t) {
    const auto tf = static_cast<float>(t);
    if (tf == 1.0F) return;
    for (float& v : x) v /= tf;
}

float max_of(std::span<const float> x) { return *std::max_element(x.begin(), x.end()); }

// vLLM / HF: keep values >= the k-th largest (ties at the k-th all kept).
void top_k_ties(std::span<float> x, int k) {
    if (k <= 0 || static_cast<std::size_t>(k) >= x.size()) return;
    std::vector<float> copy(x.begin(), x.end());
    auto kth = copy.begin() + (k - 1);
    std::nth_element(copy.begin(), kth, copy.end(), std::greater<float>());
    const float cut = *kth;
    for (float& v : x)
        if (v < cut) v = kNegInf;
}

// The finite ids, by logit descending, lowest id first among equal logits.
std::vector<std::int64_t> finite_desc(std::span<const float> x) {
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (x[i] != kNegInf) ids.push_back(static_cast<std::int64_t>(i));
    std::sort(ids.begin(), ids.end(), [&](std::int64_t a, std::int64_t b) {
        const float xa = x[static_cast<std::size_t>(a)], xb = x[static_cast<std::size_t>(b)];
        return xa > xb || (xa == xb && a < b);
    });
    return ids;
}

// llama.cpp: exactly k survive.
void top_k_exact(std::span<float> x, int k) {
    if (k <= 0 || static_cast<std::size_t>(k) >= x.size()) return;
    std::vector<std::int64_t> ids(x.size());
    std::iota(ids.begin(), ids.end(), 0);
    auto kth = ids.begin() + k;
    std::nth_element(ids.begin(), kth - 1, ids.end(), [&](std::int64_t a, std::int64_t b) {
        const float xa = x[static_cast<std::size_t>(a)], xb = x[static_cast<std::size_t>(b)];
        return xa > xb || (xa == xb && a < b);
    });
    for (auto it = kth; it != ids.end(); ++it) x[static_cast<std::size_t>(*it)] = kNegInf;
}

// Keeps, in descending order, every token whose preceding mass is < p: for
// vLLM/HF this is "ascending cumulative prob > 1 - p" (the largest always
// kept), for llama.cpp "the shortest prefix whose cumulative prob >= p".
void top_p(std::span<float> x, double p) {
    if (p >= 1) return;
    const auto ids = finite_desc(x);
    if (ids.empty()) return;
    const double mx = x[static_cast<std::size_t>(ids.front())];
    std::vector<double> w(ids.size());
    double total = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) total += w[i] = std::exp(x[static_cast<std::size_t>(ids[i])] - mx);
    double before = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0 && before >= p * total) x[static_cast<std::size_t>(ids[i])] = kNegInf;
        before += w[i];
    }
}

// vLLM / HF: softmax prob < min_p × max prob removed (the max always stays).
void min_p_prob(std::span<float> x, double min_p) {
    if (min_p <= 0) return;
    const double mx = max_of(x);
    for (float& v : x)
        if (v != kNegInf && std::exp(static_cast<double>(v) - mx) < min_p) v = kNegInf;
}

// llama.cpp: logit < max + log(min_p) removed, in float as llama.cpp.
void min_p_logit(std::span<float> x, double min_p) {
    if (min_p <= 0) return;
    const float cut = max_of(x) + std::log(static_cast<float>(min_p));
    for (float& v : x)
        if (v < cut) v = kNegInf;
}

void keep_only(std::span<float> x, std::int64_t id) {
    for (std::size_t i = 0; i < x.size(); ++i)
        if (static_cast<std::int64_t>(i) != id) x[i] = kNegInf;
}

} // namespace

std::int64_t argmax_lowest(std::span<const float> logits) {
    return std::max_element(logits.begin(), logits.end()) - logits.begin();  // first of equal maxima
}

void apply_processors(std::span<float> x, const PenaltyState& state, const SamplerConfig& c) {
    if (x.empty()) return;
    state.apply(x);
    if (c.greedy()) {
        keep_only(x, argmax_lowest(x));
        return;
    }
    switch (c.semantics) {
    case SamplerSemantics::vllm:
        temperature(x, c.temperature);
        min_p_prob(x, c.min_p);
        top_k_ties(x, c.top_k);
        top_p(x, c.top_p);
        break;
    case SamplerSemantics::hf:
        temperature(x, c.temperature);
        top_k_ties(x, c.top_k);
        top_p(x, c.top_p);
        min_p_prob(x, c.min_p);
        break;
    case SamplerSemantics::llamacpp:
        top_k_exact(x, c.top_k);
        top_p(x, c.top_p);
        min_p_logit(x, c.min_p);
        temperature(x, c.temperature);
        break;
    }
}

void process_logits(std::span<float> logits, std::span<const std::int64_t> prompt,
                    std::span<const std::int64_t> output, const SamplerConfig& c) {
    PenaltyState state(c);
    for (auto t : prompt) state.add_prompt(t);
    for (auto t : output) state.add_output(t);
    apply_processors(logits, state, c);
}

} // namespace moecut

// Batched generation with a KV cache.
//
//   auto eos = eos_token_ids(dir);                 // generation_config.json, else config.json
//   GreedySampler greedy;
//   auto out = generate(model, {{1, 5, 9}, {1, 7}}, {.max_new_tokens = 32, .eos_ids = eos, .sampler = &greedy});
//
// Prompts of different lengths are left-padded into one batch; each sequence
// stops at its first EOS id (kept in its output) or at max_new_tokens.
// Samplers: a batch-wide Sampler (greedy, temperature), or one moecut::RowSampler
// per sequence (moecut/sampling.h: top-k, top-p, min-p, penalties with vLLM,
// transformers or llama.cpp semantics), which sees its own prompt and output:
//
//   std::vector<RowSampler> rows;
//   for (std::size_t i = 0; i < prompts.size(); ++i) rows.emplace_back(cfg, sample_seed(seed, ids[i], 0));
//   auto out = generate(model, prompts, {.max_new_tokens = 256, .eos_ids = eos, .row_samplers = &rows});
#pragma once

#include "moecut/engine/model.h"
#include "moecut/sampling.h"

#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <random>
#include <vector>

namespace moecut::engine {

// Chooses the next token of each running sequence.
class Sampler {
public:
    virtual ~Sampler() = default;
    // logits: [B, V] float32 on the model's device, the rows of the sequences
    // still running. Returns [B] int64 token ids (any device).
    virtual torch::Tensor sample(const torch::Tensor& logits) = 0;
};

// The highest logit (the lowest id among equal ones, as torch.argmax).
class GreedySampler final : public Sampler {
public:
    torch::Tensor sample(const torch::Tensor& logits) override;
};

// Draws from softmax(logits / temperature) with its own seeded generator
// (std::mt19937_64, inverse CDF in float64 on the CPU): the same seed and
// logits give the same tokens on any device and platform. temperature <= 0
// is greedy.
class TemperatureSampler final : public Sampler {
public:
    TemperatureSampler(double temperature, std::uint64_t seed);
    torch::Tensor sample(const torch::Tensor& logits) override;

private:
    double temperature_;
    std::mt19937_64 rng_;
};

// The EOS ids of a checkpoint folder: generation_config.json's eos_token_id
// (an int or a list), else config.json's; empty when neither has one.
// InputError naming the file when the field is neither an int nor a list of ints.
std::vector<std::int64_t> eos_token_ids(const std::filesystem::path& dir);

enum class StopReason { Eos, MaxTokens, Stopped };
const char* stop_reason_name(StopReason r);  // "eos", "max_tokens", "stopped"

struct GenerateOptions {
    std::int64_t max_new_tokens = 64;
    std::vector<std::int64_t> eos_ids;
    Sampler* sampler = nullptr;  // nullptr: greedy
    // One per prompt, in order; when set it is used instead of `sampler`. Each
    // step moves the running rows' logits to the CPU once ([B, V] float32) and
    // calls rows[b].next(row, prompt b, output of b so far).
    std::vector<moecut::RowSampler>* row_samplers = nullptr;
    std::int64_t pad_id = 0;     // fills left padding (masked: any id in the vocabulary)
    // false: no cache, every step recomputes the whole sequence (for checks
    // and benchmarks; the same tokens, much slower).
    bool use_cache = true;
    // Called after each step with the step index and the new token of every
    // sequence still running before it ([B] ids, -1 for stopped ones).
    std::function<void(std::int64_t step, const std::vector<std::int64_t>& tokens)> on_step;
    // Called with every new token of every running sequence (row = its prompt
    // index); true ends that sequence there (StopReason::Stopped) unless the
    // token is an EOS id. For online checks such as a loop detector.
    std::function<bool(std::size_t row, std::int64_t token)> stop_row;
};

struct GeneratedSequence {
    std::vector<std::int64_t> tokens;  // the new tokens, the EOS included when it stopped there
    StopReason stop = StopReason::MaxTokens;
};

// prompts: at least one token each. InputError for ids outside the vocabulary.
std::vector<GeneratedSequence> generate(Model& model, const std::vector<std::vector<std::int64_t>>& prompts,
                                        const GenerateOptions& options);

// Left-pads prompts into ids [B, T] and mask [B, T] (int64, 1 = token).
std::pair<torch::Tensor, torch::Tensor> left_pad(const std::vector<std::vector<std::int64_t>>& prompts,
                                                 std::int64_t pad_id);

} // namespace moecut::engine

// Token samplers with the semantics of vLLM, Hugging Face transformers or
// llama.cpp: temperature, top-k, top-p, min-p, repetition, presence and
// frequency penalties, applied in each engine's order and over its token window.
//
//   SamplerConfig cfg;                        // raw sampling: T 1, no truncation, no penalty
//   cfg.min_p = 0.05; cfg.repetition_penalty = 1.1;
//   cfg.validate("--sampler");                // InputError (one line) when out of range
//   RowSampler row(cfg, sample_seed(run_seed, probe_id, sample_index));
//   for (;;) { out.push_back(row.next(logits, prompt, out)); ... }
//
// Order (each step in the engine's own definition; see docs in the .cpp files):
//   vllm:     repetition (prompt ∪ output ids) → frequency, presence (output counts)
//             → temperature → min-p (tempered) → top-k → top-p
//   hf:       repetition (prompt + output ids) → temperature → top-k → top-p → min-p
//             (transformers has no frequency/presence penalty: validate rejects them)
//   llamacpp: repetition, frequency, presence (counts over the last penalty_last_n
//             tokens of prompt + output) → top-k → top-p → min-p → temperature
// Greedy (temperature < 1e-5 for vllm/hf, <= 0 for llamacpp): penalties only, then
// the argmax (lowest id on ties); process_logits leaves only that token finite.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace moecut {

enum class SamplerSemantics { vllm, hf, llamacpp };

// "vllm", "hf", "llamacpp"; parse throws InputError naming `where` otherwise.
const char* sampler_semantics_name(SamplerSemantics s);
SamplerSemantics parse_sampler_semantics(std::string_view name, std::string_view where);

struct SamplerConfig {
    double temperature = 1;
    int top_k = 0;                  // 0 = off
    double top_p = 1;               // (0, 1]; 1 = off
    double min_p = 0;               // [0, 1]; 0 = off
    double repetition_penalty = 1;  // > 0; 1 = off
    double presence_penalty = 0;    // [-2, 2]
    double frequency_penalty = 0;   // [-2, 2]
    int penalty_last_n = 64;        // llamacpp window; -1 whole context (llama-server), 0 off
    SamplerSemantics semantics = SamplerSemantics::vllm;

    // Throws InputError "WHERE: FIELD (--flag) must be ..., got V" for the first
    // value out of range (the flags are those of moecut generate/eval), and for
    // nonzero presence/frequency penalties under hf semantics.
    void validate(std::string_view where) const;
    // True when next() takes the argmax instead of drawing.
    bool greedy() const;
    bool operator==(const SamplerConfig&) const = default;
};

// JSON object with every field ("semantics" as its name). from_json takes a
// partial object (missing fields keep their defaults) and throws InputError
// for unknown keys or wrong types; it does not validate ranges.
void to_json(nlohmann::json& j, const SamplerConfig& c);
void from_json(const nlohmann::json& j, SamplerConfig& c);

// Token counts behind the penalties, updated one token at a time.
//   vllm:     `seen` = prompt ∪ output ids (repetition), `counts` = output counts
//   hf:       `seen` = prompt + output ids
//   llamacpp: `counts` over a ring of the last penalty_last_n tokens (prompt then output)
class PenaltyState {
public:
    explicit PenaltyState(const SamplerConfig& c);
    void add_prompt(std::int64_t token);
    void add_output(std::int64_t token);
    // Applies the penalties of the configuration to logits (ids outside the row are ignored).
    void apply(std::span<float> logits) const;

private:
    void add_window(std::int64_t token);

    SamplerConfig cfg_;
    bool active_;
    std::unordered_map<std::int64_t, std::int32_t> seen_;    // id -> 1 (set semantics)
    std::unordered_map<std::int64_t, std::int32_t> counts_;  // id -> count
    std::vector<std::int64_t> ring_;                         // llamacpp window
    std::size_t ring_pos_ = 0;
};

// Applies the penalties in `state`, then temperature and truncations of c, in
// c.semantics' order, to one row of logits in place (masked tokens: -inf).
void apply_processors(std::span<float> logits, const PenaltyState& state, const SamplerConfig& c);

// The same from whole histories (O(history) per call): the pure reference form.
void process_logits(std::span<float> logits, std::span<const std::int64_t> prompt,
                    std::span<const std::int64_t> output, const SamplerConfig& c);

// One generated sequence's sampler. next() processes a copy of the logits and
// draws with its own std::mt19937_64 (u = top 53 bits / 2^53, inverse CDF over
// float64 softmax weights in id order): the same seed, config and logits give
// the same token on every machine.
//
// Bookkeeping is incremental: pass the same prompt on every call and the
// output so far (the previous output plus the tokens appended since); only the
// new tokens are read, so penalties cost O(1) amortised per token plus
// O(distinct penalised ids) per step. InputError when the prompt changes
// length or the output shrinks.
class RowSampler {
public:
    RowSampler(const SamplerConfig& c, std::uint64_t seed);
    std::int64_t next(std::span<const float> logits, std::span<const std::int64_t> prompt,
                      std::span<const std::int64_t> output);
    const SamplerConfig& config() const { return cfg_; }

private:
    SamplerConfig cfg_;
    PenaltyState state_;
    std::mt19937_64 rng_;
    std::vector<float> row_;
    std::vector<double> weights_;
    std::size_t prompt_seen_ = 0, output_seen_ = 0;
    bool started_ = false;
};

// Draws an index from softmax(logits) (float64, -inf excluded) with u in [0, 1).
std::int64_t draw_from_logits(std::span<const float> logits, double u, std::vector<double>& scratch);
// The highest logit, the lowest index among equal ones.
std::int64_t argmax_lowest(std::span<const float> logits);

// The seed of one (probe, sample): splitmix64 over FNV-1a of probe_id mixed
// with run_seed and sample_index. Stable across platforms, batching and resume.
std::uint64_t sample_seed(std::uint64_t run_seed, std::string_view probe_id, std::uint32_t sample_index);

} // namespace moecut

// PenaltyState: the token counts behind repetition, presence and frequency
// penalties, kept incrementally, and their arithmetic in each engine's form.
//
// vLLM (vllm/model_executor/layers/utils.py apply_penalties, _custom_ops.py
// apply_repetition_penalties_torch): repetition over prompt_mask | output_mask
// (a set: logit > 0 ÷ p, else × p), then logits -= frequency × output count,
// then logits -= presence × [output count > 0].
// transformers (RepetitionPenaltyLogitsProcessor): every id of input_ids
// (prompt + output) once: score < 0 × p, else ÷ p.
// llama.cpp (src/llama-sampling.cpp llama_sampler_penalties_*): a ring of the
// last penalty_last_n accepted tokens (the server accepts the prompt first) and
// a count map; for ids in it: logit <= 0 × p, else ÷ p; then
// logit -= count × freq + [count > 0] × presence. -1 is the whole context (as
// llama-server resolves it to n_ctx), 0 disables.
#include "moecut/sampling.h"

namespace moecut {

PenaltyState::PenaltyState(const SamplerConfig& c) : cfg_(c) {
    const bool any = c.repetition_penalty != 1 || c.presence_penalty != 0 || c.frequency_penalty != 0;
    active_ = any && !(c.semantics == SamplerSemantics::llamacpp && c.penalty_last_n == 0);
    if (active_ && c.semantics == SamplerSemantics::llamacpp && c.penalty_last_n > 0)
        ring_.reserve(static_cast<std::size_t>(c.penalty_last_n));
}

void PenaltyState::add_window(std::int64_t token) {
    ++counts_[token];
    if (cfg_.penalty_last_n < 0) return;  // whole context: nothing leaves
    const auto cap = static_cast<std::size_t>(cfg_.penalty_last_n);
    if (ring_.size() < cap) {
        ring_.push_back(token);
        return;
    }
    const std::int64_t old = ring_[ring_pos_];
    auto it = counts_.find(old);
    if (--it->second == 0) counts_.erase(it);
    ring_[ring_pos_] = token;
    ring_pos_ = (ring_pos_ + 1) % cap;
}

void PenaltyState::add_prompt(std::int64_t token) {
    if (!active_) return;
    switch (cfg_.semantics) {
    case SamplerSemantics::vllm:
    case SamplerSemantics::hf: seen_[token] = 1; break;
    case SamplerSemantics::llamacpp: add_window(token); break;
    }
}

void PenaltyState::add_output(std::int64_t token) {
    if (!active_) return;
    switch (cfg_.semantics) {
    case SamplerSemantics::vllm:
        seen_[token] = 1;
        ++counts_[token];
        break;
    case SamplerSemantics::hf: seen_[token] = 1; break;
    case SamplerSemantics::llamacpp: add_window(token); break;
    }
}

void PenaltyState::apply(std::span<float> logits) const {
    if (!active_) return;
    const auto V = static_cast<std::int64_t>(logits.size());
    auto in_row = [V](std::int64_t id) { return id >= 0 && id < V; };
    const auto rep = static_cast<float>(cfg_.repetition_penalty);
    const auto freq = static_cast<float>(cfg_.frequency_penalty);
    const auto pres = static_cast<float>(cfg_.presence_penalty);
    switch (cfg_.semantics) {
    case SamplerSemantics::vllm: {
        if (rep != 1.0F) {
            const float inv = 1.0F / rep;  // torch computes 1 / penalties, then multiplies
            for (const auto& [id, one] : seen_) {
                if (!in_row(id)) continue;
                float& x = logits[static_cast<std::size_t>(id)];
                x *= x > 0 ? inv : rep;
            }
        }
        for (const auto& [id, n] : counts_) {
            if (!in_row(id)) continue;
            float& x = logits[static_cast<std::size_t>(id)];
            x -= freq * static_cast<float>(n);
            x -= pres;
        }
        break;
    }
    case SamplerSemantics::hf:
        for (const auto& [id, one] : seen_) {
            if (!in_row(id)) continue;
            float& x = logits[static_cast<std::size_t>(id)];
            x = x < 0 ? x * rep : x / rep;
        }
        break;
    case SamplerSemantics::llamacpp:
        for (const auto& [id, n] : counts_) {
            if (!in_row(id)) continue;
            float& x = logits[static_cast<std::size_t>(id)];
            if (x <= 0) x *= rep;
            else x /= rep;
            x -= static_cast<float>(n) * freq + static_cast<float>(n > 0) * pres;
        }
        break;
    }
}

} // namespace moecut

// Request bodies for OpenAI-compatible servers (see moecut/openai_client.h).
#include "moecut/error.h"
#include "moecut/openai_client.h"

#include <fmt/core.h>

namespace moecut {

const char* server_kind_name(ServerKind k) {
    switch (k) {
    case ServerKind::vllm: return "vllm";
    case ServerKind::sglang: return "sglang";
    case ServerKind::llamacpp: return "llamacpp";
    case ServerKind::openai: return "openai";
    }
    return "?";
}

ServerKind parse_server_kind(std::string_view name, std::string_view where) {
    for (ServerKind k : {ServerKind::vllm, ServerKind::sglang, ServerKind::llamacpp, ServerKind::openai})
        if (name == server_kind_name(k)) return k;
    throw InputError(fmt::format("{}: server kind '{}' is not one of vllm, sglang, llamacpp, openai", where, name));
}

SamplerSemantics server_semantics(ServerKind k) {
    // SGLang's repetition penalty is version-dependent (eval.md §1.4): vllm is the
    // closest label, and the per-deployment probe (§1.6) has to confirm it.
    return k == ServerKind::llamacpp ? SamplerSemantics::llamacpp : SamplerSemantics::vllm;
}

bool is_chat(const CompletionRequest& r) {
    bool has_messages = !r.messages.is_null();
    if (r.prompt.has_value() == has_messages)
        throw InputError(fmt::format("request {}: needs exactly one of prompt or messages", r.id));
    if (has_messages && (!r.messages.is_array() || r.messages.empty()))
        throw InputError(fmt::format("request {}: messages must be a non-empty JSON array", r.id));
    return has_messages;
}

const char* request_path(const CompletionRequest& r) {
    return is_chat(r) ? "/v1/chat/completions" : "/v1/completions";
}

void check_expressible(ServerKind kind, const CompletionRequest& r) {
    const SamplerConfig& s = r.sampler;
    auto refuse = [&](std::string_view why) {
        throw InputError(fmt::format("request {}: {} server cannot express this sampler: {}", r.id,
                                     server_kind_name(kind), why));
    };
    if (r.max_tokens <= 0) throw InputError(fmt::format("request {}: max_tokens must be > 0", r.id));
    if (kind == ServerKind::openai) {
        if (s.top_k != 0) refuse("top_k (the OpenAI API has no top-k)");
        if (s.min_p != 0) refuse("min_p (the OpenAI API has no min-p)");
        if (s.repetition_penalty != 1) refuse("repetition_penalty (the OpenAI API has none)");
    }
    // vLLM and HF count the same ids for the repetition penalty (prompt ∪ output);
    // llama.cpp counts a window of the last repeat_last_n tokens (eval.md §1.5).
    auto family = [](SamplerSemantics x) { return x == SamplerSemantics::llamacpp ? 1 : 0; };
    SamplerSemantics server = server_semantics(kind);
    if (family(s.semantics) == family(server)) return;
    bool penalties = s.repetition_penalty != 1 || s.presence_penalty != 0 || s.frequency_penalty != 0;
    if (penalties)
        refuse(fmt::format("penalties with {} semantics (the server applies {} semantics)",
                           sampler_semantics_name(s.semantics), sampler_semantics_name(server)));
    bool truncation = s.top_k != 0 || s.top_p != 1 || s.min_p != 0;
    if (truncation && s.temperature != 1)
        refuse(fmt::format("truncation with temperature != 1 under {} semantics (the server applies {} "
                           "order: temperature {} truncation)",
                           sampler_semantics_name(s.semantics), sampler_semantics_name(server),
                           family(server) ? "after" : "before"));
}

nlohmann::json build_request_body(ServerKind kind, std::string_view model, const CompletionRequest& r) {
    r.sampler.validate(fmt::format("request {}", r.id));
    check_expressible(kind, r);
    const SamplerConfig& s = r.sampler;
    const bool chat = is_chat(r);
    nlohmann::json b;
    b["model"] = std::string(model);
    if (chat) b["messages"] = r.messages;
    else b["prompt"] = *r.prompt;
    b["stream"] = true;
    b["stream_options"] = {{"include_usage", true}};
    if (!(chat && kind == ServerKind::openai)) b["max_tokens"] = r.max_tokens;
    if (chat) b["max_completion_tokens"] = r.max_tokens;
    b["temperature"] = s.temperature;
    b["top_p"] = s.top_p;
    b["presence_penalty"] = s.presence_penalty;
    b["frequency_penalty"] = s.frequency_penalty;

    switch (kind) {
    case ServerKind::vllm:
    case ServerKind::sglang:
        b["seed"] = static_cast<std::int64_t>(r.seed & 0x7fffffffffffffffULL);
        b["top_k"] = s.top_k == 0 ? -1 : s.top_k;  // -1 = off in every vLLM and SGLang version
        b["min_p"] = s.min_p;
        b["repetition_penalty"] = s.repetition_penalty;
        b["min_tokens"] = 0;
        b["ignore_eos"] = false;
        if (kind == ServerKind::vllm) b["return_token_ids"] = true;
        break;
    case ServerKind::llamacpp: {
        // llama.cpp seeds are uint32 and 0xFFFFFFFF (LLAMA_DEFAULT_SEED) means "random".
        std::uint32_t seed32 = static_cast<std::uint32_t>(r.seed ^ (r.seed >> 32));
        if (seed32 == 0xffffffffU) seed32 = 0xfffffffeU;
        b["seed"] = seed32;
        b["n_predict"] = r.max_tokens;
        b["top_k"] = s.top_k;  // <= 0: off
        b["min_p"] = s.min_p;
        b["typical_p"] = 1.0;
        b["repeat_penalty"] = s.repetition_penalty;
        b["repeat_last_n"] = s.penalty_last_n;
        b["dry_multiplier"] = 0.0;
        b["xtc_probability"] = 0.0;
        b["top_n_sigma"] = -1.0;
        b["dynatemp_range"] = 0.0;
        b["adaptive_target"] = -1.0;
        b["mirostat"] = 0;
        b["mirostat_mode"] = 0;  // llama-cpp-python's name
        b["ignore_eos"] = false;
        b["samplers"] = {"penalties", "dry", "top_n_sigma", "top_k", "typ_p", "top_p", "min_p", "xtc", "temperature"};
        b["n_probs"] = 1;
        b["return_tokens"] = true;
        break;
    }
    case ServerKind::openai:
        b["seed"] = static_cast<std::int64_t>(r.seed & 0x7fffffffffffffffULL);
        break;
    }
    return b;
}

} // namespace moecut

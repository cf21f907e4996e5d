// Request bodies for OpenAI-compatible servers (vLLM, SGLang, llama.cpp's
// llama-server and llama-cpp-python, the OpenAI API itself).
//
// Servers silently apply the model author's sampling defaults to any field a
// request omits (eval.md §0.1, §1.5), and `max_tokens` absent means 16 on one
// server and "until the context is full" on another (§0.3). So every request
// states every sampling field, in the server's own names, and an explicit cap:
//
//   CompletionRequest r{.id = "p17/s3", .prompt = "Once upon", .sampler = cfg,
//                       .max_tokens = 4096, .seed = sample_seed(...)};
//   nlohmann::json body = build_request_body(ServerKind::llamacpp, "served-name", r);
//   std::string path = request_path(r);   // "/v1/completions"
//
// Per server (fields always sent; a field the server does not know is ignored):
//   vllm, sglang: temperature top_p top_k(-1 = off) min_p repetition_penalty
//                 presence_penalty frequency_penalty seed min_tokens=0 ignore_eos=false;
//                 vllm also return_token_ids=true (token ids per chunk).
//   llamacpp:     temperature top_k(0 = off) top_p min_p typical_p=1 repeat_penalty
//                 repeat_last_n presence_penalty frequency_penalty seed, and the
//                 neutral values of its other samplers (dry_multiplier=0, xtc_probability=0,
//                 top_n_sigma=-1, mirostat=0, dynatemp_range=0, adaptive_target=-1), the default sampler
//                 order pinned in `samplers`, n_predict=cap, n_probs=1 (token ids via
//                 logprobs.content[].id) and return_tokens=true (native endpoint ids).
//   openai:       temperature top_p presence_penalty frequency_penalty seed only.
// All: model, stream=true, stream_options.include_usage=true, max_tokens=cap
// (chat also max_completion_tokens; the OpenAI API gets only the latter on chat).
//
// build_request_body throws InputError (one line) for a config the server cannot
// express: top_k/min_p/repetition_penalty on openai, and penalties whose
// semantics (SamplerConfig::semantics) differ from the server's own: a vLLM-
// style full-history repetition penalty is not what llama.cpp's 64-token window
// does, and measuring one while labelling it the other is the error to avoid.
#pragma once

#include "moecut/sampling.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moecut {

enum class ServerKind { vllm, sglang, llamacpp, openai };

// "vllm", "sglang", "llamacpp", "openai"; parse throws InputError naming `where`.
const char* server_kind_name(ServerKind k);
ServerKind parse_server_kind(std::string_view name, std::string_view where);
// The sampler semantics the server implements (openai: vllm's, the OpenAI definition).
SamplerSemantics server_semantics(ServerKind k);

// One generation to run. Exactly one of prompt (completions endpoint) or
// messages (a JSON array of {"role","content"}: chat endpoint) is set.
struct CompletionRequest {
    std::string id;                     // caller's key, echoed in the result
    std::optional<std::string> prompt;  // /v1/completions
    nlohmann::json messages;            // /v1/chat/completions when prompt is empty
    SamplerConfig sampler;
    std::int64_t max_tokens = 0;        // the instrument cap (> 0)
    std::uint64_t seed = 0;             // sent as `seed` (servers take int64: masked to 63 bits)
};

// True for the chat endpoint. Throws InputError when neither or both are set.
bool is_chat(const CompletionRequest& r);
// "/v1/chat/completions" or "/v1/completions".
const char* request_path(const CompletionRequest& r);

// Throws InputError "REQUEST_ID: ..." when kind cannot express r.sampler.
void check_expressible(ServerKind kind, const CompletionRequest& r);

// The complete JSON body of a streaming request (calls check_expressible and
// SamplerConfig::validate first).
nlohmann::json build_request_body(ServerKind kind, std::string_view model, const CompletionRequest& r);

} // namespace moecut

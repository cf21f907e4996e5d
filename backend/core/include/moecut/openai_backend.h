// Runs many streaming generations against one OpenAI-compatible server
// (vLLM, SGLang, llama.cpp / llama-cpp-python, OpenAI), N at a time.
//
//   OpenAIBackendOptions o;
//   o.base_url = "http://127.0.0.1:8000";  o.kind = ServerKind::vllm;  o.concurrency = 32;
//   OpenAIBackend backend(o);
//   nlohmann::json meta = backend.probe().to_json();     // store with the run
//   backend.run(requests,
//       [&](CompletionResult&& r) { store.save(r); },     // once per request, as each ends
//       [&](const std::string& id, std::string_view text, std::span<const std::int64_t> ids) {
//           return !detectors[id].push(text, ids);        // false: abort (closes the connection)
//       });
//
// Design: one thread, one libcurl multi handle. Generation streams are I/O
// bound and decoding a chunk costs microseconds (bench_http_stream), so one
// thread keeps hundreds of streams busy; both callbacks run on the thread that
// called run(), one at a time, so the caller needs no locks.
//
// Policy (eval.md §4.6): every request is streamed with the body of
// build_request_body (every sampling field explicit, max_tokens = the cap).
//  * Retries only before the first SSE event: connection refused or reset,
//    connect timeout, HTTP 429 and 503; exponential backoff from
//    backoff_initial_s, doubling, capped at backoff_max_s (Retry-After honoured
//    up to the cap); at most max_retries retries, then error. Any other HTTP
//    status is an error at once. A stream that has started is never retried: a
//    resampled request would bias the sample toward short outputs.
//  * request_timeout_s is wall clock from the first attempt (backoff included);
//    when it passes the request ends as FinishReason::timeout, partial output
//    kept, never retried.
//  * The API key is read from the environment variable api_key_env (when set
//    and non-empty) and sent as "Authorization: Bearer ..."; it is held only in
//    the request headers, never in results, probes, errors or logs.
#pragma once

#include "moecut/openai_client.h"
#include "moecut/openai_stream.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

struct OpenAIBackendOptions {
    std::string base_url;                      // "http://host:port" ("/v1" suffix accepted)
    ServerKind kind = ServerKind::vllm;
    std::string model;                         // served model name; empty: first of GET /v1/models
    std::string api_key_env = "OPENAI_API_KEY";
    int concurrency = 8;                       // requests in flight
    double request_timeout_s = 1800;           // per request, wall clock; 0 = none
    double connect_timeout_s = 10;
    int max_retries = 4;                       // before the first token only
    double backoff_initial_s = 0.5;
    double backoff_max_s = 16;
};

// What the server said about itself at start (eval.md §1.6): llama.cpp's
// GET /props (default_generation_settings) and GET /v1/models, raw, or null
// with a note when the endpoint is absent or failed.
struct ServerProbe {
    std::string base_url;
    ServerKind kind = ServerKind::vllm;
    std::string model;          // the model the requests name
    nlohmann::json props;       // GET /props body, or null
    nlohmann::json models;      // GET /v1/models body, or null
    std::vector<std::string> notes;
    nlohmann::json to_json() const;
};

class OpenAIBackend {
public:
    using DoneFn = std::function<void(CompletionResult&&)>;
    // Text is reasoning then content of one chunk; ids are the new token ids
    // (empty when the server sends none). Return false to abort the request
    // (FinishReason::aborted).
    using DeltaFn = std::function<bool(const std::string& id, std::string_view text,
                                       std::span<const std::int64_t> new_token_ids)>;

    // Throws InputError for a malformed base_url or options out of range.
    explicit OpenAIBackend(OpenAIBackendOptions options);

    // GETs /props and /v1/models once (later calls return the stored probe) and
    // settles the model name; InputError when no model is named and the server
    // lists none.
    const ServerProbe& probe();

    // Runs every request (probing first if not yet done); on_done is called
    // exactly once per request, in completion order. Bodies are built before
    // anything is sent, so an inexpressible sampler config throws InputError
    // without a single request made.
    void run(std::span<const CompletionRequest> requests, const DoneFn& on_done, const DeltaFn& on_delta = {});

    // The exact body run() sends for r (for records; it holds no credentials).
    nlohmann::json request_body(const CompletionRequest& r);

    const OpenAIBackendOptions& options() const { return opt_; }

private:
    OpenAIBackendOptions opt_;
    std::optional<ServerProbe> probe_;
};

} // namespace moecut

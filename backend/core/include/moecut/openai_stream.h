// One streamed generation from an OpenAI-compatible server: the result record
// and the decoder that builds it from the stream's SSE `data:` payloads.
//
//   CompletionResult r; r.id = "p17/s3";
//   StreamDecoder dec(r);
//   StreamDelta d;
//   for (each SSE event e) if (dec.on_data(e.data, d)) detector.push(d.text, d.token_ids);
//   dec.end_of_stream();                    // no finish_reason seen -> error
//   Outcome o = outcome_of(r, detector.fired());
//
// Chunks read (eval.md §4.1-4.3): choices[0].delta.{content, reasoning_content,
// reasoning} (chat; reasoning kept apart from content) or choices[0].text
// (completions); choices[0].finish_reason and vLLM's stop_reason; token ids from
// choices[0].token_ids (vLLM return_token_ids) or else from
// choices[0].logprobs.content[].id (llama.cpp with n_probs); top-level usage
// (the include_usage chunk); a top-level "error" object ends the stream as an
// error, keeping the partial text. "[DONE]" ends the stream.
//
// finish_reason → FinishReason: "stop" → eos (vLLM: stop_reason null = EOS, an
// integer = a stop token id such as <|im_end|>: also eos; a string = a stop
// string: stop_sequence); "tool_calls"/"function_call" → eos; "length" → length;
// "repetition" (vLLM repetition_detection) → repetition; "abort", "error",
// "content_filter" and unknown values → error.
#pragma once

#include "moecut/eval_outcome.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

enum class FinishReason {
    none,           // still streaming
    eos,            // the model ended (EOS / end-of-turn / tool call)
    stop_sequence,  // a stop string matched (we never send one: the server added it)
    length,         // max_tokens reached: runaway unless a loop was detected
    repetition,     // vLLM's server-side repetition detection stopped it: loop
    aborted,        // the caller's on_delta returned false (e.g. a loop detector fired)
    timeout,        // the client's wall-clock limit
    error,          // transport, HTTP or server error (partial output kept)
};
const char* finish_reason_name(FinishReason f);

struct StreamUsage {
    std::int64_t prompt_tokens = -1;
    std::int64_t completion_tokens = -1;
};

struct CompletionResult {
    std::string id;                     // CompletionRequest::id
    std::string content;                // generated answer text
    std::string reasoning;              // reasoning_content / reasoning deltas
    std::vector<std::int64_t> token_ids;  // when the server sends them (else empty)
    FinishReason finish = FinishReason::none;
    std::string server_finish_reason;   // the server's string, "" if none came
    nlohmann::json stop_reason;         // vLLM's stop_reason (null otherwise)
    std::string error;                  // one line, for error / timeout
    int http_status = 0;                // of the last attempt (0: no response)
    std::optional<StreamUsage> usage;   // from the include_usage chunk
    double ttft_s = -1;                 // first generated text/token, from the last attempt's start
    double total_s = 0;                 // first attempt's start to the end
    int attempts = 0;                   // HTTP attempts made (1 = no retry)
    std::int64_t events = 0;            // SSE data events received

    // The backend's view of how the generation ended (eval_outcome.h).
    Termination termination() const;
};

// classify(loop_detected || finish == repetition, r.termination()).
Outcome outcome_of(const CompletionResult& r, bool loop_detected);

// Every field; no request body, no headers (so never an API key).
void to_json(nlohmann::json& j, const CompletionResult& r);

// What one chunk added: reasoning then content text, and token ids.
struct StreamDelta {
    std::string text;
    std::vector<std::int64_t> token_ids;
    void clear() { text.clear(); token_ids.clear(); }
};

class StreamDecoder {
public:
    explicit StreamDecoder(CompletionResult& result) : r_(result) {}

    // One SSE data payload. Fills `delta` (cleared first) and returns true when
    // the chunk carried generated text or token ids. A payload that is not JSON
    // ends the stream as an error (returns false).
    bool on_data(std::string_view data, StreamDelta& delta);
    // "[DONE]" seen, or an error event ended the stream.
    bool done() const { return done_; }
    // The body ended: without a finish_reason (and no error yet) → error.
    void end_of_stream();

private:
    void fail(std::string message);

    CompletionResult& r_;
    bool done_ = false;
};

} // namespace moecut

// One sample of a loop-rate evaluation: what was generated for a (probe,
// sample index) pair and how it ended. The unit the store keeps, the metrics
// count and the reports list.
#pragma once

#include "moecut/eval_outcome.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace moecut {

struct SampleRecord {
    std::string probe_id;
    std::string source;
    std::uint32_t sample_index = 0;
    std::uint64_t seed = 0;             // the sampler seed of this sample
    std::int64_t prompt_tokens = 0;     // 0 when the backend did not say
    std::vector<std::int64_t> tokens;   // generated ids (EOS included when it ended there); may be
                                        // empty when a server returns only text
    std::int64_t n_tokens = 0;          // generated tokens (= tokens.size() when ids are known)
    std::string text;                   // generated text, when the backend gives it
    Outcome outcome = Outcome::error;
    std::string loop_kind;              // detector that fired, "" when none
    std::int64_t loop_period = 0;
    std::int64_t loop_start = -1;
    std::string finish_reason;          // the backend's own word ("eos", "length", "stop", ...)
    double ttft_s = 0;                  // time to the first token
    double total_s = 0;
    int attempts = 1;
    std::string error;                  // for error and timeout outcomes
};

// The record as a JSON object (tokens as an array): the per-sample export.
nlohmann::ordered_json record_to_json(const SampleRecord& r);

} // namespace moecut

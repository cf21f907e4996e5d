// The options `moecut eval` and `moecut sweep` share, and the backend they
// choose: the built-in runtime (--model DIR) or an OpenAI-compatible server
// (--endpoint URL --served-model NAME).
#pragma once

#include "moecut/eval_runner.h"
#include "moecut/tokenizer.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

namespace moecut::cli {

struct EvalArgs {
    std::string model, endpoint, served_model, server_kind = "vllm", api_key_env = "OPENAI_API_KEY", tokenizer;
    std::string probes, out, baseline, name, semantics, interval = "exact", device = "cpu", detector;
    std::size_t n = 0, batch_size = 8;
    std::uint32_t samples_per_probe = 1;
    std::uint64_t seed = 0;
    std::int64_t cap = 512;
    int concurrency = 8;
    double timeout_s = 1800;
    bool no_stop_at_loop = false, json = false;
    SamplerConfig sampler;
};

// Adds every shared flag to cmd (sampler flags default to raw sampling).
void add_eval_options(CLI::App* cmd, EvalArgs& a);

// A chosen backend and what it borrows (the detector's tokenizer).
struct EvalBackend {
    std::optional<Tokenizer> tokenizer;
    std::unique_ptr<SampleBackend> backend;
};

// Checks the flags (InputError naming the flag), opens the backend and fills
// the settings, including the detector's </think> ids from the tokenizer.
EvalBackend open_eval_backend(const EvalArgs& a, EvalSettings& settings);

} // namespace moecut::cli

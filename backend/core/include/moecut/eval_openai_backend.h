// An OpenAI-compatible server (vLLM, SGLang, llama.cpp) as an evaluation
// backend: N concurrent streaming requests, one LoopDetector per sample fed as
// tokens arrive, the stream closed at a detection when settings.stop_at_loop.
//
//   OpenAISampleBackend backend(options, tokenizer_or_null);
//   run_evaluation(settings, backend, rundir);
//
// The detector reads the server's token ids when it sends them (vLLM
// return_token_ids, llama.cpp n_probs); otherwise the streamed text is
// re-encoded with `tokenizer` (when given) or, without one, taken byte by byte
// (periods are then in bytes: the identity records which). Each finished
// request is stored as it ends, so a killed run resumes with only the
// unfinished requests. The server probe (GET /props, /v1/models) is part of
// the run identity.
#pragma once

#include "moecut/eval_runner.h"
#include "moecut/openai_backend.h"
#include "moecut/tokenizer.h"

namespace moecut {

class OpenAISampleBackend final : public SampleBackend {
public:
    OpenAISampleBackend(OpenAIBackendOptions options, const Tokenizer* tokenizer);

    nlohmann::ordered_json identity() const override;
    std::size_t chunk_size() const override;
    void generate(std::span<const SampleRequest> requests, const EvalSettings& settings,
                  const std::function<void(std::vector<SampleRecord>&&)>& done) override;

private:
    OpenAIBackend backend_;
    const Tokenizer* tokenizer_;
    nlohmann::ordered_json probe_;
};

} // namespace moecut

// The built-in runtime as an evaluation backend: batched sampling to EOS on
// CPU or GPU, one RowSampler and one LoopDetector per sample.
//
//   BuiltinBackend backend(model_dir, {.device = torch::kCPU}, /*batch=*/8);
//   run_evaluation(settings, backend, rundir);
//
// `prompt` probes are encoded as plain text (with the tokenizer's special
// tokens, as transformers' encode does); `messages` probes go through the
// checkpoint's chat template with the generation prompt. Each chunk of
// requests is one left-padded batch. A sample ends at an EOS id of
// generation_config.json, at the cap, or, when settings.stop_at_loop, at the
// token where its loop detector fires (the outcome is a loop either way).
// Records carry the generated ids and their decoded text.
#pragma once

#include "moecut/engine/model.h"
#include "moecut/eval_runner.h"
#include "moecut/tokenizer.h"

#include <filesystem>
#include <optional>

namespace moecut {
class ChatTemplate;
}

namespace moecut::engine {

class BuiltinBackend final : public SampleBackend {
public:
    BuiltinBackend(const std::filesystem::path& model_dir, ModelOptions options, std::size_t batch_size);
    ~BuiltinBackend() override;

    nlohmann::ordered_json identity() const override;
    std::size_t chunk_size() const override { return batch_; }
    void generate(std::span<const SampleRequest> requests, const EvalSettings& settings,
                  const std::function<void(std::vector<SampleRecord>&&)>& done) override;

    const Tokenizer& tokenizer() const { return *tokenizer_; }

private:
    std::vector<std::int64_t> encode(const Probe& probe) const;

    std::filesystem::path dir_;
    std::size_t batch_;
    Model model_;
    std::optional<Tokenizer> tokenizer_;
    std::unique_ptr<ChatTemplate> chat_;
    std::vector<std::int64_t> eos_;
    std::string fingerprint_;
};

// The ids of "</think>" and "<think>" in the tokenizer's vocabulary, set on
// the detector config when it names none (reasoning restarts).
void fill_think_ids(LoopDetectorConfig& detector, const Tokenizer& tokenizer);

} // namespace moecut::engine

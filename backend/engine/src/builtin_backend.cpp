#include "moecut/engine/builtin_backend.h"

#include "moecut/chat_template.h"
#include "moecut/checkpoint_hash.h"
#include "moecut/engine/generate.h"
#include "moecut/error.h"

#include <fmt/core.h>

#include <chrono>

namespace moecut::engine {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

const char* dtype_name(torch::Dtype d) {
    switch (d) {
    case torch::kFloat32: return "float32";
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat16: return "float16";
    default: return "other";
    }
}

} // namespace

BuiltinBackend::BuiltinBackend(const std::filesystem::path& model_dir, ModelOptions options, std::size_t batch_size)
    : dir_(model_dir), batch_(std::max<std::size_t>(1, batch_size)), model_(Model::open(model_dir, options)) {
    if (!std::filesystem::exists(dir_ / "tokenizer.json"))
        throw_input(dir_.string(), "no tokenizer.json: the built-in evaluation backend needs the model's tokenizer");
    tokenizer_.emplace(Tokenizer::from_file(dir_ / "tokenizer.json"));
    if (std::filesystem::exists(dir_ / "tokenizer_config.json")) {
        try {
            chat_ = std::make_unique<ChatTemplate>(ChatTemplate::from_tokenizer_config(dir_));
        } catch (const InputError&) {
            // No template: `messages` probes are refused when they come.
        }
    }
    eos_ = eos_token_ids(dir_);
    if (eos_.empty()) throw_input(dir_.string(), "no eos_token_id in generation_config.json or config.json");
    fingerprint_ = checkpoint_fingerprint(dir_);
}

BuiltinBackend::~BuiltinBackend() = default;

nlohmann::ordered_json BuiltinBackend::identity() const {
    const auto& o = model_.options();
    return {{"kind", "builtin"},
            {"model", dir_.filename().string()},
            {"fingerprint", fingerprint_},
            {"device", o.device.is_cuda() ? "cuda" : "cpu"},
            {"dtype", dtype_name(o.dtype)},
            {"batch", batch_},
            {"eos_ids", eos_}};
}

std::vector<std::int64_t> BuiltinBackend::encode(const Probe& probe) const {
    std::vector<std::int32_t> ids;
    if (probe.prompt) {
        ids = tokenizer_->encode(*probe.prompt, /*add_special_tokens=*/true);
    } else {
        if (!chat_) throw_input(dir_.string(), fmt::format("probe '{}' has messages but the model has no chat template", probe.id));
        ids = tokenizer_->encode(chat_->render(probe.messages, nullptr, /*add_generation_prompt=*/true), false);
    }
    if (ids.empty()) throw InputError(fmt::format("probe '{}': the prompt has no tokens", probe.id));
    return {ids.begin(), ids.end()};
}

void BuiltinBackend::generate(std::span<const SampleRequest> requests, const EvalSettings& settings,
                              const std::function<void(std::vector<SampleRecord>&&)>& done) {
    const auto t0 = Clock::now();
    std::vector<std::vector<std::int64_t>> prompts;
    std::vector<RowSampler> samplers;
    std::vector<LoopDetector> detectors;
    for (const auto& q : requests) {
        prompts.push_back(encode(q.probe));
        samplers.emplace_back(settings.sampler, q.seed);
        detectors.emplace_back(settings.detector);
    }
    std::vector<double> first_token_s(requests.size(), 0), end_s(requests.size(), 0);
    GenerateOptions o;
    o.max_new_tokens = settings.cap;
    o.eos_ids = eos_;
    o.row_samplers = &samplers;
    o.stop_row = [&](std::size_t row, std::int64_t token) {
        if (detectors[row].tokens_seen() == 0) first_token_s[row] = seconds_since(t0);
        const bool fired = detectors[row].push(token);
        return settings.stop_at_loop && fired;
    };
    o.on_step = [&](std::int64_t, const std::vector<std::int64_t>& tokens) {
        const double now = seconds_since(t0);
        for (std::size_t b = 0; b < tokens.size(); ++b)
            if (tokens[b] >= 0) end_s[b] = now;
    };
    const auto out = engine::generate(model_, prompts, o);

    std::vector<SampleRecord> records;
    for (std::size_t b = 0; b < requests.size(); ++b) {
        const auto& q = requests[b];
        SampleRecord r;
        r.probe_id = q.probe.id;
        r.source = q.probe.source;
        r.sample_index = q.sample_index;
        r.seed = q.seed;
        r.prompt_tokens = static_cast<std::int64_t>(prompts[b].size());
        r.tokens = out[b].tokens;
        r.n_tokens = static_cast<std::int64_t>(r.tokens.size());
        const std::vector<std::int32_t> ids(r.tokens.begin(), r.tokens.end());
        r.text = tokenizer_->decode(ids, /*skip_special_tokens=*/false);
        const auto& hit = detectors[b].hit();
        const Termination end = out[b].stop == StopReason::Eos         ? Termination::eos
                                : out[b].stop == StopReason::MaxTokens ? Termination::cap
                                                                       : Termination::stopped;
        r.outcome = classify(hit, end);
        r.loop_kind = hit.kind;
        r.loop_period = hit.period;
        r.loop_start = hit.start;
        r.finish_reason = stop_reason_name(out[b].stop);
        r.ttft_s = first_token_s[b];
        r.total_s = end_s[b];
        records.push_back(std::move(r));
    }
    done(std::move(records));
}

void fill_think_ids(LoopDetectorConfig& detector, const Tokenizer& tokenizer) {
    if (!detector.think_end_ids.empty() || !detector.think_start_ids.empty()) return;
    if (auto id = tokenizer.token_to_id("</think>")) detector.think_end_ids.push_back(*id);
    if (auto id = tokenizer.token_to_id("<think>")) detector.think_start_ids.push_back(*id);
}

} // namespace moecut::engine

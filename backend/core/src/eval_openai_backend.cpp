#include "moecut/eval_openai_backend.h"

#include "moecut/loop_detector.h"

#include <fmt/core.h>

#include <map>

namespace moecut {
namespace {

// Follows one stream: the detector over token ids, re-encoded text, or bytes.
struct StreamWatch {
    LoopDetector detector;
    std::string text;
    std::size_t units_fed = 0;
    std::vector<std::int64_t> ids;
};

} // namespace

OpenAISampleBackend::OpenAISampleBackend(OpenAIBackendOptions options, const Tokenizer* tokenizer)
    : backend_(std::move(options)), tokenizer_(tokenizer) {
    probe_ = nlohmann::ordered_json::parse(backend_.probe().to_json().dump());
}

nlohmann::ordered_json OpenAISampleBackend::identity() const {
    const auto& o = backend_.options();
    nlohmann::ordered_json id = {{"kind", "openai"},
                                 {"server", server_kind_name(o.kind)},
                                 {"base_url", o.base_url},
                                 {"model", probe_.value("model", o.model)},
                                 {"concurrency", o.concurrency},
                                 {"detector_units", tokenizer_ ? "tokenizer" : "server ids, else bytes"},
                                 {"props", probe_.value("props", nlohmann::ordered_json())}};
    return id;
}

std::size_t OpenAISampleBackend::chunk_size() const {
    return static_cast<std::size_t>(std::max(1, backend_.options().concurrency)) * 4;
}

void OpenAISampleBackend::generate(std::span<const SampleRequest> requests, const EvalSettings& settings,
                                   const std::function<void(std::vector<SampleRecord>&&)>& done) {
    std::vector<CompletionRequest> reqs;
    std::map<std::string, const SampleRequest*> by_id;
    std::map<std::string, StreamWatch> watch;
    for (const auto& q : requests) {
        CompletionRequest r;
        r.id = fmt::format("{}#{}", q.probe.id, q.sample_index);
        if (q.probe.prompt) r.prompt = *q.probe.prompt;
        else r.messages = nlohmann::json::parse(q.probe.messages.dump());
        r.sampler = settings.sampler;
        r.max_tokens = settings.cap;
        r.seed = q.seed;
        by_id[r.id] = &q;
        watch.try_emplace(r.id, StreamWatch{LoopDetector(settings.detector), {}, 0, {}});
        reqs.push_back(std::move(r));
    }
    auto on_delta = [&](const std::string& id, std::string_view text, std::span<const std::int64_t> new_ids) {
        auto& w = watch.at(id);
        bool fired = w.detector.hit().detected();
        if (!new_ids.empty()) {
            for (auto t : new_ids) {
                w.ids.push_back(t);
                fired = w.detector.push(t);
            }
        } else if (tokenizer_) {
            // Re-encode the text so far; feed only ids past those already fed
            // (the last one is held back: a later chunk may merge with it).
            w.text += text;
            const auto ids = tokenizer_->encode(w.text, false);
            for (std::size_t i = w.units_fed; i + 1 < ids.size(); ++i) fired = w.detector.push(ids[i]);
            if (ids.size() > 1) w.units_fed = std::max(w.units_fed, ids.size() - 1);
        } else {
            for (unsigned char c : text) fired = w.detector.push(c);
        }
        return !(settings.stop_at_loop && fired);
    };
    auto on_done = [&](CompletionResult&& c) {
        const auto& q = *by_id.at(c.id);
        auto& w = watch.at(c.id);
        SampleRecord r;
        r.probe_id = q.probe.id;
        r.source = q.probe.source;
        r.sample_index = q.sample_index;
        r.seed = q.seed;
        r.tokens = c.token_ids;
        r.text = c.reasoning.empty() ? c.content : c.reasoning + c.content;
        r.n_tokens = !c.token_ids.empty()                       ? static_cast<std::int64_t>(c.token_ids.size())
                     : c.usage && c.usage->completion_tokens >= 0 ? c.usage->completion_tokens
                     : tokenizer_                                 ? static_cast<std::int64_t>(tokenizer_->encode(r.text, false).size())
                                                                  : static_cast<std::int64_t>(r.text.size());
        if (c.usage && c.usage->prompt_tokens >= 0) r.prompt_tokens = c.usage->prompt_tokens;
        const auto& hit = w.detector.hit();
        r.outcome = outcome_of(c, hit.detected());
        r.loop_kind = hit.detected() ? hit.kind : (c.finish == FinishReason::repetition ? "server" : "");
        r.loop_period = hit.period;
        r.loop_start = hit.start;
        r.finish_reason = c.server_finish_reason.empty() ? finish_reason_name(c.finish) : c.server_finish_reason;
        r.ttft_s = std::max(0.0, c.ttft_s);
        r.total_s = c.total_s;
        r.attempts = c.attempts;
        r.error = c.error;
        std::vector<SampleRecord> one;
        one.push_back(std::move(r));
        done(std::move(one));
    };
    backend_.run(reqs, on_done, on_delta);
}

} // namespace moecut

// Decoding OpenAI-compatible stream chunks into a CompletionResult (see
// moecut/openai_stream.h).
#include "moecut/openai_stream.h"

#include <string>

namespace moecut {

namespace {

using nlohmann::json;

FinishReason map_finish(const std::string& reason, const json& stop_reason) {
    if (reason == "stop") return stop_reason.is_string() ? FinishReason::stop_sequence : FinishReason::eos;
    if (reason == "tool_calls" || reason == "function_call") return FinishReason::eos;
    if (reason == "length") return FinishReason::length;
    if (reason == "repetition") return FinishReason::repetition;
    return FinishReason::error;  // abort, error, content_filter, unknown
}

// Appends a string field of `obj` to `out` (and to the delta), if present.
void take_text(const json& obj, const char* key, std::string& out, StreamDelta& delta, bool& any) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return;
    const auto& s = it->get_ref<const std::string&>();
    if (s.empty()) return;
    out += s;
    delta.text += s;
    any = true;
}

std::string one_line(std::string s, std::size_t max = 500) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    if (s.size() > max) s = s.substr(0, max) + "...";
    return s;
}

} // namespace

const char* finish_reason_name(FinishReason f) {
    switch (f) {
    case FinishReason::none: return "none";
    case FinishReason::eos: return "eos";
    case FinishReason::stop_sequence: return "stop_sequence";
    case FinishReason::length: return "length";
    case FinishReason::repetition: return "repetition";
    case FinishReason::aborted: return "aborted";
    case FinishReason::timeout: return "timeout";
    case FinishReason::error: return "error";
    }
    return "?";
}

Termination CompletionResult::termination() const {
    switch (finish) {
    case FinishReason::eos: return Termination::eos;
    case FinishReason::length: return Termination::cap;
    case FinishReason::repetition:
    case FinishReason::aborted:
    case FinishReason::stop_sequence: return Termination::stopped;
    case FinishReason::timeout: return Termination::timeout;
    case FinishReason::none:
    case FinishReason::error: return Termination::error;
    }
    return Termination::error;
}

Outcome outcome_of(const CompletionResult& r, bool loop_detected) {
    return classify(loop_detected || r.finish == FinishReason::repetition, r.termination());
}

void to_json(nlohmann::json& j, const CompletionResult& r) {
    j = json{{"id", r.id},
             {"content", r.content},
             {"reasoning", r.reasoning},
             {"token_ids", r.token_ids},
             {"finish", finish_reason_name(r.finish)},
             {"server_finish_reason", r.server_finish_reason},
             {"stop_reason", r.stop_reason},
             {"error", r.error},
             {"http_status", r.http_status},
             {"ttft_s", r.ttft_s},
             {"total_s", r.total_s},
             {"attempts", r.attempts},
             {"events", r.events}};
    if (r.usage)
        j["usage"] = {{"prompt_tokens", r.usage->prompt_tokens}, {"completion_tokens", r.usage->completion_tokens}};
    else
        j["usage"] = nullptr;
}

void StreamDecoder::fail(std::string message) {
    r_.finish = FinishReason::error;
    r_.error = one_line(std::move(message));
    done_ = true;
}

bool StreamDecoder::on_data(std::string_view data, StreamDelta& delta) {
    delta.clear();
    if (done_) return false;
    ++r_.events;
    if (data == "[DONE]") {
        done_ = true;
        return false;
    }
    json chunk = json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (chunk.is_discarded() || !chunk.is_object()) {
        fail("stream chunk is not a JSON object: " + std::string(data.substr(0, 200)));
        return false;
    }
    if (auto e = chunk.find("error"); e != chunk.end() && !e->is_null()) {
        std::string msg = e->is_object() && e->contains("message") && (*e)["message"].is_string()
                              ? (*e)["message"].get<std::string>()
                              : e->dump();
        fail("server error event: " + msg);
        return false;
    }
    if (auto u = chunk.find("usage"); u != chunk.end() && u->is_object()) {
        StreamUsage usage;
        if (u->contains("prompt_tokens") && (*u)["prompt_tokens"].is_number_integer())
            usage.prompt_tokens = (*u)["prompt_tokens"].get<std::int64_t>();
        if (u->contains("completion_tokens") && (*u)["completion_tokens"].is_number_integer())
            usage.completion_tokens = (*u)["completion_tokens"].get<std::int64_t>();
        r_.usage = usage;
    }
    auto choices = chunk.find("choices");
    if (choices == chunk.end() || !choices->is_array()) return false;
    bool any = false;
    for (const json& c : *choices) {
        if (!c.is_object()) continue;
        if (auto idx = c.find("index"); idx != c.end() && idx->is_number_integer() && idx->get<int>() != 0)
            continue;  // we always ask for n = 1
        if (auto d = c.find("delta"); d != c.end() && d->is_object()) {
            take_text(*d, "reasoning_content", r_.reasoning, delta, any);
            take_text(*d, "reasoning", r_.reasoning, delta, any);
            take_text(*d, "content", r_.content, delta, any);
        }
        take_text(c, "text", r_.content, delta, any);
        if (auto ids = c.find("token_ids"); ids != c.end() && ids->is_array()) {
            for (const json& t : *ids)
                if (t.is_number_integer()) delta.token_ids.push_back(t.get<std::int64_t>());
        } else if (auto lp = c.find("logprobs"); lp != c.end() && lp->is_object()) {
            if (auto content = lp->find("content"); content != lp->end() && content->is_array())
                for (const json& t : *content)
                    if (t.is_object() && t.contains("id") && t["id"].is_number_integer())
                        delta.token_ids.push_back(t["id"].get<std::int64_t>());
        }
        if (auto sr = c.find("stop_reason"); sr != c.end()) r_.stop_reason = *sr;
        if (auto fr = c.find("finish_reason"); fr != c.end() && fr->is_string()) {
            r_.server_finish_reason = fr->get<std::string>();
            r_.finish = map_finish(r_.server_finish_reason, r_.stop_reason);
            if (r_.finish == FinishReason::error && r_.error.empty())
                r_.error = "server finish_reason \"" + one_line(r_.server_finish_reason, 80) + "\"";
        }
    }
    if (!delta.token_ids.empty()) {
        r_.token_ids.insert(r_.token_ids.end(), delta.token_ids.begin(), delta.token_ids.end());
        any = true;
    }
    return any;
}

void StreamDecoder::end_of_stream() {
    done_ = true;
    if (r_.finish == FinishReason::none) {
        r_.finish = FinishReason::error;
        if (r_.error.empty()) r_.error = "stream ended without a finish_reason";
    }
}

} // namespace moecut

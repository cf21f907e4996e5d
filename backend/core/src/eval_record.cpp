#include "moecut/eval_record.h"

namespace moecut {

using nlohmann::ordered_json;

nlohmann::ordered_json record_to_json(const SampleRecord& r) {
    ordered_json j;
    j["probe_id"] = r.probe_id;
    j["source"] = r.source;
    j["sample_index"] = r.sample_index;
    j["seed"] = r.seed;
    j["outcome"] = outcome_name(r.outcome);
    if (r.outcome == Outcome::loop) {
        j["loop_kind"] = r.loop_kind;
        j["period"] = r.loop_period;
        j["start"] = r.loop_start;
    }
    j["finish_reason"] = r.finish_reason;
    j["prompt_tokens"] = r.prompt_tokens;
    j["n_tokens"] = r.n_tokens;
    j["ttft_s"] = r.ttft_s;
    j["total_s"] = r.total_s;
    j["attempts"] = r.attempts;
    if (!r.error.empty()) j["error"] = r.error;
    j["tokens"] = r.tokens;
    if (!r.text.empty()) j["text"] = r.text;
    return j;
}

} // namespace moecut

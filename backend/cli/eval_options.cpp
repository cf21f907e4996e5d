#include "eval_options.h"

#include "moecut/error.h"
#include "moecut/eval_openai_backend.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#ifdef MOECUT_HAVE_ENGINE
#include "moecut/engine/builtin_backend.h"

#include <torch/cuda.h>
#endif

namespace moecut::cli {

void add_eval_options(CLI::App* cmd, EvalArgs& a) {
    cmd->add_option("--model", a.model, "Checkpoint folder for the built-in runtime (with tokenizer.json)");
    cmd->add_option("--endpoint", a.endpoint, "Base URL of an OpenAI-compatible server (http://host:port)");
    cmd->add_option("--served-model", a.served_model, "The model name the server serves (default: its first)");
    cmd->add_option("--server-kind", a.server_kind, "vllm, sglang, llamacpp or openai: field names and semantics")
        ->default_val("vllm");
    cmd->add_option("--api-key-env", a.api_key_env, "Environment variable holding the API key (never stored)")
        ->default_val("OPENAI_API_KEY");
    cmd->add_option("--tokenizer", a.tokenizer, "tokenizer.json folder for loop detection on a server's text");
    cmd->add_option("--probes", a.probes, "Probe JSONL: prompt or messages, source, id")->required();
    cmd->add_option("--n", a.n, "Probes to sample (0 = all); the selection is nested and seeded")->default_val(0);
    cmd->add_option("--samples-per-probe", a.samples_per_probe, "Samples per probe")->default_val(1);
    cmd->add_option("--seed", a.seed, "Run seed: probe selection and every sample's sampler seed")->default_val(0);
    SamplerConfig& s = a.sampler;
    cmd->add_option("--temperature", s.temperature, "Sampling temperature (default 1: raw sampling)")->default_val(1);
    cmd->add_option("--top-k", s.top_k, "Keep the k most likely tokens; 0 = off")->default_val(0);
    cmd->add_option("--top-p", s.top_p, "Nucleus mass in (0, 1]; 1 = off")->default_val(1);
    cmd->add_option("--min-p", s.min_p, "min-p in [0, 1]; 0 = off")->default_val(0);
    cmd->add_option("--rep-pen", s.repetition_penalty, "Repetition penalty (> 0; 1 = off)")->default_val(1);
    cmd->add_option("--presence-penalty", s.presence_penalty, "Presence penalty in [-2, 2]")->default_val(0);
    cmd->add_option("--frequency-penalty", s.frequency_penalty, "Frequency penalty in [-2, 2]")->default_val(0);
    cmd->add_option("--penalty-last-n", s.penalty_last_n, "llamacpp penalty window; -1 all, 0 off")->default_val(64);
    cmd->add_option("--sampler-semantics", a.semantics,
                    "vllm, hf or llamacpp (default: vllm built in, the server's own with --endpoint)");
    cmd->add_option("--cap", a.cap, "Instrument cap: max new tokens per sample (runaway when reached)")->default_val(512);
    cmd->add_option("--concurrency", a.concurrency, "Requests in flight (--endpoint)")->default_val(8);
    cmd->add_option("--timeout", a.timeout_s, "Per-request wall-clock limit in seconds (--endpoint; 0 = none)")
        ->default_val(1800);
    cmd->add_option("--batch-size", a.batch_size, "Sequences per batch (--model)")->default_val(8);
    cmd->add_option("--device", a.device, "cpu or cuda (--model)")->default_val("cpu")->check(CLI::IsMember({"cpu", "cuda"}));
    cmd->add_option("--detector-config", a.detector,
                    "Loop detector settings as JSON (fields of `moecut loops detect --config`; missing ones keep "
                    "their defaults), e.g. '{\"window\": 128}' so near-duplicate loops can fire under a small --cap");
    cmd->add_flag("--no-stop-at-loop", a.no_stop_at_loop, "Generate to EOS or the cap even after a loop is detected");
    cmd->add_option("--interval", a.interval, "exact (Clopper-Pearson) or wilson")->default_val("exact");
    cmd->add_option("--baseline", a.baseline, "A finished run folder to test against");
    cmd->add_option("--name", a.name, "Row name in tables (default: the output folder's name)");
    cmd->add_option("--out", a.out, "Run folder (resumes when it holds the same run)")->required();
    cmd->add_flag("--json", a.json, "Print results.json instead of the tables");
}

EvalBackend open_eval_backend(const EvalArgs& a, EvalSettings& s) {
    if (a.model.empty() == a.endpoint.empty()) throw InputError("give exactly one of --model and --endpoint");
    if (a.cap < 1) throw InputError(fmt::format("--cap: must be at least 1, got {}", a.cap));
    if (a.samples_per_probe < 1) throw InputError("--samples-per-probe: must be at least 1");
    const auto method = stats::parse_interval_method(a.interval);
    if (!method) throw InputError(fmt::format("--interval: expected exact or wilson, got '{}'", a.interval));
    s.name = a.name;
    s.probes_file = a.probes;
    s.n = a.n;
    s.samples_per_probe = a.samples_per_probe;
    s.seed = a.seed;
    s.sampler = a.sampler;
    s.cap = a.cap;
    s.stop_at_loop = !a.no_stop_at_loop;
    s.interval = *method;
    s.baseline = a.baseline;
    if (!a.detector.empty()) {
        const auto j = nlohmann::json::parse(a.detector, nullptr, false);
        if (j.is_discarded() || !j.is_object()) throw InputError("--detector-config: expected a JSON object");
        try {
            s.detector = j.get<LoopDetectorConfig>();
            s.detector.validate();
        } catch (const InputError& e) {
            throw InputError(fmt::format("--detector-config: {}", e.what()));
        }
    }
    EvalBackend b;
    if (!a.endpoint.empty()) {
        OpenAIBackendOptions o;
        o.base_url = a.endpoint;
        o.kind = parse_server_kind(a.server_kind, "--server-kind");
        o.model = a.served_model;
        o.api_key_env = a.api_key_env;
        if (a.concurrency < 1) throw InputError(fmt::format("--concurrency: must be at least 1, got {}", a.concurrency));
        o.concurrency = a.concurrency;
        o.request_timeout_s = a.timeout_s;
        s.sampler.semantics = a.semantics.empty() ? server_semantics(o.kind) : parse_sampler_semantics(a.semantics, "--sampler-semantics");
        s.sampler.validate("eval");
        if (!a.tokenizer.empty()) b.tokenizer.emplace(Tokenizer::from_file(std::filesystem::path(a.tokenizer) / "tokenizer.json"));
        b.backend = std::make_unique<OpenAISampleBackend>(o, b.tokenizer ? &*b.tokenizer : nullptr);
        return b;
    }
#ifdef MOECUT_HAVE_ENGINE
    s.sampler.semantics = a.semantics.empty() ? SamplerSemantics::vllm : parse_sampler_semantics(a.semantics, "--sampler-semantics");
    s.sampler.validate("eval");
    if (a.batch_size < 1) throw InputError("--batch-size: must be at least 1");
    engine::ModelOptions mo;
    if (a.device == "cuda") {
        if (!torch::cuda::is_available()) throw InputError("--device cuda: no CUDA device is available");
        mo.device = torch::kCUDA;
    }
    auto builtin = std::make_unique<engine::BuiltinBackend>(a.model, mo, a.batch_size);
    engine::fill_think_ids(s.detector, builtin->tokenizer());
    b.backend = std::move(builtin);
    return b;
#else
    throw InputError("--model: this moecut was built without the LibTorch engine; use --endpoint");
#endif
}

} // namespace moecut::cli

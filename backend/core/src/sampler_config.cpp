// SamplerConfig: the engine semantics' names, range checks and JSON form.
#include "moecut/error.h"
#include "moecut/sampling.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

namespace moecut {

const char* sampler_semantics_name(SamplerSemantics s) {
    switch (s) {
    case SamplerSemantics::vllm: return "vllm";
    case SamplerSemantics::hf: return "hf";
    case SamplerSemantics::llamacpp: return "llamacpp";
    }
    return "?";
}

SamplerSemantics parse_sampler_semantics(std::string_view name, std::string_view where) {
    if (name == "vllm") return SamplerSemantics::vllm;
    if (name == "hf") return SamplerSemantics::hf;
    if (name == "llamacpp") return SamplerSemantics::llamacpp;
    throw InputError(fmt::format("{}: sampler semantics '{}' is not one of vllm, hf, llamacpp", where, name));
}

bool SamplerConfig::greedy() const {
    // vLLM: _SAMPLING_EPS = 1e-5 (v1/sample/sampler.py); transformers: do_sample=False
    // is the same choice; llama.cpp: llama_sampler_temp_impl keeps only the max for temp <= 0.
    return semantics == SamplerSemantics::llamacpp ? temperature <= 0 : temperature < 1e-5;
}

void SamplerConfig::validate(std::string_view where) const {
    auto bad = [&](std::string_view field, std::string_view flag, std::string_view rule, auto value) {
        throw InputError(fmt::format("{}: {} ({}) must be {}, got {}", where, field, flag, rule, value));
    };
    if (!(std::isfinite(temperature) && temperature >= 0)) bad("temperature", "--temperature", ">= 0", temperature);
    if (top_k < 0) bad("top_k", "--top-k", ">= 0 (0 = off)", top_k);
    if (!(top_p > 0 && top_p <= 1)) bad("top_p", "--top-p", "in (0, 1]", top_p);
    if (!(min_p >= 0 && min_p <= 1)) bad("min_p", "--min-p", "in [0, 1]", min_p);
    if (!(std::isfinite(repetition_penalty) && repetition_penalty > 0))
        bad("repetition_penalty", "--rep-pen", "> 0 (1 = off)", repetition_penalty);
    if (!(presence_penalty >= -2 && presence_penalty <= 2))
        bad("presence_penalty", "--presence-penalty", "in [-2, 2]", presence_penalty);
    if (!(frequency_penalty >= -2 && frequency_penalty <= 2))
        bad("frequency_penalty", "--frequency-penalty", "in [-2, 2]", frequency_penalty);
    if (penalty_last_n < -1) bad("penalty_last_n", "--penalty-last-n", ">= -1 (-1 = whole context, 0 = off)", penalty_last_n);
    if (semantics == SamplerSemantics::hf) {
        // transformers' generate() has no OpenAI-style presence/frequency penalty.
        if (presence_penalty != 0)
            bad("presence_penalty", "--presence-penalty", "0 under hf semantics (transformers has none)", presence_penalty);
        if (frequency_penalty != 0)
            bad("frequency_penalty", "--frequency-penalty", "0 under hf semantics (transformers has none)",
                frequency_penalty);
    }
}

void to_json(nlohmann::json& j, const SamplerConfig& c) {
    j = nlohmann::json{{"temperature", c.temperature},
                       {"top_k", c.top_k},
                       {"top_p", c.top_p},
                       {"min_p", c.min_p},
                       {"repetition_penalty", c.repetition_penalty},
                       {"presence_penalty", c.presence_penalty},
                       {"frequency_penalty", c.frequency_penalty},
                       {"penalty_last_n", c.penalty_last_n},
                       {"semantics", sampler_semantics_name(c.semantics)}};
}

void from_json(const nlohmann::json& j, SamplerConfig& c) {
    constexpr std::string_view kWhat = "sampler config";
    if (!j.is_object()) throw InputError(fmt::format("{}: not a JSON object", kWhat));
    SamplerConfig out;
    auto number = [&](const std::string& key, const nlohmann::json& v) {
        if (!v.is_number()) throw InputError(fmt::format("{}: {} must be a number", kWhat, key));
        return v.get<double>();
    };
    auto integer = [&](const std::string& key, const nlohmann::json& v) {
        if (!v.is_number_integer()) throw InputError(fmt::format("{}: {} must be an integer", kWhat, key));
        const auto x = v.get<std::int64_t>();
        if (x < -(1LL << 30) || x > (1LL << 30)) throw InputError(fmt::format("{}: {} is out of range", kWhat, key));
        return static_cast<int>(x);
    };
    for (const auto& [key, v] : j.items()) {
        if (key == "temperature") out.temperature = number(key, v);
        else if (key == "top_k") out.top_k = integer(key, v);
        else if (key == "top_p") out.top_p = number(key, v);
        else if (key == "min_p") out.min_p = number(key, v);
        else if (key == "repetition_penalty") out.repetition_penalty = number(key, v);
        else if (key == "presence_penalty") out.presence_penalty = number(key, v);
        else if (key == "frequency_penalty") out.frequency_penalty = number(key, v);
        else if (key == "penalty_last_n") out.penalty_last_n = integer(key, v);
        else if (key == "semantics") {
            if (!v.is_string()) throw InputError(fmt::format("{}: semantics must be a string", kWhat));
            out.semantics = parse_sampler_semantics(v.get<std::string>(), kWhat);
        } else {
            throw InputError(fmt::format("{}: unknown field '{}'", kWhat, key));
        }
    }
    c = out;
}

} // namespace moecut

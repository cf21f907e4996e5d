// moecut generate: text (or token ids) from a checkpoint, with a KV cache.
#include "commands.h"

#ifdef MOECUT_HAVE_ENGINE

#include "moecut/chat_template.h"
#include "moecut/engine/generate.h"
#include "moecut/error.h"
#include "moecut/sampling.h"
#include "moecut/tokenizer.h"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace moecut::cli {
namespace {

struct GenerateArgs {
    std::string model, prompt, prompt_tokens, device = "cpu";
    bool chat = false, json = false;
    std::int64_t max_new_tokens = 64;
    // Sampling: temperature 0 (greedy) stays generate's default; the other
    // fields default to off (SamplerConfig's raw defaults).
    SamplerConfig sampler = [] {
        SamplerConfig c;
        c.temperature = 0;
        return c;
    }();
    std::string semantics = "vllm";
    std::uint64_t seed = 0;
};

// "1,2,3" or "1 2 3".
std::vector<std::int64_t> parse_ids(const std::string& s) {
    std::vector<std::int64_t> ids;
    std::string cur;
    auto flush = [&] {
        if (cur.empty()) return;
        std::size_t used = 0;
        long long v = -1;
        try {
            v = std::stoll(cur, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != cur.size() || v < 0) throw InputError(fmt::format("--prompt-tokens: '{}' is not a token id", cur));
        ids.push_back(v);
        cur.clear();
    };
    for (char c : s) {
        if (c == ',' || c == ' ' || c == '\t' || c == '\n') flush();
        else cur += c;
    }
    flush();
    if (ids.empty()) throw InputError("--prompt-tokens: no token ids given");
    return ids;
}

torch::Device parse_device(const std::string& d) {
    if (d == "cpu") return torch::kCPU;
    if (!torch::cuda::is_available()) throw InputError("--device cuda: no CUDA device is available");
    return torch::Device(torch::kCUDA, 0);
}

void run(const GenerateArgs& a) {
    SamplerConfig sc = a.sampler;
    sc.semantics = parse_sampler_semantics(a.semantics, "--sampler-semantics");
    sc.validate("generate");
    const std::filesystem::path dir = a.model;
    const bool text_prompt = !a.prompt.empty();
    if (text_prompt == !a.prompt_tokens.empty()) throw InputError("give exactly one of --prompt and --prompt-tokens");
    if (a.chat && !text_prompt) throw InputError("--chat needs the prompt as text (--prompt)");
    std::optional<Tokenizer> tok;
    if (std::filesystem::exists(dir / "tokenizer.json")) tok.emplace(Tokenizer::from_file(dir / "tokenizer.json"));
    else if (text_prompt) throw_input(dir.string(), "no tokenizer.json: give the prompt as ids with --prompt-tokens");

    std::vector<std::int64_t> prompt;
    std::string rendered;
    if (text_prompt) {
        bool special = true;
        rendered = a.prompt;
        if (a.chat) {
            const auto tmpl = ChatTemplate::from_tokenizer_config(dir);
            nlohmann::ordered_json messages = nlohmann::ordered_json::array();
            messages.push_back({{"role", "user"}, {"content", a.prompt}});
            rendered = tmpl.render(messages, nullptr, /*add_generation_prompt=*/true);
            special = false;  // the template writes the special tokens itself
        }
        for (int32_t id : tok->encode(rendered, special)) prompt.push_back(id);
        if (prompt.empty()) throw InputError("--prompt: the text has no tokens");
    } else {
        prompt = parse_ids(a.prompt_tokens);
    }

    engine::ModelOptions mo;
    mo.device = parse_device(a.device);
    auto model = engine::Model::open(dir, mo);
    for (auto id : prompt)
        if (id >= model.arch().vocab_size)
            throw InputError(fmt::format("--prompt-tokens: token id {} outside the vocabulary [0, {}) of {}", id,
                                         model.arch().vocab_size, (dir / "config.json").string()));

    engine::GenerateOptions go;
    go.max_new_tokens = a.max_new_tokens;
    go.eos_ids = engine::eos_token_ids(dir);
    std::vector<RowSampler> rows;
    rows.emplace_back(sc, a.seed);  // --seed is the row's seed as given
    go.row_samplers = &rows;
    const auto t0 = std::chrono::steady_clock::now();
    const auto out = engine::generate(model, {prompt}, go).at(0);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    std::optional<std::string> text;
    if (tok) {
        std::vector<int32_t> ids(out.tokens.begin(), out.tokens.end());
        text = tok->decode(ids, /*skip_special_tokens=*/true);
    }
    if (a.json) {
        nlohmann::json j = {{"prompt_ids", prompt},
                            {"generated_ids", out.tokens},
                            {"text", text ? nlohmann::json(*text) : nlohmann::json(nullptr)},
                            {"stop_reason", engine::stop_reason_name(out.stop)},
                            {"sampler", sc},
                            {"seed", a.seed},
                            {"seconds", secs}};
        if (a.chat) j["prompt_text"] = rendered;
        fmt::print("{}\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        return;
    }
    if (text) fmt::print("{}\n", *text);
    else fmt::print("{}\n", fmt::join(out.tokens, " "));
    fmt::print(stderr, "{} new tokens, stopped at {}, {:.1f} tokens/s\n", out.tokens.size(),
               engine::stop_reason_name(out.stop), secs > 0 ? static_cast<double>(out.tokens.size()) / secs : 0.0);
}

void register_generate(CLI::App& root) {
    auto args = std::make_shared<GenerateArgs>();
    CLI::App* cmd = root.add_subcommand("generate", "Generate a continuation of a prompt (KV cache; greedy by default, or sampling with vLLM, transformers or llama.cpp semantics)");
    cmd->add_option("--model", args->model, "Checkpoint folder (config.json, safetensors; tokenizer.json for text)")
        ->required();
    cmd->add_option("--prompt", args->prompt, "The prompt as text (needs tokenizer.json)");
    cmd->add_option("--prompt-tokens", args->prompt_tokens, "The prompt as token ids, comma- or space-separated");
    cmd->add_flag("--chat", args->chat, "Wrap the prompt in the chat template of tokenizer_config.json "
                                        "(one user message, generation prompt added)");
    cmd->add_option("--max-new-tokens", args->max_new_tokens, "Stop after this many new tokens")
        ->default_val(64)
        ->check(CLI::NonNegativeNumber);
    SamplerConfig& s = args->sampler;
    cmd->add_option("--temperature", s.temperature,
                    "Sampling temperature; 0 = greedy (the default here; < 1e-5 for vllm/hf, <= 0 for llamacpp)")
        ->default_val(0);
    cmd->add_option("--top-k", s.top_k, "Keep the k most likely tokens; 0 = off")->default_val(0);
    cmd->add_option("--top-p", s.top_p, "Nucleus: keep the most likely tokens up to this mass, in (0, 1]; 1 = off")
        ->default_val(1);
    cmd->add_option("--min-p", s.min_p, "Drop tokens below min_p x the top probability, in [0, 1]; 0 = off")
        ->default_val(0);
    cmd->add_option("--rep-pen", s.repetition_penalty, "Repetition penalty (> 0; 1 = off)")->default_val(1);
    cmd->add_option("--presence-penalty", s.presence_penalty, "Presence penalty in [-2, 2] (not with hf)")
        ->default_val(0);
    cmd->add_option("--frequency-penalty", s.frequency_penalty, "Frequency penalty in [-2, 2] (not with hf)")
        ->default_val(0);
    cmd->add_option("--penalty-last-n", s.penalty_last_n,
                    "llamacpp: penalties count the last N tokens of prompt + output; -1 all, 0 off")
        ->default_val(64);
    cmd->add_option("--sampler-semantics", args->semantics,
                    "Order and token window of the samplers: vllm, hf or llamacpp")
        ->default_val("vllm");
    cmd->add_option("--seed", args->seed, "Seed of the sampler (the same seed, the same tokens on any machine)")
        ->default_val(0);
    cmd->add_option("--device", args->device, "cpu or cuda")->default_val("cpu")->check(CLI::IsMember({"cpu", "cuda"}));
    cmd->add_flag("--json", args->json,
                  "Print one JSON object: prompt_ids, generated_ids, text (null without a tokenizer), stop_reason");
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterGenerate{35, register_generate};

} // namespace moecut::cli

#endif // MOECUT_HAVE_ENGINE

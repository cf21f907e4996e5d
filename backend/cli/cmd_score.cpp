// moecut score: per-token log-probabilities and perplexity of each JSONL line,
// overall and per source/domain tag.
#include "commands.h"

#ifdef MOECUT_HAVE_ENGINE

#include "moecut/engine/model.h"
#include "moecut/error.h"
#include "moecut/tokenizer.h"

#include <ATen/core/grad_mode.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace moecut::cli {
namespace {

struct ScoreArgs {
    std::string model, data, device = "cpu";
    bool json = false;
    std::int64_t max_tokens = 0;
};

struct Line {
    std::size_t number = 0;
    std::optional<std::string> tag;
    std::optional<std::string> text;
    std::vector<std::int64_t> ids;
};

struct Sum {
    std::size_t lines = 0;
    std::int64_t scored = 0;
    double nll = 0;
    nlohmann::json to_json() const {
        const double mean = scored ? nll / static_cast<double>(scored) : 0.0;
        return {{"lines", lines}, {"scored_tokens", scored}, {"mean_nll", mean}, {"perplexity", std::exp(mean)}};
    }
};

[[noreturn]] void bad_line(const std::string& file, std::size_t line, const std::string& problem) {
    throw InputError(fmt::format("{}:{}: {}", file, line, problem));
}

// Reads and checks every line before anything runs.
std::vector<Line> read_lines(const std::string& file, std::int64_t vocab) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw_input(file, "cannot open");
    std::vector<Line> lines;
    std::string s;
    std::size_t n = 0;
    while (std::getline(in, s)) {
        ++n;
        if (s.find_first_not_of(" \t\r") == std::string::npos) continue;
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(s);
        } catch (const nlohmann::json::exception&) {
            bad_line(file, n, "not valid JSON");
        }
        if (!j.is_object()) bad_line(file, n, "not a JSON object");
        Line l;
        l.number = n;
        // "prompt" is the text field of moecut's probe sets (resources/corpus/probes.jsonl).
        const int texts = static_cast<int>(j.contains("text")) + static_cast<int>(j.contains("prompt"));
        const bool has_tokens = j.contains("tokens");
        if (texts + static_cast<int>(has_tokens) != 1)
            bad_line(file, n, "needs exactly one of \"text\", \"prompt\" and \"tokens\"");
        if (texts == 1) {
            const char* key = j.contains("text") ? "text" : "prompt";
            if (!j[key].is_string()) bad_line(file, n, fmt::format("\"{}\" must be a string", key));
            l.text = j[key].get<std::string>();
        } else {
            if (!j["tokens"].is_array()) bad_line(file, n, "\"tokens\" must be a list of token ids");
            for (const auto& v : j["tokens"]) {
                if (!v.is_number_integer()) bad_line(file, n, "\"tokens\" must be a list of token ids");
                const auto id = v.get<std::int64_t>();
                if (id < 0 || id >= vocab)
                    bad_line(file, n, fmt::format("token id {} outside the vocabulary [0, {})", id, vocab));
                l.ids.push_back(id);
            }
        }
        for (const char* key : {"source", "domain"}) {
            if (!j.contains(key) || j[key].is_null()) continue;
            if (!j[key].is_string()) bad_line(file, n, fmt::format("\"{}\" must be a string", key));
            if (!l.tag) l.tag = j[key].get<std::string>();
        }
        lines.push_back(std::move(l));
    }
    if (lines.empty()) throw_input(file, "no lines to score");
    return lines;
}

void run(const ScoreArgs& a) {
    const std::filesystem::path dir = a.model;
    engine::ModelOptions mo;
    if (a.device == "cuda") {
        if (!torch::cuda::is_available()) throw InputError("--device cuda: no CUDA device is available");
        mo.device = torch::Device(torch::kCUDA, 0);
    }
    auto model = engine::Model::open(dir, mo);
    auto lines = read_lines(a.data, model.arch().vocab_size);

    std::optional<Tokenizer> tok;
    for (auto& l : lines) {
        if (l.text) {
            if (!tok) {
                if (!std::filesystem::exists(dir / "tokenizer.json"))
                    throw_input(dir.string(), fmt::format("no tokenizer.json to score text ({}:{}); give token ids "
                                                          "as \"tokens\"", a.data, l.number));
                tok.emplace(Tokenizer::from_file(dir / "tokenizer.json"));
            }
            for (int32_t id : tok->encode(*l.text, true)) l.ids.push_back(id);
            for (auto id : l.ids)
                if (id >= model.arch().vocab_size)
                    bad_line(a.data, l.number, fmt::format("the tokenizer gives id {}, outside the model's vocabulary "
                                                           "[0, {})", id, model.arch().vocab_size));
        }
        if (a.max_tokens > 0 && static_cast<std::int64_t>(l.ids.size()) > a.max_tokens)
            l.ids.resize(static_cast<std::size_t>(a.max_tokens));
        if (l.ids.size() < 2) bad_line(a.data, l.number, "fewer than 2 tokens: nothing to score");
    }

    at::NoGradGuard no_grad;
    Sum overall;
    std::map<std::string, Sum> by_tag;
    nlohmann::json out_lines = nlohmann::json::array();
    for (const auto& l : lines) {
        auto ids = torch::tensor(l.ids, torch::kLong).unsqueeze(0);
        auto logits = model.forward(ids).logits[0].to(torch::kCPU, torch::kFloat32);
        const auto T = static_cast<std::int64_t>(l.ids.size());
        auto lp = torch::log_softmax(logits.narrow(0, 0, T - 1), -1)
                      .gather(1, ids[0].narrow(0, 1, T - 1).unsqueeze(1))
                      .squeeze(1)
                      .to(torch::kDouble)
                      .contiguous();
        std::vector<double> logprobs(lp.data_ptr<double>(), lp.data_ptr<double>() + (T - 1));
        double nll = 0;
        for (double v : logprobs) nll -= v;
        for (Sum* s : {&overall, l.tag ? &by_tag[*l.tag] : nullptr}) {
            if (!s) continue;
            s->lines += 1;
            s->scored += T - 1;
            s->nll += nll;
        }
        const double mean = nll / static_cast<double>(T - 1);
        if (a.json) {
            out_lines.push_back({{"line", l.number},
                                 {"tag", l.tag ? nlohmann::json(*l.tag) : nlohmann::json(nullptr)},
                                 {"tokens", T},
                                 {"logprobs", logprobs},
                                 {"mean_nll", mean},
                                 {"perplexity", std::exp(mean)}});
        } else {
            fmt::print("line {:>5}  {:<12} tokens {:>6}  mean NLL {:8.4f}  perplexity {:10.3f}\n", l.number,
                       l.tag.value_or("-"), T, mean, std::exp(mean));
        }
    }
    if (a.json) {
        nlohmann::json tags = nlohmann::json::object();
        for (const auto& [k, s] : by_tag) tags[k] = s.to_json();
        const nlohmann::json out = {{"lines", out_lines}, {"by_tag", tags}, {"overall", overall.to_json()}};
        fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        return;
    }
    auto summary = [](const std::string& name, const Sum& s) {
        const double mean = s.nll / static_cast<double>(s.scored);
        fmt::print("{:<18} lines {:>5}  scored tokens {:>8}  mean NLL {:8.4f}  perplexity {:10.3f}\n", name, s.lines,
                   s.scored, mean, std::exp(mean));
    };
    for (const auto& [k, s] : by_tag) summary("tag " + k, s);
    summary("overall", overall);
}

void register_score(CLI::App& root) {
    auto args = std::make_shared<ScoreArgs>();
    CLI::App* cmd = root.add_subcommand("score", "Per-token log-probabilities and perplexity of JSONL lines");
    cmd->add_option("--model", args->model, "Checkpoint folder (tokenizer.json needed for \"text\" lines)")->required();
    cmd->add_option("--data", args->data,
                    "JSONL: one object a line with \"text\" or \"tokens\", optional \"source\" or \"domain\" tag")
        ->required();
    cmd->add_option("--max-tokens", args->max_tokens, "Score at most the first N tokens of a line (0 = all)")
        ->default_val(0)
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--device", args->device, "cpu or cuda")->default_val("cpu")->check(CLI::IsMember({"cpu", "cuda"}));
    cmd->add_flag("--json", args->json, "Print one JSON object: lines (with logprobs), by_tag, overall");
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterScore{36, register_score};

} // namespace moecut::cli

#endif // MOECUT_HAVE_ENGINE

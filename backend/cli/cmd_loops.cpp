// moecut loops detect: the streaming loop detector over saved generations.
//
// FILE is JSONL, one generation per line: {"tokens": [ids...]} or {"text":
// "..."} with --model/--tokenizer, optionally "id" (carried through),
// "finished_with_eos" (or "eos") and "cap" (the instrument cap the generation
// ran under). The outcome follows eval_outcome.h: a line whose eos flag is
// absent counts as ended on EOS unless it reached its cap; eos false below the
// cap is a generation stopped for no recorded reason (error). Every line is
// read and checked before anything is printed: a bad line is one error
// naming FILE:LINE, exit 2.
#include "commands.h"

#include "moecut/error.h"
#include "moecut/eval_outcome.h"
#include "moecut/loop_detector.h"
#include "moecut/tokenizer.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moecut::cli {
namespace {

struct LoopsArgs {
    std::string file;
    std::string model;
    std::string config;
    bool json = false;
};

struct LineResult {
    std::size_t line = 0;
    nlohmann::json id;  // null when absent
    std::int64_t tokens = 0;
    LoopHit hit;
    Outcome outcome = Outcome::eos;
};

LoopDetectorConfig load_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw_input(path, "cannot open");
    try {
        return nlohmann::json::parse(in).get<LoopDetectorConfig>();
    } catch (const nlohmann::json::parse_error&) {
        throw_input(path, "not valid JSON");
    } catch (const InputError& e) {
        throw_input(path, e.what());
    }
}

std::vector<std::int64_t> line_tokens(const nlohmann::json& j, const Tokenizer* tok) {
    std::vector<std::int64_t> out;
    if (const auto it = j.find("tokens"); it != j.end()) {
        if (!it->is_array()) throw InputError("\"tokens\" is not an array");
        for (const auto& v : *it) {
            if (!v.is_number_integer()) throw InputError("\"tokens\" holds a non-integer");
            out.push_back(v.get<std::int64_t>());
        }
        return out;
    }
    const auto it = j.find("text");
    if (it == j.end()) throw InputError("neither \"tokens\" nor \"text\"");
    if (!it->is_string()) throw InputError("\"text\" is not a string");
    if (tok == nullptr) throw InputError("\"text\" needs --model or --tokenizer");
    for (const std::int32_t id : tok->encode(it->get<std::string>(), false)) out.push_back(id);
    return out;
}

LineResult analyse(const std::string& text, const LoopDetectorConfig& config, const Tokenizer* tok) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error&) {
        throw InputError("not valid JSON");
    }
    if (!j.is_object()) throw InputError("not a JSON object");
    LineResult r;
    if (const auto it = j.find("id"); it != j.end()) r.id = *it;
    const std::vector<std::int64_t> tokens = line_tokens(j, tok);
    r.tokens = static_cast<std::int64_t>(tokens.size());
    std::optional<bool> eos;
    for (const char* key : {"finished_with_eos", "eos"}) {
        if (const auto it = j.find(key); it != j.end()) {
            if (!it->is_boolean()) throw InputError(std::string("\"") + key + "\" is not a boolean");
            eos = it->get<bool>();
        }
    }
    std::optional<std::int64_t> cap;
    if (const auto it = j.find("cap"); it != j.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) throw InputError("\"cap\" is not a positive integer");
        cap = it->get<std::int64_t>();
    }
    r.hit = detect_loops(tokens, config);
    Termination end = Termination::eos;
    if (eos.value_or(false)) end = Termination::eos;
    else if (cap && r.tokens >= *cap) end = Termination::cap;
    else if (eos.has_value()) end = Termination::stopped;
    r.outcome = classify(r.hit, end);
    return r;
}

nlohmann::json to_json(const LineResult& r) {
    nlohmann::json o;
    if (!r.id.is_null()) o["id"] = r.id;
    o["outcome"] = outcome_name(r.outcome);
    o["tokens"] = r.tokens;
    if (r.hit) {
        o["kind"] = r.hit.kind;
        o["period"] = r.hit.period;
        o["start"] = r.hit.start;
        o["detected_at"] = r.hit.detected_at;
    }
    return o;
}

void run(const LoopsArgs& a) {
    LoopDetectorConfig config = a.config.empty() ? LoopDetectorConfig{} : load_config(a.config);
    std::unique_ptr<Tokenizer> tok;
    if (!a.model.empty()) {
        tok = std::make_unique<Tokenizer>(Tokenizer::from_file(a.model));
        // Reasoning markers from the tokenizer, unless the config names them.
        if (config.think_end_ids.empty()) {
            if (const auto id = tok->token_to_id("</think>")) config.think_end_ids = {*id};
        }
        if (config.think_start_ids.empty()) {
            if (const auto id = tok->token_to_id("<think>")) config.think_start_ids = {*id};
        }
    }
    std::ifstream in(a.file);
    if (!in) throw_input(a.file, "cannot open");
    std::vector<LineResult> results;
    std::size_t number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        try {
            results.push_back(analyse(line, config, tok.get()));
        } catch (const InputError& e) {
            throw_input(a.file + ":" + std::to_string(number), e.what());
        }
        results.back().line = number;
    }

    const auto dump = [](const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
    if (a.json) {
        for (const auto& r : results) fmt::print("{}\n", dump(to_json(r)));
        return;
    }
    std::map<Outcome, std::size_t> counts;
    fmt::print("{:>6}  {:<20} {:>8}  {:<8} {:<15} {:>7} {:>8}\n", "line", "id", "tokens", "outcome", "kind", "period",
               "start");
    for (const auto& r : results) {
        ++counts[r.outcome];
        const std::string id = r.id.is_null() ? "" : (r.id.is_string() ? r.id.get<std::string>() : dump(r.id));
        fmt::print("{:>6}  {:<20} {:>8}  {:<8} {:<15} {:>7} {:>8}\n", r.line, id.substr(0, 20), r.tokens,
                   outcome_name(r.outcome), r.hit ? r.hit.kind : "-", r.hit ? std::to_string(r.hit.period) : "-",
                   r.hit ? std::to_string(r.hit.start) : "-");
    }
    std::string summary;
    for (const Outcome o : kAllOutcomes) summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", outcome_name(o), counts[o]);
    fmt::print("{} lines: {}\n", results.size(), summary);
}

void register_loops(CLI::App& root) {
    auto args = std::make_shared<LoopsArgs>();
    CLI::App* loops = root.add_subcommand("loops", "Loop detection on saved generations");
    loops->require_subcommand(1);
    CLI::App* detect = loops->add_subcommand("detect", "Outcome per JSONL line (tokens or text): eos, loop, runaway, ...");
    detect->add_option("file", args->file, "JSONL: {\"tokens\": [...]} or {\"text\": ...}, optional id, eos, cap")
        ->required();
    detect->add_flag("--json", args->json, "One JSON object per line: outcome, tokens, kind, period, start");
    auto* model = detect->add_option("--model", args->model, "Model folder (or tokenizer.json) for text lines and <think> ids");
    detect->add_option("--tokenizer", args->model, "Same as --model")->excludes(model);
    detect->add_option("--config", args->config, "Loop detector config JSON (LoopDetectorConfig fields)");
    detect->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterLoops{92, register_loops};

} // namespace moecut::cli

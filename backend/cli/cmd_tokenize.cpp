// moecut tokenize: token ids of a text with a model's tokenizer.json.
#include "commands.h"

#include "moecut/error.h"
#include "moecut/tokenizer.h"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <iterator>
#include <memory>
#include <string>

namespace moecut::cli {
namespace {

struct TokenizeArgs {
    std::string model;
    std::string text;
    bool json = false;
    bool no_special = false;
};

void run(const TokenizeArgs& a) {
    const Tokenizer tok = Tokenizer::from_file(a.model);
    std::string text = a.text;
    if (text == "-") text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    const std::vector<int32_t> ids = tok.encode(text, !a.no_special);
    if (!a.json) {
        fmt::print("{}\n", fmt::join(ids, " "));
        return;
    }
    nlohmann::json tokens = nlohmann::json::array();
    for (int32_t id : ids) tokens.push_back(tok.id_to_token(id).value_or(""));
    const nlohmann::json out = {{"ids", ids}, {"tokens", tokens}, {"count", ids.size()}};
    // Byte-level tokens are valid UTF-8; replace keeps a broken vocabulary from aborting.
    fmt::print("{}\n", out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}


void register_tokenize(CLI::App& root) {
    auto args = std::make_shared<TokenizeArgs>();
    CLI::App* cmd = root.add_subcommand("tokenize", "Print the token ids of a text (Hugging Face tokenizer.json)");
    cmd->add_option("--model", args->model, "Model folder holding tokenizer.json, or the file itself")->required();
    cmd->add_option("text", args->text, "The text; '-' reads standard input")->required();
    cmd->add_flag("--json", args->json, "Print {\"ids\", \"tokens\", \"count\"} as JSON");
    cmd->add_flag("--no-special-tokens", args->no_special, "Do not add the BOS/EOS template of the post-processor");
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterTokenize{30, register_tokenize};

} // namespace moecut::cli

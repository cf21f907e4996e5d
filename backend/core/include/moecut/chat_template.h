// Chat templates: a model's conversation format, rendered as transformers'
// apply_chat_template(..., tokenize=False) renders it.
//
// A template comes from tokenizer_config.json ("chat_template" as a string,
// or a list of {"name", "template"}), or from chat_template.jinja and
// additional_chat_templates/*.jinja beside it (transformers v5 saves them so;
// these files take priority over the config entry, as in transformers).
//
// render() prepares the messages as transformers 5 does before rendering:
// keys whose value is null are dropped, and a message's reasoning (under
// "reasoning_content", "thinking" or "reasoning") is copied to both
// "thinking" and "reasoning_content". The template then sees messages, tools
// (None when absent), documents (None), add_generation_prompt, bos_token and
// eos_token (when the tokenizer has them), and every key of extra_context
// (e.g. enable_thinking).
//
// Pass messages and tools as nlohmann::ordered_json: key order is visible in
// the output (tojson, dict.items()), and a plain nlohmann::json sorts keys.
#pragma once

#include "moecut/jinja.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moecut {

class ChatTemplate {
public:
    // One template, named "default". Syntax errors throw InputError naming
    // origin and the line.
    ChatTemplate(std::string_view source, std::optional<std::string> bos_token,
                 std::optional<std::string> eos_token, std::string origin = "chat_template");

    // Loads the template(s) of a tokenizer: `path` is tokenizer_config.json or
    // the folder holding it. bos_token/eos_token come from tokenizer_config.json
    // (a string or {"content": ...}), else special_tokens_map.json. `name`
    // chooses one of several templates; empty chooses at render time as
    // transformers does ("tool_use" when tools are given and it exists, else
    // "default"). Throws InputError when there is no template or `name` is
    // unknown.
    static ChatTemplate from_tokenizer_config(const std::filesystem::path& path, std::string_view name = {});

    std::string render(const nlohmann::ordered_json& messages,
                       const nlohmann::ordered_json& tools = nullptr, bool add_generation_prompt = false,
                       const nlohmann::ordered_json& extra_context = nlohmann::ordered_json::object()) const;

    // The template render() would use (for tools given or not).
    const std::string& source(bool with_tools = false) const;
    std::vector<std::string> names() const;
    const std::optional<std::string>& bos_token() const { return bos_token_; }
    const std::optional<std::string>& eos_token() const { return eos_token_; }

private:
    struct Entry {
        std::string name;
        std::string source;
        JinjaTemplate compiled;
    };
    ChatTemplate() = default;
    const Entry& select(bool with_tools) const;

    std::vector<Entry> entries_;
    std::string chosen_; // a name fixed at load, or empty
    std::optional<std::string> bos_token_;
    std::optional<std::string> eos_token_;
};

} // namespace moecut

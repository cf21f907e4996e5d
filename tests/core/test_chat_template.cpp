// Chat templates render byte-identically to transformers' apply_chat_template.
//
// tests/data/chat_templates/<family>/ holds a model family's real template and
// cases.json, rendered by transformers 5 (scripts/make_chat_template_fixtures.py).
#include "moecut/chat_template.h"
#include "moecut/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fstream>

namespace moecut {
namespace {

using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

fs::path family_dir(const std::string& family) { return test::test_data_dir() / "chat_templates" / family; }

ojson load_cases(const std::string& family) {
    return ojson::parse(test::read_text(family_dir(family) / "cases.json"));
}

std::optional<std::string> token(const ojson& special, const char* key) {
    if (special.contains(key)) return special[key].get<std::string>();
    return std::nullopt;
}

class ChatTemplateGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(ChatTemplateGolden, RendersLikeTransformers) {
    const std::string family = GetParam();
    const std::string source = test::read_text(family_dir(family) / "template.jinja");
    const ojson doc = load_cases(family);
    const ojson& special = doc["special_tokens"];
    ChatTemplate tmpl(source, token(special, "bos_token"), token(special, "eos_token"), family + "/template.jinja");

    ASSERT_GE(doc["cases"].size(), 8u) << family << " needs at least 8 conversations";
    int rendered = 0;
    for (const ojson& c : doc["cases"]) {
        SCOPED_TRACE(family + ": " + c["name"].get<std::string>());
        ojson extra = c["extra_context"];
        for (const auto& [k, v] : special.items())
            if (k != "bos_token" && k != "eos_token") extra[k] = v;
        if (c.contains("expected")) {
            EXPECT_EQ(tmpl.render(c["messages"], c["tools"], c["add_generation_prompt"].get<bool>(), extra),
                      c["expected"].get<std::string>());
            ++rendered;
        } else {
            try {
                tmpl.render(c["messages"], c["tools"], c["add_generation_prompt"].get<bool>(), extra);
                ADD_FAILURE() << "expected an error: " << c["expected_error"].get<std::string>();
            } catch (const InputError& e) {
                std::string msg = e.what();
                EXPECT_NE(msg.find(family + "/template.jinja: line "), std::string::npos) << msg;
                if (c["error_kind"] == "raise_exception") {
                    EXPECT_NE(msg.find(c["expected_error"].get<std::string>()), std::string::npos) << msg;
                }
            }
        }
    }
    EXPECT_GE(rendered, 8);
}

INSTANTIATE_TEST_SUITE_P(Families, ChatTemplateGolden,
                         ::testing::Values("glm5", "glm51", "glm52", "glm46", "glm45", "deepseek_v3", "deepseek_v31",
                                           "deepseek_v32", "qwen3_moe", "qwen2_moe", "qwen2_moe_tools", "mixtral"));

// A small template whose output shows the variables it received.
const char* kProbe =
    "{{ bos_token }}|{% for m in messages %}{{ m.role }}:{{ m.content }};{% endfor %}|{{ tools|tojson }}|"
    "{{ add_generation_prompt }}|{{ eos_token }}";

TEST(ChatTemplate, LoadsStringTemplateAndAddedTokens) {
    test::TempDir dir;
    ojson cfg = {{"bos_token", {{"content", "<s>"}, {"lstrip", false}}}, {"eos_token", "</s>"}, {"chat_template", kProbe}};
    test::write_text(dir / "tokenizer_config.json", cfg.dump());
    ChatTemplate t = ChatTemplate::from_tokenizer_config(dir.path());
    ojson msgs = ojson::parse(R"([{"role": "user", "content": "hé"}])");
    EXPECT_EQ(t.render(msgs, nullptr, true), "<s>|user:hé;|null|True|</s>");
    EXPECT_EQ(t.render(msgs, ojson::parse(R"([{"b": 1, "a": 2}])")), "<s>|user:hé;|[{\"b\": 1, \"a\": 2}]|False|</s>");
    EXPECT_EQ(*t.bos_token(), "<s>");
}

TEST(ChatTemplate, NamedTemplatesPickToolUseWhenToolsAreGiven) {
    test::TempDir dir;
    ojson cfg = {{"chat_template", ojson::array({{{"name", "default"}, {"template", "plain"}},
                                                {{"name", "tool_use"}, {"template", "tools:{{ tools|length if tools is not none else 'none' }}"}}})}};
    test::write_text(dir / "tokenizer_config.json", cfg.dump());
    ChatTemplate t = ChatTemplate::from_tokenizer_config(dir / "tokenizer_config.json");
    ojson msgs = ojson::parse(R"([{"role": "user", "content": "x"}])");
    EXPECT_EQ(t.render(msgs), "plain");
    EXPECT_EQ(t.render(msgs, ojson::parse("[{}, {}]")), "tools:2");
    EXPECT_EQ(ChatTemplate::from_tokenizer_config(dir.path(), "tool_use").render(msgs), "tools:none");
    EXPECT_THROW(ChatTemplate::from_tokenizer_config(dir.path(), "nope"), InputError);
}

TEST(ChatTemplate, TemplateFileTakesPriorityAndSpecialTokensMapFillsIn) {
    test::TempDir dir;
    test::write_text(dir / "tokenizer_config.json", ojson{{"chat_template", "from config"}}.dump());
    test::write_text(dir / "special_tokens_map.json", ojson{{"bos_token", "[BOS]"}}.dump());
    test::write_text(dir / "chat_template.jinja", "from file {{ bos_token }}\n");
    ChatTemplate t = ChatTemplate::from_tokenizer_config(dir.path());
    EXPECT_EQ(t.render(ojson::parse(R"([{"role": "user", "content": "x"}])")), "from file [BOS]");
    EXPECT_FALSE(t.eos_token().has_value());
}

TEST(ChatTemplate, MissingTemplateIsAnInputError) {
    test::TempDir dir;
    test::write_text(dir / "tokenizer_config.json", ojson{{"eos_token", "</s>"}}.dump());
    EXPECT_THROW(ChatTemplate::from_tokenizer_config(dir.path()), InputError);
    test::write_text(dir / "tokenizer_config.json", "{not json");
    EXPECT_THROW(ChatTemplate::from_tokenizer_config(dir.path()), InputError);
}

TEST(ChatTemplate, SyntaxErrorNamesFileAndLine) {
    try {
        ChatTemplate("line one\n{% if x %}\n{{ x + }}\n{% endif %}", std::nullopt, std::nullopt, "model/chat_template.jinja");
        FAIL() << "expected a syntax error";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("model/chat_template.jinja: line 3: ", 0), 0u) << e.what();
    }
}

TEST(ChatTemplate, PreparesMessagesAsTransformersDoes) {
    ChatTemplate t("{% for m in messages %}{{ m|tojson }}{% endfor %}", std::nullopt, std::nullopt);
    ojson msgs = ojson::parse(R"([{"role": "assistant", "content": null, "reasoning": "why", "tool_calls": null}])");
    EXPECT_EQ(t.render(msgs), R"({"thinking": "why", "role": "assistant", "reasoning": "why", "reasoning_content": "why"})");
    EXPECT_THROW(t.render(ojson::array()), InputError);
    EXPECT_THROW(t.render(ojson::parse(R"(["not an object"])")), InputError);
    EXPECT_THROW(t.render(ojson::parse(R"([{"role": "user"}])"), nullptr, false, ojson{{"messages", 1}}), InputError);
}

TEST(ChatTemplate, AcceptsPlainJsonWithSortedKeys) {
    // nlohmann::json converts to ordered_json implicitly; its objects come sorted.
    ChatTemplate t("{{ messages[0]|tojson }}", std::nullopt, std::nullopt);
    nlohmann::json msgs = nlohmann::json::parse(R"([{"role": "user", "content": "x"}])");
    EXPECT_EQ(t.render(msgs, nlohmann::json(), false, nlohmann::json::object()), R"({"content": "x", "role": "user"})");
}

TEST(ChatTemplate, ExtraContextReachesTheTemplate) {
    ChatTemplate t("{{ 'on' if enable_thinking else 'off' }}{{ custom.x if custom is defined }}", std::nullopt,
                   std::nullopt);
    ojson msgs = ojson::parse(R"([{"role": "user", "content": "x"}])");
    EXPECT_EQ(t.render(msgs, nullptr, false, ojson{{"enable_thinking", true}, {"custom", {{"x", 7}}}}), "on7");
    EXPECT_EQ(t.render(msgs, nullptr, false, ojson{{"enable_thinking", false}}), "off");
}

} // namespace
} // namespace moecut

// The Jinja interpreter against Jinja itself: tests/data/chat_templates/
// jinja_cases.json holds snippets rendered by the environment transformers
// uses for chat templates (scripts/make_chat_template_fixtures.py).
#include "moecut/error.h"
#include "moecut/jinja.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace moecut {
namespace {

using ojson = nlohmann::ordered_json;

std::string render(std::string_view tmpl, const ojson& ctx = ojson::object()) {
    return JinjaTemplate(tmpl, "t.jinja").render(ctx);
}

std::string error_of(std::string_view tmpl, const ojson& ctx = ojson::object()) {
    try {
        render(tmpl, ctx);
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(Jinja, MatchesJinjaOnReferenceSnippets) {
    ojson cases = ojson::parse(test::read_text(test::test_data_dir() / "chat_templates" / "jinja_cases.json"));
    ASSERT_GE(cases.size(), 40u);
    int errors = 0;
    for (const ojson& c : cases) {
        const std::string name = c["name"].get<std::string>();
        SCOPED_TRACE(name);
        const std::string tmpl = c["template"].get<std::string>();
        if (c.contains("expected")) {
            EXPECT_EQ(render(tmpl, c["context"]), c["expected"].get<std::string>());
            continue;
        }
        ++errors;
        std::string msg = error_of(tmpl, c["context"]);
        EXPECT_EQ(msg.rfind("t.jinja: line 1: ", 0), 0u) << msg;
        if (name == "error_raise") {
            EXPECT_NE(msg.find("Conversation roles must alternate!"), std::string::npos) << msg;
        }
    }
    EXPECT_GE(errors, 8);
}

TEST(Jinja, ErrorsNameTheLine) {
    EXPECT_EQ(error_of("a\nb\n{{ raise_exception('bad input') }}"), "t.jinja: line 3: bad input");
    EXPECT_EQ(error_of("{% for m in messages %}\n{{ m.content.strip() }}\n{% endfor %}",
                       {{"messages", ojson::array({ojson::object()})}}),
              "t.jinja: line 2: 'dict object' has no attribute 'content'");
    EXPECT_EQ(error_of("x\n\n{% if %}{% endif %}").rfind("t.jinja: line 3: ", 0), 0u);
    EXPECT_EQ(error_of("{% if true %}\n\nno end").rfind("t.jinja: line 3: ", 0), 0u);
    EXPECT_NE(error_of("{% include 'x' %}").find("not supported"), std::string::npos);
    EXPECT_NE(error_of("{% frobnicate %}").find("unknown tag 'frobnicate'"), std::string::npos);
    EXPECT_EQ(error_of("{{ 'a' ~ }}").rfind("t.jinja: line 1: ", 0), 0u);
    EXPECT_EQ(error_of("{{ 'unterminated }}").rfind("t.jinja: line 1: ", 0), 0u);
    EXPECT_EQ(error_of("a\n{{ x\n + }}").rfind("t.jinja: line 3: ", 0), 0u);
}

TEST(Jinja, ErrorMessagesStayOnOneLine) {
    std::string msg = error_of("{{ raise_exception('two\\nlines') }}");
    EXPECT_EQ(msg, "t.jinja: line 1: two\\nlines");
}

TEST(Jinja, WhitespaceControlAsTransformersConfiguresIt) {
    // trim_blocks drops the newline after a block tag; lstrip_blocks drops the
    // indentation before one; expressions keep both.
    EXPECT_EQ(render("{% if true %}\n  x\n{% endif %}\n"), "  x\n");
    EXPECT_EQ(render("  {% if true %}y{% endif %}"), "y");
    EXPECT_EQ(render("  {{ 'z' }}\n"), "  z");
    EXPECT_EQ(render("a {%- if true %} b {% endif -%} c"), "a b c");
}

TEST(Jinja, ContextValuesKeepJsonShape) {
    ojson ctx = ojson::parse(R"({"t": {"z": 1, "a": [1.5, null, true, "s"]}, "big": 12345678901234})");
    EXPECT_EQ(render("{{ t|tojson }} {{ t.a }} {{ big + 1 }}", ctx),
              R"({"z": 1, "a": [1.5, null, true, "s"]} [1.5, None, True, 's'] 12345678901235)");
    EXPECT_EQ(render("{% for k, v in t.items() %}{{ k }}{% endfor %}", ctx), "za");
}

TEST(Jinja, RunawayRecursionAndRangesStop) {
    EXPECT_NE(error_of("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}").find("recursion"), std::string::npos);
    EXPECT_NE(error_of("{{ range(1000000)|length }}").find("Range too big"), std::string::npos);
    EXPECT_NE(error_of("{{ 'x' * 10 ** 15 }}").find("too large"), std::string::npos);
    EXPECT_NE(error_of("{{ 'x'.zfill(10 ** 12) }}").find("too large"), std::string::npos);
    EXPECT_EQ(render("{{ 3 ** 4 }} {{ 2 ** 0 }} {{ (-2) ** 3 }}"), "81 1 -8");
}

TEST(Jinja, GenerationTagRendersItsBody) {
    EXPECT_EQ(render("<a>{% generation %}body{{ 1 }}{% endgeneration %}</a>"), "<a>body1</a>");
}

} // namespace
} // namespace moecut

#include "moecut/jinja.h"

#include "jinja_ast.h"
#include "jinja_eval.h"
#include "jinja_json.h"
#include "jinja_lexer.h"
#include "moecut/error.h"

#include <fmt/core.h>

namespace moecut {

using namespace jinja;

struct JinjaTemplate::Impl {
    std::string origin;
    Body body;
};

namespace {

std::string one_line(std::string msg) {
    std::string out;
    for (char c : msg) {
        if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else out.push_back(c);
    }
    return out;
}

[[noreturn]] void throw_at(const std::string& origin, int line, const std::string& msg) {
    throw_input(origin, line > 0 ? fmt::format("line {}: {}", line, one_line(msg)) : one_line(msg));
}

} // namespace

JinjaTemplate::JinjaTemplate(std::string_view source, std::string origin) {
    auto impl = std::make_shared<Impl>();
    impl->origin = std::move(origin);
    try {
        impl->body = parse_template(source);
    } catch (const SyntaxError& e) {
        throw_at(impl->origin, e.line, e.what());
    }
    impl_ = std::move(impl);
}

const std::string& JinjaTemplate::origin() const { return impl_->origin; }

std::string JinjaTemplate::render(const nlohmann::ordered_json& context) const {
    if (!context.is_object() && !context.is_null()) throw_input(impl_->origin, "the render context must be a JSON object");
    try {
        DictData globals;
        add_globals(globals);
        DictData vars;
        if (context.is_object())
            for (const auto& [k, v] : context.items()) vars.items.emplace_back(Value(k), from_json(v));
        Evaluator ev(globals, vars);
        return ev.render(impl_->body);
    } catch (const RenderError& e) {
        throw_at(impl_->origin, e.line, e.what());
    } catch (const std::bad_alloc&) {
        throw_at(impl_->origin, 0, "out of memory while rendering");
    }
}

} // namespace moecut

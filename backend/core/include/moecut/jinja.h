// A Jinja template interpreter for chat templates.
//
// It implements the subset of Jinja 3.1 that model chat templates use, in the
// environment transformers builds for them (ImmutableSandboxedEnvironment with
// trim_blocks and lstrip_blocks, the loopcontrols extension, the
// {% generation %} tag, and the globals raise_exception, strftime_now,
// namespace, dict and range; tojson is json.dumps with ensure_ascii=False).
// Values follow Python's semantics, so a template renders byte-for-byte what
// transformers renders.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace moecut {

class JinjaTemplate {
public:
    // Parses source. A syntax error throws InputError "ORIGIN: line N: problem".
    explicit JinjaTemplate(std::string_view source, std::string origin = "template");

    // Renders with the context's keys as variables (an object; JSON null
    // becomes None, and objects keep their key order). An error raised while
    // rendering (raise_exception, a missing attribute used as a value, a type
    // error) throws InputError "ORIGIN: line N: problem".
    std::string render(const nlohmann::ordered_json& context) const;

    const std::string& origin() const;

private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

} // namespace moecut

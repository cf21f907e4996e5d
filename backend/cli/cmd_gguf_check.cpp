// moecut gguf-check FILE [--json] [--strict]: validates a GGUF file's header
// and layout as llama.cpp's loader does (moecut/gguf_reader.h) and prints a
// summary. Exit 0 when valid, 2 with one line "FILE: problem" when not (or,
// under --strict, when there are warnings).
#include "commands.h"

#include "moecut/error.h"
#include "moecut/gguf_reader.h"

#include <fmt/core.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

namespace moecut::cli {

namespace {
struct GgufCheckOptions {
    std::string file;
    bool json = false;
    bool strict = false;
};

std::string shape_text(const std::vector<std::int64_t>& ne) {
    std::string s;
    for (std::size_t i = 0; i < ne.size(); ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
    return "[" + s + "]";
}

std::string value_text(const GgufValue& v) {
    if (v.is_array()) {
        const auto j = v.to_json(4);
        std::string items = j["value"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        if (v.array_size() > 4) items.insert(items.size() - 1, ", ...");
        return fmt::format("{}[{}] {}", gguf_type_name(v.element_type()), v.array_size(), items);
    }
    if (v.type() == GgufType::String) {
        std::string s = v.as_string();
        if (s.size() > 60) s = s.substr(0, 57) + "...";
        return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return v.to_json()["value"].dump();
}

void run(const GgufCheckOptions& o) {
    const GgufFile g = GgufFile::open(o.file);
    if (o.strict && !g.warnings().empty()) throw_input(o.file, g.warnings().front());
    std::uint64_t params = 0;
    std::map<std::string, std::pair<int, std::uint64_t>> by_type;
    for (const GgufTensorInfo& t : g.tensors()) {
        params += static_cast<std::uint64_t>(t.numel());
        auto& e = by_type[std::string(ggml_type_traits(t.type)->name)];
        ++e.first;
        e.second += t.nbytes;
    }
    if (o.json) {
        nlohmann::json j;
        j["file"] = o.file;
        j["valid"] = true;
        j["version"] = g.version();
        j["alignment"] = g.alignment();
        j["file_size"] = g.file_size();
        j["data_offset"] = g.data_offset();
        j["parameters"] = params;
        j["warnings"] = g.warnings();
        nlohmann::json md = nlohmann::json::object();
        for (const GgufKv& kv : g.metadata()) md[kv.key] = kv.value.to_json(64);
        j["metadata"] = std::move(md);
        nlohmann::json ts = nlohmann::json::array();
        for (const GgufTensorInfo& t : g.tensors())
            ts.push_back({{"name", t.name}, {"type", std::string(ggml_type_traits(t.type)->name)}, {"ne", t.ne},
                          {"offset", t.offset}, {"nbytes", t.nbytes}});
        j["tensors"] = std::move(ts);
        fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
        const GgufValue* arch = g.find("general.architecture");
        fmt::print("{}: valid GGUF v{}, {} bytes, alignment {}, data at {}\n", o.file, g.version(), g.file_size(),
                   g.alignment(), g.data_offset());
        fmt::print("architecture: {}\n", arch && arch->type() == GgufType::String ? arch->as_string() : "(none)");
        fmt::print("metadata: {} keys\n", g.metadata().size());
        for (const GgufKv& kv : g.metadata()) fmt::print("  {} = {}\n", kv.key, value_text(kv.value));
        fmt::print("tensors: {} ({} parameters)\n", g.tensors().size(), params);
        for (const auto& [type, e] : by_type) fmt::print("  {}: {} tensors, {} bytes\n", type, e.first, e.second);
        for (const GgufTensorInfo& t : g.tensors())
            fmt::print("  {} {} {} @{}\n", t.name, ggml_type_traits(t.type)->name, shape_text(t.ne), t.offset);
        for (const std::string& w : g.warnings()) fmt::print("warning: {}\n", w);
    }
    std::fflush(stdout);
}

void register_gguf_check(CLI::App& root) {
    auto opts = std::make_shared<GgufCheckOptions>();
    CLI::App* cmd = root.add_subcommand("gguf-check", "Validate a GGUF file as llama.cpp's loader would, and summarise it");
    cmd->add_option("FILE", opts->file, "GGUF file")->required();
    cmd->add_flag("--json", opts->json, "Print one JSON object (metadata arrays cut at 64 items)");
    cmd->add_flag("--strict", opts->strict, "Treat warnings (no architecture, unpadded end, ...) as errors");
    cmd->callback([opts] { run(*opts); });
}

} // namespace

const CommandRegistrar kRegisterGgufCheck{82, register_gguf_check};

} // namespace moecut::cli

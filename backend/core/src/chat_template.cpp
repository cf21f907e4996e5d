#include "moecut/chat_template.h"

#include "moecut/error.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace moecut {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw_input(p.string(), "cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

ojson read_json(const fs::path& p) {
    try {
        return ojson::parse(read_file(p));
    } catch (const ojson::parse_error& e) {
        throw_input(p.string(), std::string("not valid JSON: ") + e.what());
    }
}

// A special token is a string or an AddedToken object {"content": ...}.
std::optional<std::string> token_of(const ojson& cfg, const char* key) {
    auto it = cfg.find(key);
    if (it == cfg.end() || it->is_null()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
        return (*it)["content"].get<std::string>();
    return std::nullopt;
}

// transformers 5's preparation of each message, see the header.
ojson prepare_message(const ojson& message, const std::string& origin, std::size_t index) {
    if (!message.is_object())
        throw_input(origin, "messages[" + std::to_string(index) + "] is not an object; chat messages must be objects");
    ojson m = ojson::object();
    for (const auto& [k, v] : message.items())
        if (!v.is_null()) m[k] = v;
    const ojson* reasoning = nullptr;
    for (const char* key : {"reasoning_content", "thinking", "reasoning"}) {
        if (m.contains(key)) {
            reasoning = &m[key];
            break;
        }
    }
    if (!reasoning) return m;
    ojson r = *reasoning;
    ojson out = ojson::object();
    out["thinking"] = r; // {"thinking": r, **message, "reasoning_content": r}
    for (const auto& [k, v] : m.items()) out[k] = v;
    out["reasoning_content"] = r;
    return out;
}

} // namespace

ChatTemplate::ChatTemplate(std::string_view source, std::optional<std::string> bos_token,
                           std::optional<std::string> eos_token, std::string origin)
    : bos_token_(std::move(bos_token)), eos_token_(std::move(eos_token)) {
    entries_.push_back(Entry{"default", std::string(source), JinjaTemplate(source, std::move(origin))});
}

ChatTemplate ChatTemplate::from_tokenizer_config(const fs::path& path, std::string_view name) {
    fs::path config = fs::is_directory(path) ? path / "tokenizer_config.json" : path;
    fs::path dir = config.parent_path();
    ojson cfg = fs::exists(config) ? read_json(config) : ojson::object();
    if (!cfg.is_object()) throw_input(config.string(), "is not a JSON object");

    ChatTemplate t;
    t.bos_token_ = token_of(cfg, "bos_token");
    t.eos_token_ = token_of(cfg, "eos_token");
    fs::path special = dir / "special_tokens_map.json";
    if ((!t.bos_token_ || !t.eos_token_) && fs::exists(special)) {
        ojson sm = read_json(special);
        if (sm.is_object()) {
            if (!t.bos_token_) t.bos_token_ = token_of(sm, "bos_token");
            if (!t.eos_token_) t.eos_token_ = token_of(sm, "eos_token");
        }
    }

    auto add = [&](const std::string& entry_name, std::string source, const std::string& origin) {
        JinjaTemplate compiled(source, origin);
        t.entries_.push_back(Entry{entry_name, std::move(source), std::move(compiled)});
    };
    // Template files take priority over the config's entry.
    fs::path jinja_file = dir / "chat_template.jinja";
    fs::path extra_dir = dir / "additional_chat_templates";
    if (fs::exists(jinja_file)) add("default", read_file(jinja_file), jinja_file.string());
    if (fs::is_directory(extra_dir)) {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(extra_dir))
            if (e.path().extension() == ".jinja") files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) add(f.stem().string(), read_file(f), f.string());
    }
    if (t.entries_.empty() && cfg.contains("chat_template")) {
        const ojson& ct = cfg["chat_template"];
        std::string origin = config.string() + ": chat_template";
        if (ct.is_string()) {
            add("default", ct.get<std::string>(), origin);
        } else if (ct.is_array()) {
            for (const auto& item : ct) {
                if (!item.is_object() || !item.contains("name") || !item["name"].is_string() ||
                    !item.contains("template") || !item["template"].is_string())
                    throw_input(config.string(), "chat_template list entries must be {\"name\", \"template\"} objects");
                std::string n = item["name"].get<std::string>();
                add(n, item["template"].get<std::string>(), origin + "[" + n + "]");
            }
        } else if (!ct.is_null()) {
            throw_input(config.string(), "chat_template must be a string or a list of {\"name\", \"template\"}");
        }
    }
    if (t.entries_.empty())
        throw_input(config.string(), "the tokenizer has no chat template (no chat_template entry and no chat_template.jinja)");
    if (!name.empty()) {
        bool found = std::any_of(t.entries_.begin(), t.entries_.end(), [&](const Entry& e) { return e.name == name; });
        if (!found) throw_input(config.string(), "no chat template named '" + std::string(name) + "'");
        t.chosen_ = std::string(name);
    }
    return t;
}

const ChatTemplate::Entry& ChatTemplate::select(bool with_tools) const {
    auto find = [&](std::string_view n) -> const Entry* {
        for (const auto& e : entries_)
            if (e.name == n) return &e;
        return nullptr;
    };
    if (!chosen_.empty()) return *find(chosen_);
    if (entries_.size() == 1) return entries_.front();
    if (with_tools)
        if (const Entry* e = find("tool_use")) return *e;
    if (const Entry* e = find("default")) return *e;
    std::string names;
    for (const auto& e : entries_) names += (names.empty() ? "" : ", ") + e.name;
    throw_input(entries_.front().compiled.origin(),
                "several chat templates and none is named 'default'; choose one of: " + names);
}

const std::string& ChatTemplate::source(bool with_tools) const { return select(with_tools).source; }

std::vector<std::string> ChatTemplate::names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
}

std::string ChatTemplate::render(const ojson& messages, const ojson& tools, bool add_generation_prompt,
                                 const ojson& extra_context) const {
    const Entry& entry = select(!tools.is_null());
    const std::string& origin = entry.compiled.origin();
    if (!messages.is_array()) throw_input(origin, "messages must be a list of message objects");
    if (messages.empty()) throw_input(origin, "cannot apply a chat template to an empty conversation");
    if (!extra_context.is_null() && !extra_context.is_object()) throw_input(origin, "extra context must be an object");

    ojson prepared = ojson::array();
    for (std::size_t i = 0; i < messages.size(); ++i) prepared.push_back(prepare_message(messages[i], origin, i));

    ojson context = ojson::object();
    context["messages"] = std::move(prepared);
    context["tools"] = tools;
    context["documents"] = nullptr;
    context["add_generation_prompt"] = add_generation_prompt;
    if (bos_token_) context["bos_token"] = *bos_token_;
    if (eos_token_) context["eos_token"] = *eos_token_;
    if (extra_context.is_object()) {
        for (const auto& [k, v] : extra_context.items()) {
            if (k == "messages" || k == "tools" || k == "documents" || k == "add_generation_prompt")
                throw_input(origin, "extra context may not set '" + k + "'");
            context[k] = v;
        }
    }
    return entry.compiled.render(context);
}

} // namespace moecut

#include "moecut/eval_probes.h"

#include "moecut/error.h"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <unordered_set>

namespace moecut {
namespace {

using nlohmann::ordered_json;

std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void check_messages(const ordered_json& messages, const std::string& where) {
    if (!messages.is_array() || messages.empty())
        throw InputError(input_message(where, "'messages' must be a non-empty array"));
    for (const auto& m : messages) {
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content") ||
            !m["content"].is_string())
            throw InputError(input_message(where, "each message needs string 'role' and 'content'"));
    }
}

Probe parse_line(const std::string& line, const std::string& where, std::size_t line_no) {
    ordered_json j = ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) throw InputError(input_message(where, "not a JSON object"));
    Probe p;
    const auto src = j.find("source");
    if (src == j.end() || !src->is_string() || src->get<std::string>().empty())
        throw InputError(input_message(where, "missing string field 'source'"));
    p.source = src->get<std::string>();
    const bool has_prompt = j.contains("prompt"), has_messages = j.contains("messages");
    if (has_prompt == has_messages)
        throw InputError(input_message(where, "needs exactly one of 'prompt' and 'messages'"));
    if (has_prompt) {
        if (!j["prompt"].is_string() || j["prompt"].get<std::string>().empty())
            throw InputError(input_message(where, "'prompt' must be a non-empty string"));
        p.prompt = j["prompt"].get<std::string>();
    } else {
        check_messages(j["messages"], where);
        p.messages = j["messages"];
    }
    if (const auto id = j.find("id"); id != j.end()) {
        if (!id->is_string() || id->get<std::string>().empty())
            throw InputError(input_message(where, "'id' must be a non-empty string"));
        p.id = id->get<std::string>();
    } else {
        p.id = fmt::format("{}-{}", p.source, line_no);
    }
    return p;
}

} // namespace

std::vector<Probe> load_probes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw_input(file.string(), "cannot open the probe file");
    std::vector<Probe> probes;
    std::unordered_set<std::string> ids;
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        const std::string where = fmt::format("{}:{}", file.string(), line_no);
        Probe p = parse_line(line, where, line_no);
        if (!ids.insert(p.id).second) throw InputError(input_message(where, fmt::format("duplicate id '{}'", p.id)));
        probes.push_back(std::move(p));
    }
    if (in.bad()) throw_input(file.string(), "read error");
    if (probes.empty()) throw_input(file.string(), "no probes (the file is empty)");
    return probes;
}

std::vector<Probe> select_probes(const std::vector<Probe>& probes, std::size_t n, std::uint64_t seed) {
    std::vector<std::pair<std::uint64_t, std::size_t>> ranked;
    ranked.reserve(probes.size());
    for (std::size_t i = 0; i < probes.size(); ++i)
        ranked.emplace_back(splitmix64(fnv1a64(probes[i].id) ^ splitmix64(seed)), i);
    // Ties (a 64-bit collision) fall back to the id, so the order never depends on the file order.
    std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : probes[a.second].id < probes[b.second].id;
    });
    if (n == 0 || n > ranked.size()) n = ranked.size();
    std::vector<Probe> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(probes[ranked[i].second]);
    return out;
}

std::string probe_fingerprint(const Probe& probe) {
    return probe.prompt ? *probe.prompt : probe.messages.dump();
}

} // namespace moecut

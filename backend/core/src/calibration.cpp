#include "moecut/calibration.h"

#include "moecut/chat_template.h"
#include "moecut/error.h"
#include "moecut/saliency_file.h"
#include "moecut/sha256.h"
#include "moecut/tokenizer.h"
#include "text_sanitize.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <limits>
#include <numeric>

namespace moecut {
namespace {

using nlohmann::ordered_json;

enum class Kind { Text, Messages, Tokens };

struct Doc {
    std::size_t source = 0;
    std::size_t line = 0;
    Kind kind = Kind::Text;
    std::string raw;                  // the JSON line (text and messages are encoded lazily)
    std::vector<std::int32_t> ids;    // tokens lines, and lines once encoded
    bool encoded = false;
};

struct DomainDocs {
    std::string name;
    std::vector<Doc> docs;
    std::vector<std::size_t> order;   // visit order
    std::size_t cursor = 0;           // next doc in visit order
    std::size_t offset = 0;           // tokens of order[cursor] already taken
    std::vector<std::pair<std::size_t, std::size_t>> taken;  // (doc, tokens), in visit order
    std::uint64_t total = 0;
    bool exhausted = false;
};

[[noreturn]] void line_error(const std::filesystem::path& file, std::size_t line, const std::string& problem) {
    throw InputError(fmt::format("{}:{}: {}", file.string(), line, problem));
}

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    return h;
}

std::string check_domain(const std::string& name, const std::filesystem::path& file, std::size_t line) {
    if (!valid_domain_name(name))
        line_error(file, line, fmt::format("domain \"{}\" is not [A-Za-z0-9_-]{{1,64}}", printable(name)));
    if (name == "all") line_error(file, line, "domain \"all\" is reserved (it is the union of the domains)");
    return name;
}

// Validates one line; returns the parsed document (ids filled for "tokens").
Doc parse_line(const std::string& raw, const CalibrationSource& src, std::size_t source, std::size_t line,
               const CalibrationOptions& o, std::string& domain) {
    ordered_json j;
    try {
        j = ordered_json::parse(raw);
    } catch (const nlohmann::json::exception& e) {
        line_error(src.path, line, fmt::format("not valid JSON ({})", e.what()));
    }
    if (!j.is_object()) line_error(src.path, line, "must be a JSON object");
    Doc d;
    d.source = source;
    d.line = line;
    const int fields = static_cast<int>(j.contains("text")) + j.contains("messages") + j.contains("tokens");
    if (fields != 1)
        line_error(src.path, line, fields == 0 ? "needs one of \"text\", \"messages\" or \"tokens\""
                                               : "has more than one of \"text\", \"messages\" and \"tokens\"");
    if (j.contains("text")) {
        if (!j["text"].is_string()) line_error(src.path, line, "\"text\" must be a string");
        if (!o.tokenizer)
            line_error(src.path, line, fmt::format("\"text\" needs a tokenizer ({})", o.tokenizer_origin));
        d.kind = Kind::Text;
    } else if (j.contains("messages")) {
        const auto& m = j["messages"];
        if (!m.is_array() || m.empty()) line_error(src.path, line, "\"messages\" must be a non-empty array");
        for (const auto& msg : m)
            if (!msg.is_object() || !msg.contains("role") || !msg["role"].is_string())
                line_error(src.path, line, "each message must be an object with a string \"role\"");
        if (j.contains("tools") && !j["tools"].is_array()) line_error(src.path, line, "\"tools\" must be an array");
        if (!o.tokenizer || !o.chat_template)
            line_error(src.path, line, fmt::format("\"messages\" needs a tokenizer and a chat template ({})",
                                                   o.tokenizer_origin));
        d.kind = Kind::Messages;
    } else {
        const auto& t = j["tokens"];
        if (!t.is_array()) line_error(src.path, line, "\"tokens\" must be an array of token ids");
        d.ids.reserve(t.size());
        for (const auto& v : t) {
            if (!v.is_number_integer()) line_error(src.path, line, "\"tokens\" must hold integers");
            const auto id = v.get<std::int64_t>();
            if (id < 0 || (o.vocab_size > 0 && id >= o.vocab_size) || id > std::numeric_limits<std::int32_t>::max())
                line_error(src.path, line, fmt::format("token id {} outside the vocabulary [0, {})", id, o.vocab_size));
            d.ids.push_back(static_cast<std::int32_t>(id));
        }
        d.kind = Kind::Tokens;
        d.encoded = true;
    }
    if (!src.domain.empty()) {
        domain = src.domain;
    } else if (j.contains("domain")) {
        if (!j["domain"].is_string()) line_error(src.path, line, "\"domain\" must be a string");
        domain = check_domain(j["domain"].get<std::string>(), src.path, line);
    } else {
        domain = file_domain(src.path);
    }
    if (d.kind != Kind::Tokens) d.raw = raw;
    return d;
}

// The tokens of a document (encoded on first use), truncated to seq_len without packing.
const std::vector<std::int32_t>& doc_tokens(Doc& d, const std::vector<CalibrationSource>& sources,
                                            const CalibrationOptions& o) {
    if (!d.encoded) {
        const auto j = ordered_json::parse(d.raw);
        const auto& file = sources[d.source].path;
        if (d.kind == Kind::Text) {
            d.ids = o.tokenizer->encode(j["text"].get<std::string>(), true);
        } else {
            std::string text;
            try {
                text = o.chat_template->render(j["messages"], j.contains("tools") ? j["tools"] : ordered_json(nullptr));
            } catch (const InputError& e) {
                line_error(file, d.line, fmt::format("chat template: {}", e.what()));
            }
            d.ids = o.tokenizer->encode(text, false);
        }
        for (auto id : d.ids)
            if (o.vocab_size > 0 && id >= o.vocab_size)
                line_error(file, d.line, fmt::format("the tokenizer gave id {}, outside the model's vocabulary [0, {})",
                                                     id, o.vocab_size));
        d.raw.clear();
        d.raw.shrink_to_fit();
        d.encoded = true;
    }
    if (!o.pack && static_cast<std::int64_t>(d.ids.size()) > o.seq_len) d.ids.resize(static_cast<std::size_t>(o.seq_len));
    return d.ids;
}

// Takes up to `want` tokens from a domain, continuing where it stopped. Returns the tokens taken.
std::uint64_t take(DomainDocs& dd, std::uint64_t want, const std::vector<CalibrationSource>& sources,
                   const CalibrationOptions& o) {
    std::uint64_t got = 0;
    while (got < want && dd.cursor < dd.order.size()) {
        const std::size_t doc = dd.order[dd.cursor];
        const auto& ids = doc_tokens(dd.docs[doc], sources, o);
        const std::uint64_t left = ids.size() - dd.offset;
        const std::uint64_t n = std::min(left, want - got);
        if (n > 0) {
            if (!dd.taken.empty() && dd.taken.back().first == doc) dd.taken.back().second += n;
            else dd.taken.emplace_back(doc, n);
        }
        got += n;
        dd.offset += n;
        if (dd.offset == ids.size()) {
            ++dd.cursor;
            dd.offset = 0;
        }
    }
    if (dd.cursor >= dd.order.size()) dd.exhausted = true;
    dd.total += got;
    return got;
}

} // namespace

std::string file_domain(const std::filesystem::path& path) {
    std::string s = path.stem().string();
    for (char& c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) c = '_';
    if (s.size() > 64) s.resize(64);
    if (s.empty() || s == "all") s = "data";
    return s;
}

CalibrationSource parse_calibration_arg(std::string_view arg) {
    const auto eq = arg.find('=');
    if (eq != std::string_view::npos && eq > 0 && valid_domain_name(arg.substr(0, eq)) && arg.substr(0, eq) != "all")
        return {std::filesystem::path(std::string(arg.substr(eq + 1))), std::string(arg.substr(0, eq))};
    return {std::filesystem::path(std::string(arg)), {}};
}

CalibrationSet load_calibration(const std::vector<CalibrationSource>& sources, const CalibrationOptions& o) {
    if (o.seq_len < 1) throw InputError(fmt::format("--seq-len must be positive, not {}", o.seq_len));
    if (sources.empty()) throw InputError("no calibration data (give --data FILE)");
    std::vector<DomainDocs> domains;
    auto domain_index = [&](const std::string& name) {
        for (std::size_t i = 0; i < domains.size(); ++i)
            if (domains[i].name == name) return i;
        domains.push_back(DomainDocs{name, {}, {}, 0, 0, {}, 0, false});
        return domains.size() - 1;
    };
    for (std::size_t s = 0; s < sources.size(); ++s) {
        const auto& src = sources[s];
        std::ifstream in(src.path, std::ios::binary);
        if (!in) throw_input(src.path.string(), "cannot open the calibration file");
        std::string raw, domain;
        std::size_t line = 0, docs = 0;
        while (std::getline(in, raw)) {
            ++line;
            if (!raw.empty() && raw.back() == '\r') raw.pop_back();
            if (raw.find_first_not_of(" \t") == std::string::npos) continue;
            Doc d = parse_line(raw, src, s, line, o, domain);
            domains[domain_index(domain)].docs.push_back(std::move(d));
            ++docs;
        }
        if (docs == 0) throw_input(src.path.string(), "no calibration lines");
    }

    for (auto& dd : domains) {
        dd.order.resize(dd.docs.size());
        std::iota(dd.order.begin(), dd.order.end(), std::size_t{0});
        const std::uint64_t salt = splitmix64(o.seed) ^ fnv1a(dd.name);
        std::vector<std::uint64_t> key(dd.docs.size());
        for (std::size_t i = 0; i < key.size(); ++i) key[i] = splitmix64(salt + i);
        std::sort(dd.order.begin(), dd.order.end(),
                  [&](std::size_t a, std::size_t b) { return key[a] != key[b] ? key[a] < key[b] : a < b; });
    }

    // Water-filling: equal shares of what is left among the domains that still have documents.
    std::uint64_t left = o.max_tokens == 0 ? std::numeric_limits<std::uint64_t>::max() : o.max_tokens;
    while (left > 0) {
        std::vector<std::size_t> active;
        for (std::size_t i = 0; i < domains.size(); ++i)
            if (!domains[i].exhausted) active.push_back(i);
        if (active.empty()) break;
        std::uint64_t got = 0;
        const std::uint64_t share = left / active.size(), extra = left % active.size();
        for (std::size_t a = 0; a < active.size(); ++a)
            got += take(domains[active[a]], share + (a < extra ? 1 : 0), sources, o);
        left -= got;
        if (got == 0) break;
    }

    CalibrationSet set;
    Sha256 h;
    h.update(std::string_view("moecut-calibration-1\n"));
    for (std::size_t di = 0; di < domains.size(); ++di) {
        auto& dd = domains[di];
        set.domains.push_back(dd.name);
        set.tokens[dd.name] = dd.total;
        set.total_tokens += dd.total;
        std::vector<std::vector<std::int32_t>> seqs;
        for (const auto& [doc, n] : dd.taken) {
            const auto& ids = dd.docs[doc].ids;
            if (!o.pack) {
                seqs.emplace_back(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n));
                continue;
            }
            std::size_t pos = 0;
            while (pos < n) {
                if (seqs.empty() || static_cast<std::int64_t>(seqs.back().size()) == o.seq_len) seqs.emplace_back();
                const std::size_t room = static_cast<std::size_t>(o.seq_len) - seqs.back().size();
                const std::size_t c = std::min(room, n - pos);
                seqs.back().insert(seqs.back().end(), ids.begin() + static_cast<std::ptrdiff_t>(pos),
                                   ids.begin() + static_cast<std::ptrdiff_t>(pos + c));
                pos += c;
            }
        }
        for (auto& s : seqs) {
            h.update(fmt::format("{}\n{}\n", dd.name, s.size()));
            h.update(std::as_bytes(std::span<const std::int32_t>(s.data(), s.size())));
            set.sequences.push_back({static_cast<int>(di), std::move(s)});
        }
    }
    set.hash = "sha256:" + h.hex_digest();
    return set;
}

} // namespace moecut

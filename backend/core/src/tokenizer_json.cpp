// Reading tokenizer.json (the serde format of tokenizers/src/tokenizer/serialization.rs and
// of each component) into the parts of tokenizer_parts.h.
#include "tokenizer_parts.h"

#include "moecut/error.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_set>

namespace moecut {

namespace {

using nlohmann::json;
using namespace tok;

class Reader {
public:
    explicit Reader(std::string origin) : origin_(std::move(origin)) {}
    const std::string& origin() const { return origin_; }

    [[noreturn]] void fail(std::string_view where, std::string_view problem) const {
        throw_input(origin_, fmt::format("{}: {}", where, problem));
    }

    const json& field(const json& j, const char* key, std::string_view where) const {
        const auto it = j.find(key);
        if (it == j.end()) fail(where, fmt::format("missing \"{}\"", key));
        return *it;
    }
    std::string str(const json& j, const char* key, std::string_view where) const {
        const json& v = field(j, key, where);
        if (!v.is_string()) fail(where, fmt::format("\"{}\" is not a string", key));
        return v.get<std::string>();
    }
    std::optional<std::string> opt_str(const json& j, const char* key, std::string_view where) const {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return std::nullopt;
        if (!it->is_string()) fail(where, fmt::format("\"{}\" is not a string", key));
        return it->get<std::string>();
    }
    bool flag(const json& j, const char* key, bool dflt, std::string_view where) const {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return dflt;
        if (!it->is_boolean()) fail(where, fmt::format("\"{}\" is not a boolean", key));
        return it->get<bool>();
    }
    std::size_t count(const json& j, const char* key, std::size_t dflt, std::string_view where) const {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return dflt;
        if (!it->is_number_unsigned()) fail(where, fmt::format("\"{}\" is not a non-negative integer", key));
        return it->get<std::size_t>();
    }
    int32_t id(const json& v, std::string_view where) const {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > INT32_MAX)
            fail(where, "token id is not a non-negative 32-bit integer");
        return static_cast<int32_t>(v.get<int64_t>());
    }
    // A field holding exactly one character.
    char32_t character(const json& j, const char* key, char32_t dflt, std::string_view where) const {
        const auto s = opt_str(j, key, where);
        if (!s) return dflt;
        std::size_t i = 0;
        const char32_t cp = s->empty() ? 0 : next_code_point(*s, i);
        if (s->empty() || i != s->size()) fail(where, fmt::format("\"{}\" must be one character", key));
        return cp;
    }
    // {"String": "..."} or {"Regex": "..."}.
    Regex pattern(const json& j, std::string_view where) const {
        const json& p = field(j, "pattern", where);
        if (p.is_object() && p.contains("String") && p["String"].is_string())
            return Regex::compile(p["String"].get<std::string>(), true, fmt::format("{}: {}", origin_, where));
        if (p.is_object() && p.contains("Regex") && p["Regex"].is_string())
            return Regex::compile(p["Regex"].get<std::string>(), false, fmt::format("{}: {}", origin_, where));
        fail(where, "\"pattern\" must be {\"String\": ...} or {\"Regex\": ...}");
    }
    std::string type(const json& j, std::string_view where) const {
        if (!j.is_object()) fail(where, "is not an object");
        if (std::count(where.begin(), where.end(), '[') > 32) fail(where, "Sequence nested too deeply");
        return str(j, "type", where);
    }
    const json& array(const json& j, const char* key, std::string_view where) const {
        const json& a = field(j, key, where);
        if (!a.is_array()) fail(where, fmt::format("\"{}\" is not an array", key));
        return a;
    }
    PrependScheme prepend_scheme(const json& j, std::string_view where) const {
        if (const auto s = opt_str(j, "prepend_scheme", where)) {
            if (*s == "always") return PrependScheme::Always;
            if (*s == "never") return PrependScheme::Never;
            if (*s == "first") return PrependScheme::First;
            fail(where, fmt::format("unknown prepend_scheme \"{}\"", *s));
        }
        // Files older than prepend_scheme carry add_prefix_space.
        return flag(j, "add_prefix_space", true, where) ? PrependScheme::Always : PrependScheme::Never;
    }

    NormalizerPtr normalizer(const json& j, const std::string& where) const;
    PreTokenizerPtr pre_tokenizer(const json& j, const std::string& where) const;
    PostProcessorPtr post_processor(const json& j, const std::string& where) const;
    DecoderPtr decoder(const json& j, const std::string& where) const;
    BpeConfig model(const json& j) const;
    std::vector<AddedToken> added_tokens(const json& j) const;

private:
    std::string origin_;
};

NormalizerPtr Reader::normalizer(const json& j, const std::string& where) const {
    const std::string t = type(j, where);
    if (t == "NFC") return make_unicode_normalizer(UnicodeForm::NFC);
    if (t == "NFD") return make_unicode_normalizer(UnicodeForm::NFD);
    if (t == "NFKC") return make_unicode_normalizer(UnicodeForm::NFKC);
    if (t == "NFKD") return make_unicode_normalizer(UnicodeForm::NFKD);
    if (t == "Lowercase") return make_lowercase_normalizer();
    if (t == "Strip") return make_strip_normalizer(flag(j, "strip_left", true, where), flag(j, "strip_right", true, where));
    if (t == "StripAccents") return make_strip_accents_normalizer();
    if (t == "Replace") return make_replace_normalizer(pattern(j, where), str(j, "content", where));
    if (t == "Prepend") return make_prepend_normalizer(str(j, "prepend", where));
    if (t == "ByteLevel") return make_byte_level_normalizer();
    if (t == "Sequence") {
        std::vector<NormalizerPtr> parts;
        const json& a = array(j, "normalizers", where);
        for (std::size_t k = 0; k < a.size(); ++k) parts.push_back(normalizer(a[k], fmt::format("{}[{}]", where, k)));
        return make_sequence_normalizer(std::move(parts));
    }
    fail(where, fmt::format("unsupported normalizer type \"{}\"", t));
}

PreTokenizerPtr Reader::pre_tokenizer(const json& j, const std::string& where) const {
    const std::string t = type(j, where);
    if (t == "Split") {
        const std::string b = str(j, "behavior", where);
        SplitBehavior behavior;
        if (b == "Removed") behavior = SplitBehavior::Removed;
        else if (b == "Isolated") behavior = SplitBehavior::Isolated;
        else if (b == "MergedWithPrevious") behavior = SplitBehavior::MergedWithPrevious;
        else if (b == "MergedWithNext") behavior = SplitBehavior::MergedWithNext;
        else if (b == "Contiguous") behavior = SplitBehavior::Contiguous;
        else fail(where, fmt::format("unknown split behavior \"{}\"", b));
        return make_split_pre_tokenizer(pattern(j, where), behavior, flag(j, "invert", false, where));
    }
    if (t == "ByteLevel")
        return make_byte_level_pre_tokenizer(flag(j, "add_prefix_space", true, where), flag(j, "use_regex", true, where));
    if (t == "Metaspace")
        return make_metaspace_pre_tokenizer(character(j, "replacement", U'\u2581', where), prepend_scheme(j, where),
                                            flag(j, "split", true, where));
    if (t == "Digits") return make_digits_pre_tokenizer(flag(j, "individual_digits", false, where));
    if (t == "Whitespace") return make_whitespace_pre_tokenizer();
    if (t == "WhitespaceSplit") return make_whitespace_split_pre_tokenizer();
    if (t == "Sequence") {
        std::vector<PreTokenizerPtr> parts;
        const json& a = array(j, "pretokenizers", where);
        for (std::size_t k = 0; k < a.size(); ++k) parts.push_back(pre_tokenizer(a[k], fmt::format("{}[{}]", where, k)));
        return make_sequence_pre_tokenizer(std::move(parts));
    }
    fail(where, fmt::format("unsupported pre_tokenizer type \"{}\"", t));
}

PostProcessorPtr Reader::post_processor(const json& j, const std::string& where) const {
    const std::string t = type(j, where);
    if (t == "ByteLevel") return make_template_post_processor({}, {}); // offsets only
    if (t == "TemplateProcessing") {
        const json& specials = field(j, "special_tokens", where);
        std::vector<int32_t> before, after;
        bool seen_sequence = false;
        const json& single = array(j, "single", where);
        for (std::size_t k = 0; k < single.size(); ++k) {
            const json& piece = single[k];
            const std::string pw = fmt::format("{}.single[{}]", where, k);
            if (piece.is_object() && piece.contains("Sequence")) {
                if (seen_sequence) fail(pw, "the single template names the sequence twice");
                seen_sequence = true;
                continue;
            }
            if (!piece.is_object() || !piece.contains("SpecialToken")) fail(pw, "is neither SpecialToken nor Sequence");
            const std::string name = str(piece["SpecialToken"], "id", pw);
            const auto it = specials.find(name);
            if (it == specials.end()) fail(pw, fmt::format("special token \"{}\" is not in special_tokens", name));
            const json& ids = array(*it, "ids", pw);
            for (const json& id_json : ids) (seen_sequence ? after : before).push_back(id(id_json, pw));
        }
        return make_template_post_processor(std::move(before), std::move(after));
    }
    if (t == "RobertaProcessing" || t == "BertProcessing") {
        auto pair_id = [&](const char* key) {
            const json& p = field(j, key, where);
            if (!p.is_array() || p.size() != 2) fail(where, fmt::format("\"{}\" is not a [token, id] pair", key));
            return id(p[1], where);
        };
        return make_template_post_processor({pair_id("cls")}, {pair_id("sep")});
    }
    if (t == "Sequence") {
        std::vector<PostProcessorPtr> parts;
        const json& a = array(j, "processors", where);
        for (std::size_t k = 0; k < a.size(); ++k) parts.push_back(post_processor(a[k], fmt::format("{}[{}]", where, k)));
        return make_sequence_post_processor(std::move(parts));
    }
    fail(where, fmt::format("unsupported post_processor type \"{}\"", t));
}

DecoderPtr Reader::decoder(const json& j, const std::string& where) const {
    const std::string t = type(j, where);
    if (t == "ByteLevel") return make_byte_level_decoder();
    if (t == "Metaspace")
        return make_metaspace_decoder(character(j, "replacement", U'\u2581', where),
                                      prepend_scheme(j, where) != PrependScheme::Never);
    if (t == "ByteFallback") return make_byte_fallback_decoder();
    if (t == "Fuse") return make_fuse_decoder();
    if (t == "Strip")
        return make_strip_decoder(character(j, "content", U' ', where), count(j, "start", 0, where), count(j, "stop", 0, where));
    if (t == "Replace") return make_replace_decoder(pattern(j, where), str(j, "content", where));
    if (t == "Sequence") {
        std::vector<DecoderPtr> parts;
        const json& a = array(j, "decoders", where);
        for (std::size_t k = 0; k < a.size(); ++k) parts.push_back(decoder(a[k], fmt::format("{}[{}]", where, k)));
        return make_sequence_decoder(std::move(parts));
    }
    fail(where, fmt::format("unsupported decoder type \"{}\"", t));
}

BpeConfig Reader::model(const json& j) const {
    const std::string where = "model";
    if (!j.is_object()) fail(where, "is not an object");
    const std::string t = j.contains("type") ? str(j, "type", where) : std::string("BPE");
    if (t != "BPE") fail(where, fmt::format("unsupported model type \"{}\" (only BPE is)", t));
    BpeConfig c;
    const json& vocab = field(j, "vocab", where);
    if (!vocab.is_object()) fail(where, "\"vocab\" is not an object");
    c.vocab.reserve(vocab.size());
    for (const auto& [token, value] : vocab.items()) c.vocab.emplace_back(token, id(value, "model.vocab"));
    const json& merges = array(j, "merges", where);
    c.merges.reserve(merges.size());
    for (std::size_t k = 0; k < merges.size(); ++k) {
        const json& m = merges[k];
        if (m.is_string()) {
            // The older "a b" form: exactly one space.
            const std::string s = m.get<std::string>();
            const std::size_t sp = s.find(' ');
            if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
                fail(fmt::format("model.merges[{}]", k), fmt::format("\"{}\" is not two tokens separated by a space", s));
            c.merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            c.merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
        } else {
            fail(fmt::format("model.merges[{}]", k), "is neither \"a b\" nor [\"a\", \"b\"]");
        }
    }
    c.unk_token = opt_str(j, "unk_token", where);
    c.continuing_subword_prefix = opt_str(j, "continuing_subword_prefix", where);
    c.end_of_word_suffix = opt_str(j, "end_of_word_suffix", where);
    c.fuse_unk = flag(j, "fuse_unk", false, where);
    c.byte_fallback = flag(j, "byte_fallback", false, where);
    c.ignore_merges = flag(j, "ignore_merges", false, where);
    return c;
}

std::vector<AddedToken> Reader::added_tokens(const json& j) const {
    std::vector<AddedToken> out;
    if (j.is_null()) return out;
    if (!j.is_array()) fail("added_tokens", "is not an array");
    for (std::size_t k = 0; k < j.size(); ++k) {
        const std::string where = fmt::format("added_tokens[{}]", k);
        const json& t = j[k];
        if (!t.is_object()) fail(where, "is not an object");
        AddedToken a;
        a.id = id(field(t, "id", where), where);
        a.content = str(t, "content", where);
        a.special = flag(t, "special", false, where);
        a.single_word = flag(t, "single_word", false, where);
        a.lstrip = flag(t, "lstrip", false, where);
        a.rstrip = flag(t, "rstrip", false, where);
        a.normalized = flag(t, "normalized", !a.special, where);
        out.push_back(std::move(a));
    }
    return out;
}

bool present(const json& root, const char* key) {
    const auto it = root.find(key);
    return it != root.end() && !it->is_null();
}

} // namespace

Tokenizer Tokenizer::from_json(std::string_view json_text, std::string_view origin) {
    Reader r{std::string(origin)};
    json root;
    try {
        root = json::parse(json_text.begin(), json_text.end());
    } catch (const json::exception& e) {
        throw_input(origin, fmt::format("not valid JSON: {}", e.what()));
    }
    if (!root.is_object()) throw_input(origin, "not a tokenizer.json (the top level is not an object)");
    if (!present(root, "model")) throw_input(origin, "not a tokenizer.json (no \"model\")");

    auto impl = std::make_unique<Impl>();
    impl->origin = std::string(origin);
    try {
        impl->model = std::make_unique<BpeModel>(r.model(root["model"]), origin);
        if (present(root, "normalizer")) impl->normalizer = r.normalizer(root["normalizer"], "normalizer");
        if (present(root, "pre_tokenizer")) impl->pre_tokenizer = r.pre_tokenizer(root["pre_tokenizer"], "pre_tokenizer");
        if (present(root, "post_processor"))
            impl->post_processor = r.post_processor(root["post_processor"], "post_processor");
        if (present(root, "decoder")) impl->decoder = r.decoder(root["decoder"], "decoder");
        impl->added.build(r.added_tokens(root.value("added_tokens", json())), impl->normalizer.get());
    } catch (const json::exception& e) {
        throw_input(origin, fmt::format("malformed tokenizer.json: {}", e.what()));
    }
    std::unordered_set<std::string_view> distinct;
    impl->model->for_each_token([&](std::string_view token, int32_t) { distinct.insert(token); });
    for (const AddedToken& t : impl->added.tokens()) distinct.insert(t.content);
    impl->vocab_size = distinct.size();
    return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::from_file(const std::filesystem::path& path) {
    std::error_code ec;
    const std::filesystem::path file =
        std::filesystem::is_directory(path, ec) ? path / "tokenizer.json" : path;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw_input(file.string(), "cannot open the tokenizer file");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw_input(file.string(), "cannot read the tokenizer file");
    return from_json(buf.str(), file.string());
}

} // namespace moecut

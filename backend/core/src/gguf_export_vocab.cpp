// tokenizer.ggml.* keys from a Hugging Face tokenizer.json (moecut/gguf_export.h),
// as llama.cpp's converter writes them for byte-level BPE models
// (conversion/base.py get_vocab_base and _set_vocab_glm).
#include "moecut/gguf_export.h"

#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/tokenizer.h"

#include <fmt/core.h>

#include <fstream>
#include <sstream>

namespace moecut {
namespace {

using nlohmann::json;

// gguf TokenType
constexpr std::int32_t kNormal = 1, kControl = 3, kUserDefined = 4, kUnused = 5;

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The pre-tokenizer's Split regex, if any.
std::string split_regex(const json& pre) {
    if (!pre.is_object()) return {};
    if (pre.value("type", "") == "Split" && pre.contains("pattern") && pre["pattern"].contains("Regex"))
        return pre["pattern"]["Regex"].get<std::string>();
    if (pre.value("type", "") == "Sequence" && pre.contains("pretokenizers"))
        for (const json& p : pre["pretokenizers"])
            if (auto r = split_regex(p); !r.empty()) return r;
    return {};
}

std::string guess_pre(const std::string& regex, const std::string& model_type, std::vector<std::string>& notes) {
    // llama-vocab.cpp LLAMA_VOCAB_PRE_TYPE_CHATGLM4 ("glm4") uses this split.
    static const std::string kGlm =
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    if (regex == kGlm) return "glm4";
    std::string pre = "default";
    if (model_type == "glm_moe_dsa" || model_type == "glm4_moe") pre = "glm4";
    else if (model_type == "deepseek_v3" || model_type == "deepseek_v32") pre = "deepseek-v3";
    else if (model_type == "qwen3_moe" || model_type == "qwen2_moe") pre = "qwen2";
    notes.push_back(fmt::format("tokenizer.ggml.pre '{}' chosen from the model family (the pre-tokenizer regex is not one "
                                "moecut recognises); pass --tokenizer-pre to override",
                                pre));
    return pre;
}

std::optional<std::int64_t> token_id(const Tokenizer& tok, const json& v) {
    if (v.is_string()) {
        if (auto id = tok.token_to_id(v.get<std::string>())) return *id;
    } else if (v.is_object() && v.contains("content") && v["content"].is_string()) {
        if (auto id = tok.token_to_id(v["content"].get<std::string>())) return *id;
    }
    return std::nullopt;
}

std::optional<std::int64_t> config_id(const json& config, const char* key) {
    if (!config.contains(key)) return std::nullopt;
    const json& v = config[key];
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_array() && !v.empty() && v[0].is_number_integer()) return v[0].get<std::int64_t>();
    return std::nullopt;
}

} // namespace

void add_gguf_tokenizer(const std::filesystem::path& dir, const json& config, std::int64_t vocab_size,
                        const std::string& model_type, const std::optional<std::string>& pre, GgufLayout& L,
                        std::vector<std::string>& notes) {
    const auto tj_path = dir / "tokenizer.json";
    if (!std::filesystem::exists(tj_path)) {
        // llama.cpp loads a model without a vocabulary ("none"): tokens must then be fed as ids.
        L.set("tokenizer.ggml.model", GgufValue::string("none"));
        notes.push_back("no tokenizer.json: tokenizer.ggml.model = none (llama.cpp then takes token ids only)");
        return;
    }
    const json tj = read_json_file(tj_path);
    const json& model = tj.contains("model") ? tj["model"] : json();
    if (!model.is_object() || model.value("type", "") != "BPE")
        throw_input(tj_path.string(), "GGUF export handles byte-level BPE tokenizers (model.type BPE) only");
    const Tokenizer tok = Tokenizer::from_file(tj_path);

    std::vector<std::string> tokens;
    std::vector<std::int32_t> types;
    std::vector<bool> is_added(static_cast<std::size_t>(vocab_size), false);
    for (const AddedToken& a : tok.added_tokens())
        if (a.id >= 0 && a.id < vocab_size) is_added[static_cast<std::size_t>(a.id)] = true;
    std::int64_t holes = 0;
    for (std::int64_t i = 0; i < vocab_size; ++i) {
        auto t = tok.id_to_token(static_cast<std::int32_t>(i));
        if (!t) {
            tokens.push_back(fmt::format("[PAD{}]", i));
            types.push_back(kUnused);
            ++holes;
            continue;
        }
        tokens.push_back(*t);
        if (is_added[static_cast<std::size_t>(i)])
            types.push_back(tok.is_special(static_cast<std::int32_t>(i)) ? kControl : kUserDefined);
        else
            types.push_back(kNormal);
    }
    if (static_cast<std::int64_t>(tok.vocab_size()) > vocab_size)
        throw_input(tj_path.string(), fmt::format("{} tokens but config.json vocab_size is {}", tok.vocab_size(), vocab_size));
    if (holes > 0) notes.push_back(fmt::format("{} unused token ids filled with [PAD<i>] (vocab_size {})", holes, vocab_size));

    std::vector<std::string> merges;
    if (model.contains("merges") && model["merges"].is_array())
        for (const json& m : model["merges"]) {
            if (m.is_string()) merges.push_back(m.get<std::string>());
            else if (m.is_array() && m.size() == 2) merges.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());
            else throw_input(tj_path.string(), "model.merges entries must be \"a b\" strings or [a, b] pairs");
        }

    L.set("tokenizer.ggml.model", GgufValue::string("gpt2"));
    L.set("tokenizer.ggml.pre", GgufValue::string(pre ? *pre : guess_pre(split_regex(tj.value("pre_tokenizer", json())), model_type, notes)));
    L.set("tokenizer.ggml.tokens", GgufValue::strings(std::move(tokens)));
    L.set("tokenizer.ggml.token_type", GgufValue::array_of<std::int32_t>(GgufType::Int32, types));
    L.set("tokenizer.ggml.merges", GgufValue::strings(std::move(merges)));

    json tc = json::object();
    if (std::filesystem::exists(dir / "tokenizer_config.json")) tc = read_json_file(dir / "tokenizer_config.json");
    auto set_id = [&](const char* key, std::optional<std::int64_t> id) {
        if (id && *id >= 0 && *id < vocab_size) L.set(fmt::format("tokenizer.ggml.{}", key), GgufValue::u32(static_cast<std::uint32_t>(*id)));
    };
    auto named = [&](const char* content) -> std::optional<std::int64_t> {
        if (auto id = tok.token_to_id(content)) return *id;
        return std::nullopt;
    };
    std::optional<std::int64_t> eos = tc.contains("eos_token") ? token_id(tok, tc["eos_token"]) : std::nullopt;
    if (!eos) eos = config_id(config, "eos_token_id");
    std::optional<std::int64_t> pad = config_id(config, "pad_token_id");
    if (!pad && tc.contains("pad_token")) pad = token_id(tok, tc["pad_token"]);
    std::optional<std::int64_t> bos = config_id(config, "bos_token_id");
    if (!bos && tc.contains("bos_token")) bos = token_id(tok, tc["bos_token"]);
    set_id("eos_token_id", eos);
    set_id("padding_token_id", pad);
    set_id("bos_token_id", bos);
    if (model_type == "glm_moe_dsa" || model_type == "glm4_moe") {
        // As _set_vocab_glm: eot <|user|>, unk <|endoftext|>, eom <|observation|>.
        set_id("eot_token_id", named("<|user|>"));
        set_id("unknown_token_id", named("<|endoftext|>"));
        set_id("eom_token_id", named("<|observation|>"));
    }
    L.set("tokenizer.ggml.add_bos_token", GgufValue::boolean(tc.value("add_bos_token", false)));
    L.set("tokenizer.ggml.add_eos_token", GgufValue::boolean(tc.value("add_eos_token", false)));
    if (tc.contains("chat_template") && tc["chat_template"].is_string())
        L.set("tokenizer.chat_template", GgufValue::string(tc["chat_template"].get<std::string>()));
    else if (std::filesystem::exists(dir / "chat_template.jinja"))
        L.set("tokenizer.chat_template", GgufValue::string(read_file(dir / "chat_template.jinja")));
}

} // namespace moecut

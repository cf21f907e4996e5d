// Planning an NVFP4 export (moecut/nvfp4_export.h): headers and config only.
#include "moecut/nvfp4_export.h"

#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/fp8.h"
#include "moecut/nvfp4_codec.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>

namespace moecut {
namespace {

using nlohmann::ordered_json;

struct Rule {
    std::string text;
    std::regex re;
};

std::vector<Rule> compile_rules(const std::vector<std::string>& texts, const char* flag) {
    std::vector<Rule> out;
    for (const std::string& t : texts) {
        try {
            out.push_back({t, std::regex(t, std::regex::ECMAScript)});
        } catch (const std::regex_error& e) {
            throw_input(flag, fmt::format("'{}' is not a valid regular expression: {}", t, e.what()));
        }
    }
    return out;
}

const Rule* first_match(const std::vector<Rule>& rules, const std::string& name) {
    for (const Rule& r : rules)
        if (std::regex_search(name, r.re)) return &r;
    return nullptr;
}

bool ends_with(const std::string& s, std::string_view suffix) { return s.size() >= suffix.size() && s.ends_with(suffix); }

std::string strip_weight(const std::string& name) {
    return ends_with(name, ".weight") ? name.substr(0, name.size() - 7) : name;
}

// Modules vLLM fuses into one GEMM share one weight_scale_2: the key names the fused module.
std::string fusion_key(const std::string& module) {
    const auto dot = module.rfind('.');
    const std::string head = dot == std::string::npos ? "" : module.substr(0, dot + 1);
    const std::string last = dot == std::string::npos ? module : module.substr(dot + 1);
    if (last == "gate_proj" || last == "up_proj") return head + "gate_up_proj";
    if (last == "w1" || last == "w3") return head + "w13";
    if (last == "q_proj" || last == "k_proj" || last == "v_proj") return head + "qkv_proj";
    if (last == "q_a_proj" || last == "kv_a_proj_with_mqa") return head + "fused_qkv_a_proj";
    return module;
}

bool is_side_file(const std::string& name) {
    static const char* const kExact[] = {"generation_config.json", "special_tokens_map.json", "added_tokens.json",
                                         "vocab.json",             "merges.txt",              "chat_template.jinja",
                                         "chat_template.json",     "preprocessor_config.json"};
    for (const char* e : kExact)
        if (name == e) return true;
    return name.starts_with("tokenizer") || name.ends_with(".py") || name.starts_with("LICENSE");
}

class Planner {
public:
    Planner(const Checkpoint& c, const Nvfp4ExportOptions& o)
        : ckpt_(c), opt_(o), quantize_(compile_rules(o.quantize, "--quantize")), keep_(compile_rules(o.keep, "--keep")) {}

    Nvfp4ExportPlan run();

private:
    // Why a Linear weight named `out_name` is quantised, or "" when it is kept.
    std::string quantize_reason(const std::string& out_name, bool routed_expert) const {
        if (first_match(keep_, out_name)) return "";
        if (routed_expert && opt_.quantize_routed_experts) return "routed expert";
        if (const Rule* q = first_match(quantize_, out_name)) return fmt::format("rule '{}'", q->text);
        return "";
    }
    void add_module(std::string name, const std::string& source, std::int64_t row_begin, std::int64_t rows,
                    std::int64_t cols, std::string reason);
    void keep(const TensorInfo& t, std::int64_t row_begin = 0, std::int64_t rows = -1, std::string name = {});
    void fused_experts(const TensorInfo& t, const std::string& prefix, bool gate_up);
    std::uint64_t source_bytes(const TensorInfo& t, std::int64_t elements) const {
        return static_cast<std::uint64_t>(elements) * dtype_size(t.dtype);
    }

    const Checkpoint& ckpt_;
    const Nvfp4ExportOptions& opt_;
    std::vector<Rule> quantize_, keep_;
    Nvfp4ExportPlan plan_;
    std::map<std::string, int> group_of_key_;
    std::map<std::string, std::pair<int, int>> experts_per_layer_;  // "<prefix>.experts" -> (quantised, kept)
    std::set<std::string> kept_linears_;
    std::set<std::string> unquantisable_;  // "<prefix>.experts" with an in_features % 16 != 0
};

void Planner::add_module(std::string name, const std::string& source, std::int64_t row_begin, std::int64_t rows,
                         std::int64_t cols, std::string reason) {
    const int index = static_cast<int>(plan_.modules.size());
    const std::string key = fusion_key(name);
    auto [it, fresh] = group_of_key_.try_emplace(key, static_cast<int>(plan_.groups.size()));
    if (fresh) plan_.groups.emplace_back();
    plan_.groups[static_cast<std::size_t>(it->second)].push_back(index);
    plan_.modules.push_back({name, source, row_begin, rows, cols, it->second, std::move(reason)});
    auto out = [&](const char* suffix, Nvfp4OutTensor::Kind kind, DType dt, std::vector<std::int64_t> shape) {
        Nvfp4OutTensor t;
        t.name = name + suffix;
        t.kind = kind;
        t.dtype = dt;
        std::uint64_t n = 1;
        for (auto d : shape) n *= static_cast<std::uint64_t>(d);
        t.nbytes = n * dtype_size(dt);
        t.shape = std::move(shape);
        t.module = index;
        plan_.bytes_out += t.nbytes;
        plan_.tensors.push_back(std::move(t));
    };
    out(".weight", Nvfp4OutTensor::Kind::Packed, DType::U8, {rows, cols / 2});
    out(".weight_scale", Nvfp4OutTensor::Kind::BlockScales, DType::F8_E4M3, {rows, cols / nvfp4::kBlock});
    out(".weight_scale_2", Nvfp4OutTensor::Kind::GlobalScale, DType::F32, {});
    if (opt_.quant_algo == "NVFP4") out(".input_scale", Nvfp4OutTensor::Kind::InputScale, DType::F32, {});
    const TensorInfo& src = *ckpt_.find(source)->info;
    plan_.bytes_in += source_bytes(src, rows * cols);
    plan_.quantized_params += rows * cols;
}

void Planner::keep(const TensorInfo& t, std::int64_t row_begin, std::int64_t rows, std::string name) {
    const bool fp8 = (t.dtype == DType::F8_E4M3 || t.dtype == DType::F8_E5M2) && ckpt_.contains(scale_inv_name(t.name));
    Nvfp4OutTensor o;
    o.name = name.empty() ? t.name : std::move(name);
    o.source = t.name;
    o.row_begin = row_begin;
    o.rows = rows;
    o.kind = fp8 ? Nvfp4OutTensor::Kind::ToBf16 : Nvfp4OutTensor::Kind::Copy;
    o.dtype = fp8 ? DType::BF16 : t.dtype;
    if (rows < 0) {
        o.shape = t.shape;
    } else {
        o.shape = {rows, t.shape.back()};
    }
    std::int64_t n = 1;
    for (auto d : o.shape) n *= d;
    o.nbytes = static_cast<std::uint64_t>(n) * dtype_size(o.dtype);
    plan_.bytes_in += source_bytes(t, n);
    plan_.bytes_out += o.nbytes;
    plan_.kept_params += n;
    if (o.shape.size() == 2 && ends_with(o.name, ".weight") && o.name.find("embed") == std::string::npos &&
        o.name.find("norm") == std::string::npos)
        kept_linears_.insert(strip_weight(o.name));
    plan_.tensors.push_back(std::move(o));
}

// transformers v5 fused experts: gate_up_proj [E, 2I, H] (expert e's gate rows, then its
// up rows) and down_proj [E, H, I].
void Planner::fused_experts(const TensorInfo& t, const std::string& prefix, bool gate_up) {
    const std::int64_t E = t.shape[0], R = t.shape[1], C = t.shape[2];
    if (gate_up && R % 2 != 0) throw_input(ckpt_.dir().string(), t.name, "gate_up_proj has an odd row count");
    struct Part {
        std::string name;
        std::int64_t row_begin, rows;
        std::string reason;
    };
    std::vector<Part> parts;
    int quantised = 0;
    for (std::int64_t e = 0; e < E; ++e) {
        const std::string base = fmt::format("{}.{}.", prefix, e);
        if (gate_up) {
            parts.push_back({base + "gate_proj", e * R, R / 2, {}});
            parts.push_back({base + "up_proj", e * R + R / 2, R / 2, {}});
        } else {
            parts.push_back({base + "down_proj", e * R, R, {}});
        }
    }
    for (Part& p : parts) {
        p.reason = unquantisable_.contains(prefix) ? "" : quantize_reason(p.name + ".weight", true);
        quantised += !p.reason.empty();
    }
    auto& counts = experts_per_layer_[prefix];
    if (quantised == 0) {  // all kept: the fused tensor as it is
        counts.second += static_cast<int>(parts.size());
        keep(t);
        return;
    }
    for (const Part& p : parts) {
        if (p.reason.empty()) {
            ++counts.second;
            keep(t, p.row_begin, p.rows, p.name + ".weight");
        } else {
            ++counts.first;
            add_module(p.name, t.name, p.row_begin, p.rows, C, p.reason);
        }
    }
}

Nvfp4ExportPlan Planner::run() {
    if (opt_.quant_algo != "NVFP4" && opt_.quant_algo != "W4A16_NVFP4")
        throw_input("--quant-algo", fmt::format("'{}' is not NVFP4 or W4A16_NVFP4", opt_.quant_algo));
    if (!(opt_.input_scale > 0.0f) || !std::isfinite(opt_.input_scale))
        throw_input("--input-scale", "must be a positive finite number");
    const auto& cfg = ckpt_.config();
    if (auto q = cfg.find("quantization_config"); q != cfg.end() && q->is_object()) {
        const std::string method = q->value("quant_method", "");
        if (method.starts_with("modelopt") || method == "compressed-tensors")
            throw_input(ckpt_.config_path().string(), fmt::format("is already quantised (quant_method \"{}\"); export "
                                                                  "from the unquantised checkpoint", method));
    }
    static const std::regex kExpert(R"(^(.*\.experts)\.(\d+)\.([A-Za-z0-9_]+)\.weight$)");
    static const std::regex kFused(R"(^(.*\.experts)\.(gate_up_proj|down_proj)(\.weight)?$)");
    // A layer's experts are one fused layer in vLLM: one matrix that cannot be
    // quantised (in_features % 16 != 0) keeps the whole layer.
    for (const Checkpoint::Entry& e : ckpt_.entries()) {
        const TensorInfo& t = *e.info;
        std::smatch m;
        const bool per_expert = t.shape.size() == 2 && std::regex_match(t.name, m, kExpert);
        const bool fused = !per_expert && t.shape.size() == 3 && std::regex_match(t.name, m, kFused);
        if ((per_expert || fused) && t.shape.back() % nvfp4::kBlock != 0 && unquantisable_.insert(m[1].str()).second)
            plan_.notes.push_back(fmt::format("{}: routed experts kept, {} has in_features {} (not a multiple of 16)",
                                              m[1].str(), t.name, t.shape.back()));
    }
    for (const Checkpoint::Entry& e : ckpt_.entries()) {
        const TensorInfo& t = *e.info;
        const std::string& n = t.name;
        if (ends_with(n, ".weight_scale_2") || ends_with(n, ".weight_packed"))
            throw_input(ckpt_.dir().string(), n, "the checkpoint is already quantised; export from the unquantised one");
        if (ends_with(n, "_scale_inv") && ckpt_.contains(n.substr(0, n.size() - 10))) continue;  // FP8 scales: consumed
        std::smatch m;
        if (t.shape.size() == 3 && std::regex_match(n, m, kFused)) {
            fused_experts(t, m[1].str(), m[2].str() == "gate_up_proj");
            continue;
        }
        const bool matrix = t.shape.size() == 2 && ends_with(n, ".weight") && dtype_is_float(t.dtype);
        const bool expert = matrix && std::regex_match(n, m, kExpert);
        std::string reason = matrix && n.find("embed") == std::string::npos &&
                                     !(expert && unquantisable_.contains(m[1].str()))
                                 ? quantize_reason(n, expert)
                                 : "";
        if (!reason.empty() && t.shape[1] % nvfp4::kBlock != 0) {
            plan_.notes.push_back(fmt::format("{}: kept, in_features {} is not a multiple of 16", n, t.shape[1]));
            reason.clear();
        }
        if (expert) {
            auto& counts = experts_per_layer_[m[1].str()];
            (reason.empty() ? counts.second : counts.first) += 1;
        }
        if (reason.empty()) keep(t);
        else add_module(strip_weight(n), n, 0, t.shape[0], t.shape[1], reason);
    }

    // vLLM loads one MoE layer's routed experts as one fused layer: all or none.
    std::set<std::string> excluded;
    for (const auto& [prefix, c] : experts_per_layer_) {
        if (c.first > 0 && c.second > 0)
            throw_input("--keep", fmt::format("{}: {} routed expert weights quantised and {} kept; vLLM loads a layer's "
                                              "experts as one fused layer, so quantise all or none of them",
                                              prefix, c.first, c.second));
        if (c.first == 0) excluded.insert(prefix);
    }
    for (const std::string& k : kept_linears_) {
        static const std::regex kUnder(R"(^(.*\.experts)\.\d+\.)");
        std::smatch m;
        if (std::regex_search(k, m, kUnder) && excluded.contains(m[1].str())) continue;  // covered by "<prefix>.experts"
        if (std::regex_match(k, m, std::regex(R"(^(.*\.experts)\.(gate_up_proj|down_proj)$)"))) continue;
        excluded.insert(k);
    }
    plan_.exclude_modules.assign(excluded.begin(), excluded.end());

    // Fused groups with a kept member: vLLM would see mixed precision in one GEMM.
    std::map<std::string, int> quantised_keys;
    for (const Nvfp4Module& mod : plan_.modules) quantised_keys[fusion_key(mod.name)] = 1;
    for (const std::string& k : kept_linears_)
        if (fusion_key(k) != k && quantised_keys.contains(fusion_key(k)))
            plan_.notes.push_back(fmt::format("{}: kept, but fused in vLLM with a quantised module ({}); quantise both or neither",
                                              k, fusion_key(k)));

    // Config files.
    ordered_json producer = {{"name", "modelopt"}, {"version", "moecut " + opt_.version}};
    ordered_json hq;
    hq["producer"] = producer;
    hq["quantization"] = {{"quant_algo", opt_.quant_algo},
                          {"kv_cache_quant_algo", nullptr},
                          {"group_size", nvfp4::kBlock},
                          {"exclude_modules", plan_.exclude_modules}};
    plan_.hf_quant_config = hq;
    ordered_json scheme = {{"num_bits", 4}, {"type", "float"}, {"group_size", nvfp4::kBlock}, {"dynamic", false}};
    ordered_json group0;
    group0["weights"] = scheme;
    if (opt_.quant_algo == "NVFP4") group0["input_activations"] = scheme;
    group0["targets"] = {"Linear"};
    ordered_json qc;
    qc["quant_method"] = "modelopt";
    qc["quant_algo"] = opt_.quant_algo;
    qc["group_size"] = nvfp4::kBlock;
    qc["ignore"] = plan_.exclude_modules;
    qc["config_groups"] = {{"group_0", group0}};
    qc["producer"] = producer;
    ordered_json config = ordered_json::parse(ckpt_.config().dump());
    config.erase("quantization_config");
    config["quantization_config"] = qc;
    plan_.config = config;

    std::vector<std::filesystem::directory_entry> files(std::filesystem::directory_iterator(ckpt_.dir()), {});
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        const std::string name = f.path().filename().string();
        if (f.is_regular_file() && is_side_file(name)) plan_.side_files.push_back(name);
    }
    return std::move(plan_);
}

} // namespace

Nvfp4ExportPlan plan_nvfp4_export(const Checkpoint& ckpt, const Nvfp4ExportOptions& options) {
    return Planner(ckpt, options).run();
}

std::string Nvfp4ExportPlan::to_text() const {
    std::string s = fmt::format("NVFP4 export plan: {} quantised modules in {} scale groups, {} tensors\n", modules.size(),
                                groups.size(), tensors.size());
    s += fmt::format("parameters: {} quantised, {} kept\n", quantized_params, kept_params);
    s += fmt::format("bytes: {} read, {} written\n", bytes_in, bytes_out);
    s += fmt::format("quant_algo: {}\n", hf_quant_config["quantization"]["quant_algo"].get<std::string>());
    s += fmt::format("exclude_modules ({}):\n", exclude_modules.size());
    for (const auto& m : exclude_modules) s += fmt::format("  {}\n", m);
    s += "tensors:\n";
    for (const Nvfp4OutTensor& t : tensors) {
        std::string shape;
        for (std::size_t i = 0; i < t.shape.size(); ++i) shape += (i ? ", " : "") + std::to_string(t.shape[i]);
        std::string why;
        if (t.module >= 0 && t.kind == Nvfp4OutTensor::Kind::Packed)
            why = "quantised: " + modules[static_cast<std::size_t>(t.module)].reason;
        else if (t.kind == Nvfp4OutTensor::Kind::Copy) why = "kept";
        else if (t.kind == Nvfp4OutTensor::Kind::ToBf16) why = "kept: FP8 dequantised to BF16";
        s += fmt::format("  {} {} [{}] {} bytes{}\n", t.name, dtype_name(t.dtype), shape, t.nbytes,
                         why.empty() ? "" : " (" + why + ")");
    }
    for (const auto& n : notes) s += "note: " + n + "\n";
    s += "side files:";
    for (const auto& f : side_files) s += " " + f;
    s += "\n";
    return s;
}

ordered_json Nvfp4ExportPlan::to_json() const {
    static const char* const kKinds[] = {"copy", "to_bf16", "packed", "block_scales", "global_scale", "input_scale"};
    ordered_json j;
    j["quantized_modules"] = modules.size();
    j["scale_groups"] = groups.size();
    j["quantized_params"] = quantized_params;
    j["kept_params"] = kept_params;
    j["bytes_in"] = bytes_in;
    j["bytes_out"] = bytes_out;
    ordered_json ts = ordered_json::array();
    for (const Nvfp4OutTensor& t : tensors) {
        ordered_json o = {{"name", t.name}, {"kind", kKinds[static_cast<int>(t.kind)]}, {"dtype", dtype_name(t.dtype)},
                          {"shape", t.shape}, {"nbytes", t.nbytes}};
        if (t.module >= 0) o["reason"] = modules[static_cast<std::size_t>(t.module)].reason;
        ts.push_back(std::move(o));
    }
    j["tensors"] = std::move(ts);
    j["exclude_modules"] = exclude_modules;
    j["notes"] = notes;
    j["side_files"] = side_files;
    j["config_quantization"] = config["quantization_config"];
    j["hf_quant_config"] = hf_quant_config;
    return j;
}

} // namespace moecut

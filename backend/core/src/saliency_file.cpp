#include "moecut/saliency_file.h"

#include "moecut/error.h"
#include "moecut/safetensors.h"
#include "moecut/safetensors_writer.h"
#include "text_sanitize.h"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <set>

namespace moecut {
namespace {

using nlohmann::json;

constexpr std::string_view kFormatKey = "moecut.saliency";
constexpr std::string_view kFormatVersion = "1";
const std::set<std::string, std::less<>> kKnownKeys = {
    "moecut.saliency", "layers", "mtp_layers", "domains", "tokens", "model_type", "model_hash",
    "data_hash",       "experts", "top_k",     "n_group", "topk_group", "format",
};

json parse_meta(const std::map<std::string, std::string>& meta, const std::string& key, const std::string& file) {
    auto it = meta.find(key);
    if (it == meta.end()) throw_input(file, fmt::format("metadata has no \"{}\"", key));
    try {
        return json::parse(it->second);
    } catch (const json::exception&) {
        throw_input(file, fmt::format("metadata \"{}\" is not valid JSON", key));
    }
}

std::vector<int> int_list(const json& j, const std::string& key, const std::string& file) {
    if (!j.is_array()) throw_input(file, fmt::format("metadata \"{}\" must be a JSON array of layer indices", key));
    std::vector<int> out;
    for (const auto& v : j) {
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 1'000'000)
            throw_input(file, fmt::format("metadata \"{}\" must hold non-negative layer indices", key));
        out.push_back(v.get<int>());
    }
    return out;
}

std::int64_t int_meta(const std::map<std::string, std::string>& meta, const std::string& key, std::int64_t fallback,
                      const std::string& file) {
    auto it = meta.find(key);
    if (it == meta.end()) return fallback;
    std::int64_t v = 0;
    const std::string& s = it->second;
    if (s.empty() || s.size() > 12 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw_input(file, fmt::format("metadata \"{}\" must be a non-negative integer, not \"{}\"", key, printable(s)));
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

std::string str_meta(const std::map<std::string, std::string>& meta, const std::string& key) {
    auto it = meta.find(key);
    return it == meta.end() ? std::string() : it->second;
}

} // namespace

const std::vector<std::string>& saliency_statistics() {
    static const std::vector<std::string> s = {"count", "gate_sum", "reap", "frequency", "ean", "norm_max"};
    return s;
}

void SaliencySums::resize(std::size_t rows, std::size_t experts) {
    for (auto* v : {&count, &gate_sum, &reap_sum, &norm_sum, &norm_max}) v->assign(rows * experts, 0.0);
}

bool valid_domain_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

bool SaliencyTable::has_domain(std::string_view domain) const {
    return std::find(domains.begin(), domains.end(), domain) != domains.end();
}

const std::vector<float>& SaliencyTable::matrix(std::string_view statistic, std::string_view domain) const {
    auto s = values.find(std::string(statistic));
    if (s != values.end()) {
        auto d = s->second.find(std::string(domain));
        if (d != s->second.end()) return d->second;
    }
    if (!has_domain(domain))
        throw_input("SALIENCY", fmt::format("no domain \"{}\" (the file has: {})", printable(domain),
                                            fmt::join(domains, ", ")));
    throw_input("SALIENCY", fmt::format("no statistic \"{}\" for domain \"{}\"", printable(statistic), printable(domain)));
}

float SaliencyTable::at(std::string_view statistic, std::string_view domain, std::size_t row, std::size_t expert) const {
    return matrix(statistic, domain).at(row * static_cast<std::size_t>(experts) + expert);
}

void SaliencyTable::set_domain(const std::string& domain, const SaliencySums& s, std::uint64_t n_tokens) {
    const std::size_t n = rows() * static_cast<std::size_t>(experts);
    for (const auto* v : {&s.count, &s.gate_sum, &s.reap_sum, &s.norm_sum, &s.norm_max})
        if (v->size() != n) throw std::invalid_argument("SaliencyTable::set_domain: sums do not have rows*experts values");
    std::vector<float> count(n), gate(n), reap(n), freq(n), ean(n), nmax(n);
    const double t = static_cast<double>(n_tokens);
    for (std::size_t i = 0; i < n; ++i) {
        const double c = s.count[i];
        count[i] = static_cast<float>(c);
        gate[i] = static_cast<float>(s.gate_sum[i]);
        reap[i] = c > 0 ? static_cast<float>(s.reap_sum[i] / c) : 0.0f;
        freq[i] = t > 0 ? static_cast<float>(c / t) : 0.0f;
        ean[i] = t > 0 ? static_cast<float>(s.norm_sum[i] / t) : 0.0f;
        nmax[i] = c > 0 ? static_cast<float>(s.norm_max[i]) : 0.0f;
    }
    values["count"][domain] = std::move(count);
    values["gate_sum"][domain] = std::move(gate);
    values["reap"][domain] = std::move(reap);
    values["frequency"][domain] = std::move(freq);
    values["ean"][domain] = std::move(ean);
    values["norm_max"][domain] = std::move(nmax);
    tokens[domain] = n_tokens;
    if (!has_domain(domain)) {
        if (domain == "all") domains.insert(domains.begin(), domain);
        else domains.push_back(domain);
    }
}

void SaliencyTable::validate(const std::string& file) const {
    if (layers.empty()) throw_input(file, "no rows (no MoE layers)");
    if (experts <= 0) throw_input(file, "expert count must be positive");
    if (std::set<int>(layers.begin(), layers.end()).size() != layers.size())
        throw_input(file, "a layer appears in two rows");
    for (int m : mtp_layers)
        if (std::find(layers.begin(), layers.end(), m) == layers.end())
            throw_input(file, fmt::format("MTP layer {} has no row", m));
    if (!has_domain("all")) throw_input(file, "no domain \"all\"");
    if (std::set<std::string>(domains.begin(), domains.end()).size() != domains.size())
        throw_input(file, "a domain is listed twice");
    for (const auto& d : domains)
        if (!valid_domain_name(d)) throw_input(file, fmt::format("domain name \"{}\" is not [A-Za-z0-9_-]{{1,64}}", printable(d)));
    if (top_k < 0 || n_group < 1 || topk_group < 1) throw_input(file, "top_k, n_group and topk_group must be positive");
    const std::size_t n = rows() * static_cast<std::size_t>(experts);
    for (const auto& d : domains)
        for (const auto& s : saliency_statistics()) {
            auto it = values.find(s);
            if (it == values.end() || !it->second.count(d)) throw_input(file, fmt::format("{}.{}", s, d), "missing");
        }
    for (const auto& [s, by_domain] : values)
        for (const auto& [d, v] : by_domain) {
            const std::string name = s + "." + d;
            if (!has_domain(d)) throw_input(file, name, "domain not listed in metadata \"domains\"");
            if (v.size() != n) throw_input(file, name, fmt::format("{} values, expected {} x {}", v.size(), rows(), experts));
            for (std::size_t i = 0; i < v.size(); ++i)
                if (!std::isfinite(v[i]) || v[i] < 0.0f)
                    throw_input(file, name, fmt::format("value {} at row {}, expert {} is not a finite non-negative number",
                                                        v[i], i / static_cast<std::size_t>(experts),
                                                        i % static_cast<std::size_t>(experts)));
        }
}

void write_saliency_file(const std::filesystem::path& path, const SaliencyTable& t) {
    t.validate(path.string());
    std::map<std::string, std::string> meta = t.extra;
    meta[std::string(kFormatKey)] = std::string(kFormatVersion);
    meta["layers"] = json(t.layers).dump();
    meta["mtp_layers"] = json(t.mtp_layers).dump();
    meta["domains"] = json(t.domains).dump();
    json tok = json::object();
    for (const auto& d : t.domains) {
        auto it = t.tokens.find(d);
        tok[d] = it == t.tokens.end() ? 0 : it->second;
    }
    meta["tokens"] = tok.dump();
    meta["model_type"] = t.model_type;
    meta["model_hash"] = t.model_hash;
    meta["data_hash"] = t.data_hash;
    meta["experts"] = std::to_string(t.experts);
    meta["top_k"] = std::to_string(t.top_k);
    meta["n_group"] = std::to_string(t.n_group);
    meta["topk_group"] = std::to_string(t.topk_group);

    // Known statistics first in their canonical order, then any others; domains in list order.
    std::vector<std::string> stats = saliency_statistics();
    for (const auto& [s, _] : t.values)
        if (std::find(stats.begin(), stats.end(), s) == stats.end()) stats.push_back(s);
    std::vector<TensorToWrite> tensors;
    const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(t.rows()), t.experts};
    for (const auto& s : stats)
        for (const auto& d : t.domains) {
            const std::vector<float>& v = t.values.at(s).at(d);
            tensors.push_back({s + "." + d, DType::F32, shape, [&v](ByteSink& sink) {
                                   sink.write(std::as_bytes(std::span<const float>(v.data(), v.size())));
                               }});
        }
    write_safetensors_file(path, tensors, meta);
}

SaliencyTable read_saliency_file(const std::filesystem::path& path) {
    const std::string file = path.string();
    const SafetensorsFile f = SafetensorsFile::open(path);
    const auto& meta = f.metadata();
    auto fmt_it = meta.find(std::string(kFormatKey));
    if (fmt_it == meta.end()) throw_input(file, "not a moecut saliency file (no \"moecut.saliency\" metadata)");
    if (fmt_it->second != kFormatVersion)
        throw_input(file, fmt::format("saliency format version \"{}\" is not supported (this moecut reads \"{}\")",
                                      printable(fmt_it->second), kFormatVersion));
    SaliencyTable t;
    t.layers = int_list(parse_meta(meta, "layers", file), "layers", file);
    t.mtp_layers = meta.count("mtp_layers") ? int_list(parse_meta(meta, "mtp_layers", file), "mtp_layers", file)
                                            : std::vector<int>{};
    const json domains = parse_meta(meta, "domains", file);
    if (!domains.is_array()) throw_input(file, "metadata \"domains\" must be a JSON array of names");
    for (const auto& d : domains) {
        if (!d.is_string()) throw_input(file, "metadata \"domains\" must be a JSON array of names");
        t.domains.push_back(d.get<std::string>());
    }
    if (meta.count("tokens")) {
        const json tok = parse_meta(meta, "tokens", file);
        if (!tok.is_object()) throw_input(file, "metadata \"tokens\" must be a JSON object");
        for (const auto& [d, n] : tok.items()) {
            if (!n.is_number_unsigned() && !(n.is_number_integer() && n.get<std::int64_t>() >= 0))
                throw_input(file, fmt::format("metadata \"tokens\": \"{}\" must be a non-negative integer", printable(d)));
            t.tokens[d] = n.get<std::uint64_t>();
        }
    }
    t.model_type = str_meta(meta, "model_type");
    t.model_hash = str_meta(meta, "model_hash");
    t.data_hash = str_meta(meta, "data_hash");
    t.top_k = int_meta(meta, "top_k", 0, file);
    t.n_group = int_meta(meta, "n_group", 1, file);
    t.topk_group = int_meta(meta, "topk_group", 1, file);
    for (const auto& [k, v] : meta)
        if (!kKnownKeys.count(k)) t.extra[k] = v;

    std::int64_t experts = int_meta(meta, "experts", -1, file);
    for (const TensorInfo& ti : f.tensors()) {
        const auto dot = ti.name.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == ti.name.size())
            throw_input(file, printable(ti.name), "not named <statistic>.<domain>");
        if (ti.dtype != DType::F32) throw_input(file, printable(ti.name), fmt::format("dtype {}, expected F32", dtype_name(ti.dtype)));
        if (ti.shape.size() != 2 || ti.shape[0] != static_cast<std::int64_t>(t.layers.size()))
            throw_input(file, printable(ti.name),
                        fmt::format("shape must be [rows, experts] with rows = {} (metadata \"layers\")", t.layers.size()));
        if (experts < 0) experts = ti.shape[1];
        if (ti.shape[1] != experts)
            throw_input(file, printable(ti.name), fmt::format("has {} experts, expected {}", ti.shape[1], experts));
        std::vector<float> v(static_cast<std::size_t>(ti.shape[0] * ti.shape[1]));
        const auto bytes = f.bytes(ti);
        std::memcpy(v.data(), bytes.data(), bytes.size());
        t.values[ti.name.substr(0, dot)][ti.name.substr(dot + 1)] = std::move(v);
    }
    t.experts = experts < 0 ? 0 : experts;
    t.validate(file);
    return t;
}

} // namespace moecut

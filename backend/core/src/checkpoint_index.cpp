#include "checkpoint_index.h"

#include "moecut/error.h"
#include "text_sanitize.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace moecut {
namespace {

// A shard name must be a plain relative path inside the folder.
bool safe_relative(const std::string& name) {
    if (name.empty()) return false;
    std::filesystem::path p(name);
    if (p.is_absolute()) return false;
    for (const auto& part : p)
        if (part == "..") return false;
    return true;
}

// Collects weight_map entries; skips everything else in the file.
class IndexSax {
public:
    using json = nlohmann::json;

    std::vector<std::string> shards;  // in order of first appearance
    std::vector<std::pair<std::string, std::uint32_t>> tensors;
    bool saw_weight_map = false;
    std::optional<std::string> error_tensor;
    std::string error;

    bool null() { return value(false, "null"); }
    bool boolean(bool) { return value(false, "a boolean"); }
    bool number_integer(json::number_integer_t) { return value(false, "a number"); }
    bool number_unsigned(json::number_unsigned_t) { return value(false, "a number"); }
    bool number_float(json::number_float_t, const std::string&) { return value(false, "a number"); }
    bool binary(json::binary_t&) { return value(false, "binary data"); }
    bool string(std::string& s) {
        if (depth_ == 2 && in_map_) return add(s);
        return value(false, "a string");
    }
    bool start_object(std::size_t) {
        if (!value(true, "an object")) return false;
        if (depth_ == 1 && at_map_key_) {
            in_map_ = true;
            saw_weight_map = true;
        }
        ++depth_;
        return true;
    }
    bool start_array(std::size_t) {
        if (!value(false, "an array")) return false;
        ++depth_;
        return true;
    }
    bool end_object() { return end(); }
    bool end_array() { return end(); }
    bool key(std::string& k) {
        if (depth_ == 1) {
            at_map_key_ = k == "weight_map";
            if (at_map_key_ && saw_weight_map) return fail({}, "\"weight_map\" appears twice");
        } else if (depth_ == 2 && in_map_) {
            key_ = std::move(k);
        }
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
        error = "not valid JSON: " + json_error_reason(ex.what());
        return false;
    }

private:
    // A value that is not a weight_map entry; object says whether it is one.
    bool value(bool object, std::string_view what) {
        if (depth_ == 0 && !object) return fail({}, "must hold a JSON object");
        if (depth_ == 1 && at_map_key_ && !object) return fail({}, "\"weight_map\" must be an object");
        if (depth_ == 2 && in_map_) return fail(key_, fmt::format("weight_map value must be a shard file name, not {}", what));
        return true;
    }
    bool end() {
        --depth_;
        if (depth_ == 1) in_map_ = false;
        return true;
    }
    bool add(const std::string& shard) {
        if (last_ >= shards.size() || shards[last_] != shard) {
            auto it = std::find(shards.begin(), shards.end(), shard);
            if (it == shards.end()) {
                if (!safe_relative(shard))
                    return fail(key_, fmt::format("shard name \"{}\" is not a file in the folder", printable(shard)));
                shards.push_back(shard);
                it = shards.end() - 1;
            }
            last_ = static_cast<std::size_t>(it - shards.begin());
        }
        tensors.emplace_back(std::move(key_), static_cast<std::uint32_t>(last_));
        return true;
    }
    bool fail(std::optional<std::string> tensor, std::string problem) {
        if (tensor) error_tensor = printable(*tensor);
        error = std::move(problem);
        return false;
    }

    int depth_ = 0;
    bool at_map_key_ = false;
    bool in_map_ = false;
    std::string key_;
    std::size_t last_ = 0;
};

} // namespace

ShardIndex read_shard_index(const std::filesystem::path& path) {
    const std::string name = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw_input(name, fmt::format("cannot open: {}", std::strerror(errno)));
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = std::move(ss).str();
    if (auto z = text.find('\0'); z != std::string::npos)
        throw_input(name, fmt::format("not valid JSON: NUL byte at offset {}", z));

    IndexSax sax;
    if (!nlohmann::json::sax_parse(text, &sax)) {
        if (sax.error_tensor) throw_input(name, *sax.error_tensor, sax.error);
        throw_input(name, sax.error);
    }
    if (!sax.saw_weight_map) throw_input(name, "has no \"weight_map\"");

    // Shards sorted by name, tensors by name (transformers writes them sorted).
    ShardIndex out;
    std::vector<std::uint32_t> order(sax.shards.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return sax.shards[a] < sax.shards[b]; });
    std::vector<std::uint32_t> renumber(order.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) {
        renumber[order[i]] = i;
        out.shards.push_back(std::move(sax.shards[order[i]]));
    }
    out.tensors = std::move(sax.tensors);
    for (auto& t : out.tensors) t.second = renumber[t.second];
    auto less = [](const auto& a, const auto& b) { return a.first < b.first; };
    if (!std::is_sorted(out.tensors.begin(), out.tensors.end(), less))
        std::stable_sort(out.tensors.begin(), out.tensors.end(), less);
    // A name given twice (JSON allows it): harmless if both say the same shard.
    std::size_t w = 0;
    for (std::size_t i = 0; i < out.tensors.size(); ++i) {
        if (w > 0 && out.tensors[w - 1].first == out.tensors[i].first) {
            if (out.tensors[w - 1].second != out.tensors[i].second)
                throw_input(name, printable(out.tensors[i].first),
                            fmt::format("weight_map names it twice, in {} and {}", printable(out.shards[out.tensors[w - 1].second]),
                                        printable(out.shards[out.tensors[i].second])));
            continue;
        }
        if (w != i) out.tensors[w] = std::move(out.tensors[i]);
        ++w;
    }
    out.tensors.resize(w);
    return out;
}

} // namespace moecut

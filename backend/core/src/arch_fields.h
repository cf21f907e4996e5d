// Reading typed fields of a config.json with one-line InputErrors naming the
// file and the field. Private to the arch_*.cpp files.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace moecut::detail {

class ConfigFields {
public:
    ConfigFields(const nlohmann::json& j, std::string path) : j_(j), path_(std::move(path)) {}

    const nlohmann::json& root() const { return j_; }
    const std::string& path() const { return path_; }

    // The value of key; nullptr when absent or null.
    const nlohmann::json* get(std::string_view key) const;
    // The first present (non-null) key of several aliases; sets *which to its name.
    const nlohmann::json* first_of(std::initializer_list<std::string_view> keys, std::string* which = nullptr) const;

    // Integers must lie in [min, max]; float values are accepted when integral.
    std::int64_t int_req(std::string_view key, std::int64_t min = 1) const;
    std::int64_t int_req_any(std::initializer_list<std::string_view> keys, std::string* which = nullptr,
                             std::int64_t min = 1) const;
    std::int64_t int_opt(std::string_view key, std::int64_t def, std::int64_t min = 0) const;
    double num_opt(std::string_view key, double def) const;
    bool bool_opt(std::string_view key, bool def) const;
    std::string str_opt(std::string_view key, const std::string& def) const;

    // Interpreting a value found under key (for nested objects).
    std::int64_t as_int(const nlohmann::json& v, std::string_view key, std::int64_t min) const;
    double as_num(const nlohmann::json& v, std::string_view key) const;

    [[noreturn]] void fail(std::string_view problem) const;

    // Products of two fields stay within int64.
    static constexpr std::int64_t kMaxInt = (std::int64_t{1} << 31) - 1;

private:
    const nlohmann::json& j_;
    std::string path_;
};

} // namespace moecut::detail

// RoPE parameters from config.json, following transformers v5's
// standardisation: rope_parameters = rope_scaling or rope_parameters; theta
// from rope_parameters.rope_theta, else the top-level rope_theta, else the
// family default; partial_rotary_factor nested or top-level.
#include "arch_parse.h"

#include <fmt/core.h>

#include <cmath>

namespace moecut::detail {

using nlohmann::json;

double yarn_mscale(double scale, double a) {
    if (scale <= 1.0) return 1.0;
    return 0.1 * a * std::log(scale) + 1.0;
}

namespace {

// The parameters object to read: rope_scaling wins over rope_parameters (as in
// transformers). A dict nested per layer type ({"full_attention": {...}})
// yields its full_attention entry, else its first object entry.
const json* rope_object(const ConfigFields& f, std::string* where) {
    const json* rp = f.first_of({"rope_scaling", "rope_parameters"}, where);
    if (!rp) return nullptr;
    if (!rp->is_object()) f.fail(fmt::format("field '{}' must be an object, got {}", *where, rp->dump()));
    const bool flat = rp->contains("rope_theta") || rp->contains("rope_type") || rp->contains("type") ||
                      rp->contains("factor");
    if (flat) return rp;
    if (auto it = rp->find("full_attention"); it != rp->end() && it->is_object()) {
        *where += ".full_attention";
        return &*it;
    }
    for (auto it = rp->begin(); it != rp->end(); ++it) {
        if (it->is_object()) {
            *where += "." + it.key();
            return &*it;
        }
    }
    return rp;
}

} // namespace

RopeSpec parse_rope(const ConfigFields& f, double default_theta, std::int64_t head_dim, bool use_partial,
                    double default_partial, RopeStyle style, std::int64_t max_position) {
    RopeSpec r;
    r.style = style;
    std::string where;
    const json* rp = rope_object(f, &where);
    auto nested = [&](const char* key) -> const json* {
        if (!rp) return nullptr;
        auto it = rp->find(key);
        return (it == rp->end() || it->is_null()) ? nullptr : &*it;
    };
    auto nested_name = [&](const char* key) { return fmt::format("{}.{}", where, key); };

    r.theta = default_theta;
    if (const json* v = nested("rope_theta")) r.theta = f.as_num(*v, nested_name("rope_theta"));
    else if (const json* t = f.get("rope_theta")) r.theta = f.as_num(*t, "rope_theta");
    if (!(r.theta > 0)) f.fail(fmt::format("rope theta must be positive, got {}", r.theta));

    const json* type = nested("rope_type");
    if (!type) type = nested("type");
    if (type) {
        if (!type->is_string()) f.fail(fmt::format("field '{}' must be a string", nested_name("rope_type")));
        r.type = type->get<std::string>();
    }
    if (r.type != "default") {
        if (const json* v = nested("factor")) r.factor = f.as_num(*v, nested_name("factor"));
        else if (r.type == "yarn") f.fail(fmt::format("missing required field '{}'", nested_name("factor")));
        if (!(r.factor > 0)) f.fail(fmt::format("field '{}' must be positive", nested_name("factor")));
    }
    if (r.type == "yarn") {
        if (const json* v = nested("original_max_position_embeddings"))
            r.original_max_position = f.as_int(*v, nested_name("original_max_position_embeddings"), 1);
        else
            r.original_max_position = f.int_opt("original_max_position_embeddings", max_position, 0);
        if (const json* v = nested("beta_fast")) r.beta_fast = f.as_num(*v, nested_name("beta_fast"));
        if (const json* v = nested("beta_slow")) r.beta_slow = f.as_num(*v, nested_name("beta_slow"));
        if (const json* v = nested("mscale")) r.mscale = f.as_num(*v, nested_name("mscale"));
        if (const json* v = nested("mscale_all_dim")) r.mscale_all_dim = f.as_num(*v, nested_name("mscale_all_dim"));
    }

    double partial = default_partial;
    if (const json* v = nested("partial_rotary_factor")) partial = f.as_num(*v, nested_name("partial_rotary_factor"));
    else if (const json* t = f.get("partial_rotary_factor")) partial = f.as_num(*t, "partial_rotary_factor");
    if (!use_partial) partial = 1.0;
    if (!(partial > 0 && partial <= 1)) f.fail(fmt::format("partial_rotary_factor must be in (0, 1], got {}", partial));
    r.rotary_dim = static_cast<std::int64_t>(static_cast<double>(head_dim) * partial);
    if (r.rotary_dim % 2 != 0 || r.rotary_dim <= 0)
        f.fail(fmt::format("rotary dimension {} (head_dim {} x partial_rotary_factor {}) must be even and positive",
                           r.rotary_dim, head_dim, partial));
    return r;
}

} // namespace moecut::detail

// experiment.json: ExperimentSettings to and from JSON (moecut/experiment_recipe.h).
#include "moecut/error.h"
#include "moecut/experiment_recipe.h"

#include <fmt/format.h>

#include <algorithm>

namespace moecut {

namespace {

constexpr int kExperimentVersion = 1;

// parent: the object holding key inside the file ("distillation"), for messages.
template <typename T>
void take(const nlohmann::json& j, const char* key, T& out, const std::string& file, const char* parent = nullptr)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return;
    try {
        out = it->get<T>();
    } catch (const nlohmann::json::exception&) {
        throw_input(file, fmt::format("field \"{}{}{}\" has the wrong type", parent ? parent : "", parent ? "." : "",
                                      key));
    }
}

void take_path(const nlohmann::json& j, const char* key, std::filesystem::path& out, const std::string& file,
               const char* parent = nullptr)
{
    std::string s = out.string();
    take(j, key, s, file, parent);
    out = s;
}

void take_optional_path(const nlohmann::json& j, const char* key, std::optional<std::filesystem::path>& out,
                        const std::string& file, const char* parent = nullptr)
{
    if (!j.contains(key) || j[key].is_null())
        return;
    std::filesystem::path p;
    take_path(j, key, p, file, parent);
    out = p;
}

const nlohmann::json& section(const nlohmann::json& j, const char* key, const std::string& file)
{
    static const nlohmann::json empty = nlohmann::json::object();
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return empty;
    if (!it->is_object())
        throw_input(file, fmt::format("field \"{}\" must be an object", key));
    return *it;
}

nlohmann::ordered_json distillation_json(const DistillationSettings& d)
{
    nlohmann::ordered_json j;
    j["enabled"] = d.enabled;
    j["data"] = d.data.string();
    j["topk"] = d.topk;
    j["seq_len"] = d.seq_len;
    j["lr"] = d.lr;
    j["steps"] = d.steps;
    j["batch"] = d.batch;
    j["eval_every"] = d.eval_every;
    if (d.teacher_cache)
        j["teacher_cache"] = d.teacher_cache->string();
    return j;
}

DistillationSettings distillation_from_json(const nlohmann::json& j, const std::string& file)
{
    DistillationSettings d;
    take(j, "enabled", d.enabled, file, "distillation");
    take_path(j, "data", d.data, file, "distillation");
    take(j, "topk", d.topk, file, "distillation");
    take(j, "seq_len", d.seq_len, file, "distillation");
    take(j, "lr", d.lr, file, "distillation");
    take(j, "steps", d.steps, file, "distillation");
    take(j, "batch", d.batch, file, "distillation");
    take(j, "eval_every", d.eval_every, file, "distillation");
    take_optional_path(j, "teacher_cache", d.teacher_cache, file, "distillation");
    return d;
}

nlohmann::ordered_json export_json(const ExportSettings& e)
{
    nlohmann::ordered_json j;
    j["enabled"] = e.enabled;
    j["format"] = e.format;
    j["type"] = e.type;
    j["tensor_types"] = e.tensor_types;
    j["mtp"] = e.mtp;
    j["fill_shared_indexer"] = e.fill_shared_indexer;
    return j;
}

ExportSettings export_from_json(const nlohmann::json& j, const std::string& file)
{
    ExportSettings e;
    take(j, "enabled", e.enabled, file, "export");
    take(j, "format", e.format, file, "export");
    take(j, "type", e.type, file, "export");
    take(j, "tensor_types", e.tensor_types, file, "export");
    take(j, "mtp", e.mtp, file, "export");
    take(j, "fill_shared_indexer", e.fill_shared_indexer, file, "export");
    return e;
}

} // namespace

nlohmann::ordered_json to_json(const ExperimentSettings& s)
{
    nlohmann::ordered_json j;
    j["moecut_experiment"] = kExperimentVersion;
    j["name"] = s.name;
    j["model"] = s.model.string();
    j["calibration"] = nlohmann::ordered_json::array();
    for (const auto& c : s.calibration)
        j["calibration"].push_back({{"domain", c.domain}, {"file", c.file.string()}});
    j["seq_len"] = s.seq_len;
    j["max_tokens"] = s.max_tokens;
    j["keep"] = s.keep;
    j["criterion"] = s.criterion;
    j["domain"] = s.domain;
    j["swap_domain"] = s.swap_domain;
    j["swaps"] = s.swaps;
    j["protect_super_experts"] = s.protect_super_experts;
    if (s.plan_file)
        j["plan_file"] = s.plan_file->string();
    j["probes"] = s.probes.string();
    j["n"] = s.n;
    j["cap"] = s.cap;
    j["batch_size"] = s.batch_size;
    j["seed"] = s.seed;
    j["eval_teacher"] = s.eval_teacher;
    if (s.teacher_run)
        j["teacher_run"] = s.teacher_run->string();
    j["grid_min_p"] = s.grid_min_p;
    j["grid_rep_pen"] = s.grid_rep_pen;
    j["device"] = s.device;
    j["target"] = s.target;
    j["distillation"] = distillation_json(s.distillation);
    j["export"] = export_json(s.export_model);
    return j;
}

ExperimentSettings settings_from_json(const nlohmann::json& j, const std::string& file)
{
    if (!j.is_object())
        throw_input(file, "not a JSON object");
    int version = 0;
    take(j, "moecut_experiment", version, file);
    if (version < 1)
        throw_input(file, "not a moecut experiment (no \"moecut_experiment\" version)");
    if (version > kExperimentVersion)
        throw_input(file, fmt::format("experiment version {} is newer than this moecut ({})", version,
                                      kExperimentVersion));
    ExperimentSettings s;
    take(j, "name", s.name, file);
    take_path(j, "model", s.model, file);
    if (const auto it = j.find("calibration"); it != j.end()) {
        if (!it->is_array())
            throw_input(file, "field \"calibration\" must be an array");
        for (const auto& c : *it) {
            if (!c.is_object())
                throw_input(file, "every calibration entry must be an object with domain and file");
            CalibrationInput in;
            take(c, "domain", in.domain, file);
            take_path(c, "file", in.file, file);
            s.calibration.push_back(std::move(in));
        }
    }
    take(j, "seq_len", s.seq_len, file);
    take(j, "max_tokens", s.max_tokens, file);
    take(j, "keep", s.keep, file);
    take(j, "criterion", s.criterion, file);
    take(j, "domain", s.domain, file);
    take(j, "swap_domain", s.swap_domain, file);
    take(j, "swaps", s.swaps, file);
    take(j, "protect_super_experts", s.protect_super_experts, file);
    take_optional_path(j, "plan_file", s.plan_file, file);
    take_path(j, "probes", s.probes, file);
    take(j, "n", s.n, file);
    take(j, "cap", s.cap, file);
    take(j, "batch_size", s.batch_size, file);
    take(j, "seed", s.seed, file);
    take(j, "eval_teacher", s.eval_teacher, file);
    take_optional_path(j, "teacher_run", s.teacher_run, file);
    take(j, "grid_min_p", s.grid_min_p, file);
    take(j, "grid_rep_pen", s.grid_rep_pen, file);
    take(j, "device", s.device, file);
    take(j, "target", s.target, file);
    s.distillation = distillation_from_json(section(j, "distillation", file), file);
    s.export_model = export_from_json(section(j, "export", file), file);
    return s;
}

SettingsParts split_settings(const ExperimentSettings& s)
{
    static const std::vector<std::string> evaluation_keys{"probes", "n", "cap", "batch_size", "seed",
                                                          "eval_teacher", "teacher_run", "grid_min_p", "grid_rep_pen",
                                                          "device", "target"};
    SettingsParts parts;
    parts.plan = nlohmann::ordered_json::object();
    parts.evaluation = nlohmann::ordered_json::object();
    const auto all = to_json(s);
    for (const auto& [key, value] : all.items()) {
        const bool evaluation =
            std::find(evaluation_keys.begin(), evaluation_keys.end(), key) != evaluation_keys.end();
        (evaluation ? parts.evaluation : parts.plan)[key] = value;
    }
    parts.evaluation["moecut_experiment"] = parts.plan["moecut_experiment"];
    return parts;
}

ExperimentSettings join_settings(const nlohmann::json& plan, const nlohmann::json& evaluation,
                                 const std::string& file)
{
    if (!plan.is_object() || !evaluation.is_object())
        throw_input(file, "the experiment's plan and evaluation settings must be JSON objects");
    nlohmann::json merged = plan;
    merged.update(evaluation);
    return settings_from_json(merged, file);
}

} // namespace moecut

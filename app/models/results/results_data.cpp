#include "results_data.h"

const moecut::GroupMetrics* EvalRunData::group(const QString& source) const
{
    if (source.isEmpty() || source == QLatin1String("all"))
        return &metrics.overall;
    const std::string name = source.toStdString();
    for (const auto& g : metrics.sources)
        if (g.group == name)
            return &g;
    return nullptr;
}

const nlohmann::ordered_json& EvalRunData::settings() const
{
    static const nlohmann::ordered_json empty = nlohmann::ordered_json::object();
    const auto it = results.find("settings");
    return it != results.end() && it->is_object() ? *it : empty;
}

const nlohmann::ordered_json& EvalRunData::identity() const
{
    static const nlohmann::ordered_json empty = nlohmann::ordered_json::object();
    const auto it = results.find("identity");
    return it != results.end() && it->is_object() ? *it : empty;
}

std::optional<double> SweepCellData::value(const QString& key) const
{
    for (const auto& [k, v] : values)
        if (k == key)
            return v;
    return std::nullopt;
}

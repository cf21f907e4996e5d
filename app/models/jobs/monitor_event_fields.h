// Tolerant readers of job events (moecut/job_events.h) for the monitor
// models: a missing or mistyped field reads as its fallback, never throws.
#pragma once

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QString>

#include <optional>

namespace MonitorEvent {

inline QString kind(const nlohmann::json& e)
{
    if (!e.is_object())
        return {};
    auto it = e.find("event");
    return it != e.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

inline std::optional<double> number(const nlohmann::json& e, const char* key)
{
    if (!e.is_object())
        return std::nullopt;
    auto it = e.find(key);
    if (it == e.end() || !it->is_number())
        return std::nullopt;
    return it->get<double>();
}

inline QString text(const nlohmann::json& e, const char* key, const QString& fallback = {})
{
    if (!e.is_object())
        return fallback;
    auto it = e.find(key);
    return it != e.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : fallback;
}

// The event's "t" (unix seconds), or now when the writer gave none.
inline double time(const nlohmann::json& e)
{
    if (auto t = number(e, "t"))
        return *t;
    return static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

} // namespace MonitorEvent

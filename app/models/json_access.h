// Tolerant readers for the inspect report (nlohmann::json -> Qt types).
//
// The report comes from moecut_core, but a view must never throw on a field
// that is missing or has an unexpected type: each reader returns its default.
#pragma once

#include <nlohmann/json.hpp>

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace ReportJson {

inline const nlohmann::json* field(const nlohmann::json& object, const char* key)
{
    if (!object.is_object())
        return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

inline qint64 toInt(const nlohmann::json& object, const char* key, qint64 fallback = 0)
{
    const nlohmann::json* value = field(object, key);
    if (value && value->is_number_integer())
        return value->get<qint64>();
    if (value && value->is_number_float())
        return static_cast<qint64>(value->get<double>());
    return fallback;
}

inline bool toBool(const nlohmann::json& object, const char* key, bool fallback = false)
{
    const nlohmann::json* value = field(object, key);
    return value && value->is_boolean() ? value->get<bool>() : fallback;
}

inline QString toString(const nlohmann::json& object, const char* key, const QString& fallback = {})
{
    const nlohmann::json* value = field(object, key);
    if (value && value->is_string())
        return QString::fromStdString(value->get<std::string>());
    return fallback;
}

// The integers of an array (other items skipped); empty if not an array.
inline QList<int> intsOf(const nlohmann::json& array)
{
    QList<int> out;
    if (!array.is_array())
        return out;
    for (const auto& item : array) {
        if (item.is_number_integer())
            out.append(item.get<int>());
    }
    return out;
}

// The strings of an array (other items skipped); empty if not an array.
inline QStringList stringsOf(const nlohmann::json& array)
{
    QStringList out;
    if (!array.is_array())
        return out;
    for (const auto& item : array) {
        if (item.is_string())
            out.append(QString::fromStdString(item.get<std::string>()));
    }
    return out;
}

inline QList<int> toIntList(const nlohmann::json& object, const char* key)
{
    const nlohmann::json* value = field(object, key);
    return value ? intsOf(*value) : QList<int>();
}

inline QStringList toStringList(const nlohmann::json& object, const char* key)
{
    const nlohmann::json* value = field(object, key);
    return value ? stringsOf(*value) : QStringList();
}

// Any JSON value as a QVariant: integers as qint64, arrays as QVariantList,
// objects as QVariantMap; null as an invalid QVariant.
inline QVariant toVariant(const nlohmann::json& value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::boolean:
        return value.get<bool>();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
        return value.get<qint64>();
    case nlohmann::json::value_t::number_float:
        return value.get<double>();
    case nlohmann::json::value_t::string:
        return QString::fromStdString(value.get<std::string>());
    case nlohmann::json::value_t::array: {
        QVariantList list;
        for (const auto& item : value)
            list.append(toVariant(item));
        return list;
    }
    case nlohmann::json::value_t::object: {
        QVariantMap map;
        for (auto it = value.begin(); it != value.end(); ++it)
            map.insert(QString::fromStdString(it.key()), toVariant(it.value()));
        return map;
    }
    default:
        return {};
    }
}

} // namespace ReportJson

// Saliency tables with known numbers for the saliency model, editor and view
// tests, written with moecut_core's saliency writer; and the committed real
// file of the demo pipeline (tests/data/saliency_gui/README.md).
#pragma once

#include "moecut/prune_plan.h"
#include "moecut/saliency_file.h"

#include <QByteArray>
#include <QString>

#include <filesystem>
#include <string>
#include <vector>

namespace salfix {

// Three MoE rows (layers 1, 2 and MTP layer 3), 6 experts, top-2 routing,
// domains all, code, knowledge. reap is set by hand (below); every other
// statistic is a simple formula of (row, expert, domain).
inline const std::vector<std::vector<float>> kReapAll = {
    {0.5f, 0.1f, 0.9f, 0.3f, 0.3f, 0.7f},
    {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f},
    {0.2f, 0.2f, 0.2f, 0.8f, 0.1f, 0.0f},
};
inline const std::vector<std::vector<float>> kReapCode = {
    {0.6f, 0.2f, 0.8f, 0.1f, 0.4f, 0.9f},
    {6.0f, 5.0f, 4.0f, 3.0f, 2.0f, 1.0f},
    {0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.05f},
};
inline const std::vector<std::vector<float>> kReapKnowledge = {
    {0.1f, 0.9f, 0.2f, 0.7f, 0.3f, 0.4f},
    {1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f},
    {0.0f, 0.3f, 0.6f, 0.2f, 0.9f, 0.2f},
};

// count = (10 row + expert + 1) * (domain index + 1); the others are
// (statistic index + 1) * 0.01 * (expert + 1) + row.
inline float formula(std::size_t stat, std::size_t domain, std::size_t row, std::size_t expert)
{
    if (stat == 0)
        return static_cast<float>((10 * row + expert + 1) * (domain + 1));
    return static_cast<float>((stat + 1) * 0.01 * static_cast<double>(expert + 1) + static_cast<double>(row));
}

inline moecut::SaliencyTable handTable()
{
    moecut::SaliencyTable t;
    t.layers = {1, 2, 3};
    t.mtp_layers = {3};
    t.experts = 6;
    t.top_k = 2;
    t.domains = {"all", "code", "knowledge"};
    t.tokens = {{"all", 200}, {"code", 100}, {"knowledge", 100}};
    t.model_type = "glm_moe_dsa";
    t.model_hash = "sha256:hand";
    t.data_hash = "sha256:handdata";
    const auto& stats = moecut::saliency_statistics();
    for (std::size_t s = 0; s < stats.size(); ++s)
        for (std::size_t d = 0; d < t.domains.size(); ++d) {
            std::vector<float>& m = t.values[stats[s]][t.domains[d]];
            for (std::size_t r = 0; r < 3; ++r)
                for (std::size_t e = 0; e < 6; ++e)
                    m.push_back(formula(s, d, r, e));
        }
    const std::vector<std::vector<float>>* reap[] = {&kReapAll, &kReapCode, &kReapKnowledge};
    for (std::size_t d = 0; d < 3; ++d) {
        std::vector<float>& m = t.values["reap"][t.domains[d]];
        m.clear();
        for (const auto& row : *reap[d])
            m.insert(m.end(), row.begin(), row.end());
    }
    return t;
}

// Writes handTable() to folder/name with moecut's writer; returns the path.
inline QString writeHandTable(const QString& folder, const QString& name = QStringLiteral("hand.safetensors"))
{
    const QString path = folder + QLatin1Char('/') + name;
    moecut::write_saliency_file(std::filesystem::path(path.toStdString()), handTable());
    return path;
}

inline QString dataFile(const char* name)
{
    return QStringLiteral(MOECUT_SALIENCY_GUI_DATA "/") + QString::fromUtf8(name);
}

} // namespace salfix

// Plans compared with QCOMPARE print as JSON when they differ.
namespace nlohmann {
inline char* toString(const ordered_json& j)
{
    return qstrdup(j.dump().c_str());
}
} // namespace nlohmann

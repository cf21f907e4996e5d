// Qt metatypes for the job signals (JobController): queued connections and
// QSignalSpy need them registered (registerJobMetaTypes(), done by
// JobController's constructor).
#pragma once

#include "moecut/job_runner.h"

#include <nlohmann/json.hpp>

#include <QMetaType>

#include <vector>

Q_DECLARE_METATYPE(moecut::JobState)
Q_DECLARE_METATYPE(std::vector<nlohmann::json>)

void registerJobMetaTypes();

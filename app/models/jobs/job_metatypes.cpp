#include "job_metatypes.h"

void registerJobMetaTypes()
{
    qRegisterMetaType<moecut::JobState>("moecut::JobState");
    qRegisterMetaType<std::vector<nlohmann::json>>("std::vector<nlohmann::json>");
}

// The embedded demo: the tiny GLM-5-layout model moecut trained itself
// (resources/models/tiny-glm5-moe), its code and knowledge calibration files
// and held-out probes, set up as a project with one experiment, ready to run.
#pragma once

#include "moecut/experiment_recipe.h"

#include <QString>

namespace demo {

// The resources folder: $MOECUT_RESOURCES, the source tree's (a build), or
// <prefix>/share/moecut/resources (an install). Empty when none holds the model.
QString resourcesDir();
// The moecut CLI the jobs run: $MOECUT_BIN, the build tree's, the one beside
// moecut-studio, or "moecut" from PATH.
QString moecutBinary();
// Where the demo project lives (the app's data folder).
QString defaultProjectDir();
// The demo experiment on the resources in resources: keep about two thirds of
// the experts with two knowledge swaps per layer, evaluate teacher and pruned
// model on 48 held-out probes (cap 192), sweep min_p {0, 0.1} x rep_pen {1, 1.1}.
moecut::ExperimentSettings settings(const QString& resources);

} // namespace demo

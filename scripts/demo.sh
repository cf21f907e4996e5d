#!/usr/bin/env bash
# The main job on the embedded default: installs the dependencies, builds, and
# runs the pipeline on the bundled demo checkpoint. For now (the pipeline grows
# issue by issue) that is `moecut inspect` on the bundled tiny GLM-5-layout checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
model=resources/checkpoints/tiny-glm5
echo "== moecut inspect $model"
build/backend/cli/moecut inspect "$model"

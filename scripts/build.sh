#!/usr/bin/env bash
# Configures and builds moecut (CLI, engine, GUI, tests) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${MOECUT_JOBS:-$(nproc)}
cmake --preset default >/dev/null
cmake --build build -j"$jobs"

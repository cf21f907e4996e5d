#!/usr/bin/env bash
# Installs the dependencies, builds everything and runs the whole test suite:
# ctest (core, CLI, engine, GUI under the offscreen platform), then the
# libFuzzer targets for about a minute each in a clang build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
# llama-cpp-python venv for the OpenAI-server tests (builds llama.cpp once, with every core)
MOECUT_JOBS="${MOECUT_JOBS:-$(nproc)}" bash scripts/install-test-server.sh
(cd build && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j"${MOECUT_JOBS:-$(nproc)}" --timeout 900)
bash scripts/fuzz.sh "${MOECUT_FUZZ_SECONDS:-60}"

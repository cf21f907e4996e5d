#!/usr/bin/env bash
# Installs the OpenAI-compatible test server used by tests/core/test_openai_backend.cpp:
# llama-cpp-python's server (PyPI, pinned), in a venv at
#   ${MOECUT_TEST_VENV:-$HOME/.cache/moecut/test-venv}
# PyPI has no Linux wheel for it, so pip builds llama.cpp from the sdist: CPU only,
# portable (no -march=native), no tests/tools/examples/multimodal, one compile job
# (CMAKE_BUILD_PARALLEL_LEVEL, override with MOECUT_JOBS): 48 min on one job of a busy
# 2-core machine, cold ccache; under a second once installed.
# Idempotent: does nothing when the pinned version is already importable.
set -euo pipefail
VERSION=0.3.36
VENV="${MOECUT_TEST_VENV:-$HOME/.cache/moecut/test-venv}"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

if [ -x "$VENV/bin/python" ] &&
   "$VENV/bin/python" -c "import llama_cpp, llama_cpp.server.app, sys; sys.exit(llama_cpp.__version__ != '$VERSION')" 2>/dev/null; then
  echo "install-test-server: llama-cpp-python $VERSION present in $VENV"
  exit 0
fi
echo "install-test-server: building llama-cpp-python $VERSION into $VENV (one job; takes a while)"
mkdir -p "$(dirname "$VENV")"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
export CMAKE_BUILD_PARALLEL_LEVEL="${MOECUT_JOBS:-1}"
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DGGML_CUDA=OFF -DGGML_VULKAN=OFF \
 -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
 -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DCMAKE_BUILD_TYPE=Release"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install --no-cache-dir "llama-cpp-python[server]==$VERSION"
"$VENV/bin/python" -c "import llama_cpp, llama_cpp.server.app; print('install-test-server: llama-cpp-python', llama_cpp.__version__)"

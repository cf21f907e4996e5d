#!/usr/bin/env bash
# Installs every build and test dependency of moecut from Debian 12's packages.
# Run as root (or with sudo). Does nothing when everything is already there.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev libpcre2-dev libicu-dev libsqlite3-dev sqlite3
  libtorch-dev libgloo-dev
  # LibTorch's matrix products go through libblas.so.3: OpenBLAS takes that slot and is
  # 10-30x faster than the reference BLAS for training and saliency on CPU.
  libopenblas0-pthread
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-svg-dev libqcustomplot-dev libqcustomplot2.1-qt6 libgl1-mesa-dev
  libgtest-dev libgmock-dev
  # The OpenAI-compatible server backend (libcurl) and its test server (a venv
  # with llama-cpp-python: scripts/install-test-server.sh).
  libcurl4-openssl-dev python3-venv python3-pip
  clang libclang-rt-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"

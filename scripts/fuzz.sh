#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for N seconds (default 60)
# over its seed corpus. Fails on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cmake --preset fuzz >/dev/null
cmake --build build-fuzz -j"${MOECUT_JOBS:-$(nproc)}"
shopt -s nullglob
targets=(build-fuzz/tests/fuzz/fuzz_*)
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no fuzz targets were built" >&2; exit 1; }
pids=()
for t in "${targets[@]}"; do
  name=$(basename "$t")
  corpus=$(mktemp -d)
  cp -r "tests/fuzz/corpus/$name/." "$corpus/" 2>/dev/null || true
  echo "fuzz: $name for ${seconds}s"
  "$t" -max_total_time="$seconds" -print_final_stats=1 "$corpus" > "build-fuzz/$name.log" 2>&1 &
  pids+=($!)
done
rc=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "fuzz: ${targets[$i]} FAILED; log follows" >&2
    tail -50 "build-fuzz/$(basename "${targets[$i]}").log" >&2
    rc=1
  else
    grep -E "stat::number_of_executed_units" "build-fuzz/$(basename "${targets[$i]}").log" || true
  fi
done
exit $rc

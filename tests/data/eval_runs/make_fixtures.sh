#!/usr/bin/env bash
# Regenerates the evaluation-run fixtures of the results GUI tests (tests/gui/results)
# with a moecut CLI built with the engine, on the shipped tiny model. Run from the
# repository root:
#   MOECUT=build/backend/cli/moecut tests/data/eval_runs/make_fixtures.sh
# A small cap and a permissive loop detector so that loops occur at all on the tiny
# model; low temperature and min_p make them more frequent. samples.sqlite is removed
# afterwards (binary; the GUI reads samples.jsonl).
set -euo pipefail
moecut=${MOECUT:-build/backend/cli/moecut}
out=tests/data/eval_runs
detector='{"min_tokens": 8, "min_count": 3, "window": 24, "max_distinct4": 0.6}'
common=(--model resources/models/tiny-glm5-moe --probes resources/corpus/probes.jsonl --n 24 --cap 64
        --batch-size 12 --detector-config "$detector")
rm -rf "$out/raw" "$out/low-temp" "$out/loopy" "$out/raw-seed1" "$out/sweep" "$out/guardrail"
"$moecut" eval "${common[@]}" --seed 0 --name raw --out "$out/raw" > /dev/null
"$moecut" eval "${common[@]}" --seed 0 --temperature 0.5 --name low-temp --baseline "$out/raw" --out "$out/low-temp" > /dev/null
"$moecut" eval "${common[@]}" --seed 0 --temperature 0.3 --min-p 0.2 --name loopy --out "$out/loopy" > /dev/null
"$moecut" eval "${common[@]}" --seed 1 --name raw-seed1 --out "$out/raw-seed1" > /dev/null
"$moecut" sweep "${common[@]}" --seed 0 --temperature 0.5 --grid min_p=0,0.1,0.2 rep_pen=1,1.2 --out "$out/sweep" > /dev/null
find "$out" -name samples.sqlite -delete
echo "fixtures written to $out"

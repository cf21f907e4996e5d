#!/usr/bin/env bash
# The README's screenshots: runs the demo experiment through moecut-studio
# (headless) and renders its Designer, Saliency, Monitor and Results pages to
# docs/images/studio-*.png. Needs a build (scripts/build.sh); a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
studio=${MOECUT_STUDIO_BIN:-build/app/moecut-studio}
project=$(mktemp -d)/demo
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
"$studio" --demo "$project" --launch --wait --view monitor --screenshot docs/images/studio-monitor.png
for view in designer saliency results; do
  "$studio" --demo "$project" --view "$view" --screenshot "docs/images/studio-$view.png"
done
echo "wrote docs/images/studio-{designer,saliency,monitor,results}.png (project: $project)"

#!/usr/bin/env bash
# The main job on bundled data: install dependencies, build, fetch and verify
# the models, then run BlazeFace (short range) on a bundled photo resized to
# 128x128 and print the output shapes and the highest face score.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
python3 tools/fetch_models.py face_detection_short_range
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/odin/ccache}"
export CCACHE_BASEDIR="$PWD"  # clones in other folders share the cache
cmake --preset release >/dev/null
cmake --build --preset release --target odin
photo="${1:-tests/data/images/astronaut.jpg}"
echo "== odin run face_detection_short_range --image $photo"
build/odin run face_detection_short_range --image "$photo" --score-output 1 --output-dir out/demo
echo "outputs written to out/demo (output_<i>.bin, meta.json)"

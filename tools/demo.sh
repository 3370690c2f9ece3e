#!/usr/bin/env bash
# The main job on bundled data: install dependencies, build, fetch and verify
# the models, then detect faces in a bundled photo with MediaPipe's BlazeFace
# pipeline: JSON to out/demo/faces.json (printed) and an annotated PNG.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
# fetch_models.py verifies each model's sha256 and is a no-op when cached.
python3 tools/fetch_models.py face_detection_short_range
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/odin/ccache}"
export CCACHE_BASEDIR="$PWD"  # clones in other folders share the cache
cmake --preset release >/dev/null
cmake --build --preset release --target odin
photo="${1:-tests/data/images/astronaut.jpg}"
mkdir -p out/demo
echo "== odin faces $photo --json > out/demo/faces.json --draw out/demo/faces.png"
build/odin faces "$photo" --json > out/demo/faces.json --draw out/demo/faces.png
cat out/demo/faces.json
echo "annotated photo: out/demo/faces.png"

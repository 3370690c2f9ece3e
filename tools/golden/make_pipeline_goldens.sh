#!/usr/bin/env bash
# make_pipeline_goldens.sh PIPELINE_REF_DIR [MODELS_DIR]
# Regenerates tests/vision/golden/: pipeline_ref.py (an independent Python
# reference of MediaPipe's face, face-mesh and hand pipelines, inference in
# LiteRT.js) on the committed test photos. MODELS_DIR holds the .tflite files
# (default: odin's model cache, ${ODIN_MODEL_DIR:-$HOME/.cache/odin/models}).
# Needs /usr/bin/python3 with python3-numpy and python3-pil, and Node.
set -euo pipefail
if (( $# < 1 )); then
  echo "usage: $0 PIPELINE_REF_DIR [MODELS_DIR]" >&2
  exit 2
fi
PREF="$(cd "$1" && pwd)"
MODELS="${2:-${ODIN_MODEL_DIR:-$HOME/.cache/odin/models}}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IMAGES="$ROOT/tests/data/images"
OUT="$ROOT/tests/vision/golden"
export TFLITE_REF_CACHE="${TFLITE_REF_CACHE:-/tmp/tref}"
mkdir -p "$OUT"

# The mirrored photos are committed; this recreates them from the originals
# (PIL, same JPEG settings as astronaut.jpg) when missing.
for stem in astronaut handDst; do
  if [[ ! -f "$IMAGES/${stem}_mirrored.jpg" ]]; then
    /usr/bin/python3 - "$IMAGES/$stem.jpg" "$IMAGES/${stem}_mirrored.jpg" <<'PY'
import sys
from PIL import Image, ImageOps
im = Image.open(sys.argv[1]).convert("RGB")
ImageOps.mirror(im).save(sys.argv[2], quality=90, subsampling=0, optimize=True)
PY
  fi
done

ref() { /usr/bin/python3 "$PREF/pipeline_ref.py" --models "$MODELS" "$@"; }
for img in astronaut astronaut_mirrored grace_hopper_512x512 fruits handDst handDst_mirrored; do
  src="$IMAGES/$img.jpg"
  echo "== $img" >&2
  ref faces "$src" --range short -o "$OUT/$img.faces_short.json"
  ref faces "$src" --range full -o "$OUT/$img.faces_full.json"
  ref face-mesh "$src" -o "$OUT/$img.face_mesh.json"
  ref hands "$src" --model full -o "$OUT/$img.hands_full.json"
  ref hands "$src" --model lite -o "$OUT/$img.hands_lite.json"
done
echo "goldens written to $OUT" >&2

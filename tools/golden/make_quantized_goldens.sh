#!/usr/bin/env bash
# make_quantized_goldens.sh - rebuild the goldens of odin quantize's int8 models:
# tests/models/golden_int8/<model>_int8.tflite (written by `odin quantize`) and
# <model>/output_<i>.bin, what LiteRT.js computes from that file on the photo
# input of the float goldens (tests/models/golden/<model>/photo/input_0.bin);
# and face_landmark_w4a8.tflite (--weight-bits 4: TFLite INT4 weights) with
# face_landmark_w4a8/output_<i>.bin.
#
# usage: tools/golden/make_quantized_goldens.sh TFLITE_REF_DIR CACHE_DIR [ODIN_BINARY]
#
#   TFLITE_REF_DIR  reference tooling (ref_run: LiteRT.js)
#   CACHE_DIR       tflite_ref cache with the LiteRT.js runtime (fetch_models.sh CACHE)
#   ODIN_BINARY     default: build/odin
#
# Calibration photos (the same three as tests/cli/test_cli_quantize.cpp, which
# checks that odin quantize still writes these bytes): astronaut_mirrored,
# handDst_mirrored and fruits from tests/data/images; --method mse.
# Development tool only; the tests read the committed results.
set -euo pipefail
TREF="$(cd "$1" && pwd)"; CACHE="$(cd "$2" && pwd)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ODIN="${3:-$ROOT/build/odin}"
OUT="$ROOT/tests/models/golden_int8"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/odin_qgold.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/calib" "$OUT"
for p in astronaut_mirrored handDst_mirrored fruits; do
  cp "$ROOT/tests/data/images/$p.jpg" "$WORK/calib/"
done
# model:weight bits; the outputs go to <model>/ (8 bits) or <model>_w4a8/.
variants=(face_detection_short_range:8 face_landmark:8 face_landmark:4)
models=()
for v in "${variants[@]}"; do
  m="${v%%:*}" bits="${v##*:}"
  name="$m" file="${m}_int8.tflite"
  if [ "$bits" = 4 ]; then name="${m}_w4a8" file="${m}_w4a8.tflite"; fi
  models+=("$name")
  "$ODIN" quantize "$m" --calib "$WORK/calib" --method mse --weight-bits "$bits" \
    --out "$OUT/$file" --json > "$WORK/$name.json"
  rm -rf "${OUT:?}/$name"
  "$TREF/ref_run" "$OUT/$file" --cache "$CACHE" \
    --inputs "$ROOT/tests/models/golden/$m/photo/input_0.bin" --outputs-dir "$OUT/$name" \
    > "$WORK/$name.litert.log" 2>&1 || { cat "$WORK/$name.litert.log"; exit 1; }
done

/usr/bin/python3 - "$OUT" "$WORK" "${models[@]}" <<'PY'
import datetime, hashlib, json, os, sys
out, work, models = sys.argv[1], sys.argv[2], sys.argv[3:]
entries = []
for name in models:
    w4 = name.endswith("_w4a8")
    m = name[:-len("_w4a8")] if w4 else name
    file = name + ".tflite" if w4 else m + "_int8.tflite"
    path = os.path.join(out, file)
    meta = json.load(open(os.path.join(out, name, "meta.json")))
    report = json.load(open(os.path.join(work, name + ".json")))
    entries.append({
        "model": m,
        "file": file,
        "outputs": name + "/",
        "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
        "quantize": "odin quantize %s --calib {astronaut_mirrored,handDst_mirrored,fruits}.jpg --method mse --weight-bits %d" % (m, 4 if w4 else 8),
        "int8_nodes": report["int8_nodes"],
        "float_nodes": report["float_nodes"],
        "input": "tests/models/golden/%s/photo/input_0.bin" % m,
        "runtime": meta["runtime"], "build": meta["build"],
    })
json.dump({"generated": datetime.date.today().isoformat(),
           "tool": "tools/golden/make_quantized_goldens.sh", "models": entries},
          open(os.path.join(out, "manifest.json"), "w"), indent=1)
PY
echo "wrote $OUT"

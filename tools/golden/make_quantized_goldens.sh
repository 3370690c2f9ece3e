#!/usr/bin/env bash
# make_quantized_goldens.sh - rebuild the goldens of odin quantize's int8 models:
# tests/models/golden_int8/<model>_int8.tflite (written by `odin quantize`) and
# <model>/output_<i>.bin, what LiteRT.js computes from that file on the photo
# input of the float goldens (tests/models/golden/<model>/photo/input_0.bin).
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
models=(face_detection_short_range face_landmark)
for m in "${models[@]}"; do
  "$ODIN" quantize "$m" --calib "$WORK/calib" --method mse --out "$OUT/${m}_int8.tflite" --json \
    > "$WORK/$m.json"
  rm -rf "${OUT:?}/$m"
  "$TREF/ref_run" "$OUT/${m}_int8.tflite" --cache "$CACHE" \
    --inputs "$ROOT/tests/models/golden/$m/photo/input_0.bin" --outputs-dir "$OUT/$m" \
    > "$WORK/$m.litert.log" 2>&1 || { cat "$WORK/$m.litert.log"; exit 1; }
done

/usr/bin/python3 - "$OUT" "$WORK" "${models[@]}" <<'PY'
import datetime, hashlib, json, os, sys
out, work, models = sys.argv[1], sys.argv[2], sys.argv[3:]
entries = []
for m in models:
    path = os.path.join(out, m + "_int8.tflite")
    meta = json.load(open(os.path.join(out, m, "meta.json")))
    report = json.load(open(os.path.join(work, m + ".json")))
    entries.append({
        "model": m,
        "file": m + "_int8.tflite",
        "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest(),
        "quantize": "odin quantize %s --calib {astronaut_mirrored,handDst_mirrored,fruits}.jpg --method mse" % m,
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

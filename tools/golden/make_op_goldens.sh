#!/usr/bin/env bash
# make_op_goldens.sh - rebuild every one-op golden case under tests/ops/models/.
#
# usage: tools/golden/make_op_goldens.sh TFLITE_REF_DIR CACHE_DIR [REPO_ROOT]
#
#   TFLITE_REF_DIR  reference tooling (make_op_model.py, ref_run, compare_outputs.py)
#   CACHE_DIR       tflite_ref cache with the LiteRT.js / tfjs-tflite runtimes
#   REPO_ROOT       odin work tree (default: two levels above this script)
#
# Development tool only; tests read the committed results. Steps per case:
#   1. tools/golden/gen_op_specs.py rewrites tools/golden/op_specs/<case>.json
#   2. op_model.py (make_op_model.py's writer) -> tests/ops/models/<case>.tflite
#   3. ref_run (LiteRT.js 2.5.3) --seed S --range LO,HI -> <case>/{input_<i>,output_<i>}.bin, meta.json
#   4. cross-check: the same inputs through --engine tfjs-tflite, compare_outputs.py
#   5. tests/ops/models/manifest.json (cases, shapes, agreement, dropped cases)
# A case LiteRT.js cannot run is dropped (files removed) and listed in the manifest notes.
set -uo pipefail
TREF="$(cd "$1" && pwd)"; CACHE="$(cd "$2" && pwd)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${3:-$HERE/../..}" && pwd)"
PY=/usr/bin/python3
export TFLITE_REF_CACHE="$CACHE"
SPECS="$HERE/op_specs"
OUT="$ROOT/tests/ops/models"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/odin_opgold.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

"$PY" "$HERE/gen_op_specs.py" "$SPECS" || exit 1
mkdir -p "$OUT"
rm -rf "$OUT"/*.tflite "$OUT"/*/ "$OUT/manifest.json"
: > "$WORK/status.tsv"
for spec in "$SPECS"/*.json; do
  c="$(basename "$spec" .json)"
  read -r seed range < <("$PY" -c 'import json,sys; g=json.load(open(sys.argv[1]))["golden"]; print(g["seed"], "%r,%r" % tuple(g["range"]))' "$spec")
  "$PY" "$HERE/op_model.py" "$TREF" "$spec" "$OUT/$c.tflite" || { printf '%s\tbuild\tmake_op_model failed\n' "$c" >> "$WORK/status.tsv"; continue; }
  if ! "$TREF/ref_run" "$OUT/$c.tflite" --cache "$CACHE" --seed "$seed" --range "$range" \
        --outputs-dir "$OUT/$c" > "$WORK/$c.litert.log" 2>&1; then
    printf '%s\tlitert\t%s\n' "$c" "$(grep -m1 -i 'error' "$WORK/$c.litert.log" | tr '\t' ' ' | cut -c1-300)" >> "$WORK/status.tsv"
    rm -rf "$OUT/$c" "$OUT/$c.tflite"; continue
  fi
  ins=("$OUT/$c"/input_*.bin)
  if "$TREF/ref_run" "$OUT/$c.tflite" --cache "$CACHE" --engine tfjs-tflite --inputs "${ins[@]}" \
        --outputs-dir "$WORK/$c.tfjs" > "$WORK/$c.tfjs.log" 2>&1; then
    "$PY" "$TREF/compare_outputs.py" "$OUT/$c" "$WORK/$c.tfjs" --tol-rel 1 --json "$WORK/$c.cmp.json" > /dev/null
    printf '%s\tok\t\n' "$c" >> "$WORK/status.tsv"
  else
    printf '%s\tok\ttfjs-tflite: %s\n' "$c" "$(grep -m1 -i 'error' "$WORK/$c.tfjs.log" | tr '\t' ' ' | cut -c1-300)" >> "$WORK/status.tsv"
  fi
done

"$PY" - "$SPECS" "$OUT" "$WORK" <<'EOF'
import datetime, json, os, sys
specs_dir, out, work = sys.argv[1:4]
cases, dropped, notes_tfjs = [], [], {}
for line in open(os.path.join(work, "status.tsv")):
    c, st, msg = (line.rstrip("\n").split("\t") + [""])[:3]
    spec = json.load(open(os.path.join(specs_dir, c + ".json")))
    g = spec["golden"]
    ops = [o["op"] for o in spec["ops"]] if "ops" in spec else [spec["op"]]
    if st != "ok":
        dropped.append({"case": c, "op": "+".join(ops), "edge": g["edge"], "stage": st, "reason": msg})
        continue
    d = os.path.join(out, c)
    meta = json.load(open(os.path.join(d, "meta.json")))
    meta["timing"] = None
    json.dump(meta, open(os.path.join(d, "meta.json"), "w"), indent=1)
    e = {"case": c, "op": ops[0] if len(ops) == 1 else ops, "edge": g["edge"],
         "model": c + ".tflite", "spec": "tools/golden/op_specs/%s.json" % c,
         "inputs": [{"name": i["name"], "dtype": i["dtype"], "shape": i["shape"], "file": "%s/input_%d.bin" % (c, i["index"]),
                     "seed": i["source"]["seed"], "range": i["source"]["range"]} for i in meta["inputs"]],
         "outputs": [{"name": o["name"], "dtype": o["dtype"], "shape": o["shape"], "file": "%s/%s" % (c, o["file"])}
                     for o in meta["outputs"]]}
    cmpf = os.path.join(work, c + ".cmp.json")
    if os.path.exists(cmpf):
        cm = json.load(open(cmpf))
        e["tfjs_tflite_rel_range"] = max(o.get("rel_range", float("inf")) for o in cm["outputs"])
        e["tfjs_tflite_max_abs"] = max(o.get("max_abs", float("inf")) for o in cm["outputs"])
    else:
        e["tfjs_tflite_rel_range"] = None
        e["tfjs_tflite_note"] = msg
    cases.append(e)
man = {"engine": "LiteRT.js @litertjs/core 2.5.3 (CPU/XNNPACK wasm, 1 thread) via tflite_ref/ref_run",
       "crosscheck_engine": "@tensorflow/tfjs-tflite 0.0.1-alpha.10 (tfjs_tflite_rel_range = max|litert - tfjs| / max|litert|)",
       "generated": datetime.date.today().isoformat(),
       "input_generator": "SplitMix64(seed + input index); u = (z >> 40) / 2^24; value = float32(lo + (hi - lo) * u) "
                          "computed in double. Inputs are committed anyway (input_<i>.bin, raw LE float32).",
       "layout": "<case>.tflite + <case>/{input_<i>.bin, output_<i>.bin, meta.json}",
       "rebuild": "tools/golden/make_op_goldens.sh TFLITE_REF_DIR CACHE_DIR",
       "cases": cases,
       "notes": {
           "dropped": dropped,
           "constants": "Non-float operands (sizes, axes, paddings, perm, begin/end/strides, GATHER indices, "
                        "output_shape) are int32 constants in the model: ref_run only generates float32 graph inputs. "
                        "Weights and biases are float32 constants (SplitMix64, seeds 101+); DIV divisors and PRELU "
                        "alpha are explicit constants.",
           "versions": "Op versions are what the TFLite converter writes for the attributes used: RESIZE_BILINEAR v3 "
                       "with half_pixel_centers, RESIZE_NEAREST_NEIGHBOR v3 with align_corners or half_pixel_centers, "
                       "TRANSPOSE_CONV v3 (bias input) or v4 (fused activation), FULLY_CONNECTED v5 (keep_num_dims), "
                       "DEQUANTIZE v3 (float16), "
                       "everything else v1.",
           "resize_nearest_4x4_8x8": "An exact 2x upscale gives the same source indices in all three modes, so these "
                                     "three outputs are identical; the 3x5_5x8 cases separate the modes.",
           "numpy_check": "tools/golden/check_op_goldens.py recomputes every case in float64 numpy and matches "
                          "(worst rel_range ~3e-7)."}}
json.dump(man, open(os.path.join(out, "manifest.json"), "w"), indent=1)
print("%d cases, %d dropped" % (len(cases), len(dropped)))
for d in dropped:
    print("DROPPED", d["case"], d["stage"], d["reason"])
for e in cases:
    if e.get("tfjs_tflite_rel_range") is None or e["tfjs_tflite_rel_range"] > 2e-6:
        print("tfjs", e["case"], e.get("tfjs_tflite_rel_range"), e.get("tfjs_tflite_note", ""))
EOF

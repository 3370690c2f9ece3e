#!/usr/bin/env bash
# make_model_goldens.sh - regenerate tests/models/golden/ from the reference engines.
#
# usage: tools/golden/make_model_goldens.sh TFLITE_REF_DIR PIPELINE_REF_DIR CACHE_DIR [REPO_ROOT]
#
#   TFLITE_REF_DIR    the reference tooling (ref_run, compare_outputs.py, ...)
#   PIPELINE_REF_DIR  the Python MediaPipe pipeline reference (pipeline_ref.py)
#   CACHE_DIR         the tflite_ref cache: CACHE_DIR/models/*.tflite and the
#                     LiteRT.js / tfjs-tflite runtimes (fetch_models.sh CACHE_DIR)
#   REPO_ROOT         odin work tree (default: two levels above this script)
#
# Development tool only: the tests never run it, they read the committed data.
# Needs node (>= 20), /usr/bin/python3 with numpy + PIL (python3-numpy python3-pil).
#
# Per model, two cases under tests/models/golden/<model>/:
#   random/  input = SplitMix64 seed 1, uniform [-1,1] (ref_run --seed 1). input_0.bin is
#            NOT committed (tests regenerate it); input_0.sha256 pins it.
#   photo/   input = the tensor MediaPipe's CPU graph feeds the model, as dumped by
#            pipeline_ref.py --keep-dumps on tests/data/images/{astronaut.jpg,handDst.jpg}.
# Outputs come from LiteRT.js (ref_run default engine); every case is re-run with
# --engine tfjs-tflite and compared (compare_outputs.py) -> crosscheck.json.
set -euo pipefail
TREF="$(cd "$1" && pwd)"; PREF="$(cd "$2" && pwd)"; CACHE="$(cd "$3" && pwd)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${4:-$HERE/../..}" && pwd)"
PY=/usr/bin/python3
export TFLITE_REF_CACHE="$CACHE"
GOLD="$ROOT/tests/models/golden"
IMG="$ROOT/tests/data/images"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/odin_golden.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

MODELS=(face_detection_short_range face_detection_full_range face_detection_full_range_sparse
        face_landmark palm_detection_lite palm_detection_full hand_landmark_lite hand_landmark_full)

# --- 1. pipeline dumps (photo inputs) ---------------------------------------------
D="$WORK/dumps"; mkdir -p "$D"
pipe() { local name="$1"; shift; "$PY" "$PREF/pipeline_ref.py" --models "$CACHE/models" --ref-run "$TREF/ref_run" "$@" \
           --keep-dumps "$D/$name" -o "$D/$name.json" >/dev/null; }
pipe fd_short faces "$IMG/astronaut.jpg" --range short
pipe fd_full  faces "$IMG/astronaut.jpg" --range full --face-model face_detection_full_range.tflite
pipe fd_sparse faces "$IMG/astronaut.jpg" --range full --face-model face_detection_full_range_sparse.tflite
pipe mesh     face-mesh "$IMG/astronaut.jpg"
pipe hands_lite hands "$IMG/handDst.jpg" --model lite
pipe hands_full hands "$IMG/handDst.jpg" --model full
# first dump of MODEL in pipeline run NAME
dump() { local f; f="$(ls -d "$D/$1"/run*_"$2" | sort | head -n1)"; [[ -n "$f" ]] || { echo "no dump for $2 in $1" >&2; exit 1; }; echo "$f/input_0.bin"; }
declare -A PHOTO=(
  [face_detection_short_range]="$(dump fd_short face_detection_short_range)"
  [face_detection_full_range]="$(dump fd_full face_detection_full_range)"
  [face_detection_full_range_sparse]="$(dump fd_sparse face_detection_full_range_sparse)"
  [face_landmark]="$(dump mesh face_landmark)"
  [palm_detection_lite]="$(dump hands_lite palm_detection_lite)"
  [palm_detection_full]="$(dump hands_full palm_detection_full)"
  [hand_landmark_lite]="$(dump hands_lite hand_landmark_lite)"
  [hand_landmark_full]="$(dump hands_full hand_landmark_full)"
)
declare -A PHOTO_SRC=(
  [face_detection_short_range]="faces astronaut.jpg --range short (letterbox 128x128, [-1,1], BORDER_ZERO)"
  [face_detection_full_range]="faces astronaut.jpg --range full --face-model face_detection_full_range.tflite (letterbox 192x192, [-1,1])"
  [face_detection_full_range_sparse]="faces astronaut.jpg --range full (letterbox 192x192, [-1,1])"
  [face_landmark]="face-mesh astronaut.jpg (rotated ROI crop 192x192, [0,1], BORDER_REPLICATE)"
  [palm_detection_lite]="hands handDst.jpg --model lite (letterbox 192x192, [0,1], BORDER_ZERO)"
  [palm_detection_full]="hands handDst.jpg --model full (letterbox 192x192, [0,1], BORDER_ZERO)"
  [hand_landmark_lite]="hands handDst.jpg --model lite (rotated ROI crop 224x224, [0,1], BORDER_REPLICATE)"
  [hand_landmark_full]="hands handDst.jpg --model full (rotated ROI crop 224x224, [0,1], BORDER_REPLICATE)"
)

# --- 2. reference runs ---------------------------------------------------------
mkdir -p "$GOLD"
: > "$WORK/cases.tsv"
for m in "${MODELS[@]}"; do
  model="$CACHE/models/$m.tflite"
  for c in random photo; do
    out="$GOLD/$m/$c"; rm -rf "$out"; mkdir -p "$out"
    lr="$WORK/$m.$c.litert"; tj="$WORK/$m.$c.tfjs"
    if [[ $c == random ]]; then
      "$TREF/ref_run" "$model" --cache "$CACHE" --seed 1 --outputs-dir "$lr" >/dev/null
      src="ref_run --seed 1 (SplitMix64, uniform [-1,1])"
    else
      cp "${PHOTO[$m]}" "$WORK/$m.photo_input.bin"
      "$TREF/ref_run" "$model" --cache "$CACHE" --inputs "$WORK/$m.photo_input.bin" --outputs-dir "$lr" >/dev/null
      cp "$WORK/$m.photo_input.bin" "$lr/input_0.bin"
      src="pipeline_ref.py ${PHOTO_SRC[$m]}"
    fi
    "$TREF/ref_run" "$model" --cache "$CACHE" --engine tfjs-tflite --inputs "$lr/input_0.bin" --outputs-dir "$tj" >/dev/null
    "$PY" "$TREF/compare_outputs.py" "$lr" "$tj" --tol-rel 2e-6 --json "$WORK/$m.$c.cmp.json" >/dev/null \
      || { echo "WARNING: $m/$c LiteRT.js vs tfjs-tflite rel_range > 2e-6" >&2; }
    cp "$lr"/output_*.bin "$lr/meta.json" "$out/"
    if [[ $c == random ]]; then
      (cd "$lr" && sha256sum input_0.bin) > "$out/input_0.sha256"
    else
      cp "$lr/input_0.bin" "$out/"
    fi
    printf '%s\t%s\t%s\n' "$m" "$c" "$src" >> "$WORK/cases.tsv"
  done
done

# --- 3. manifest.json + crosscheck.json ----------------------------------------
"$PY" - "$GOLD" "$WORK" <<'EOF'
import json, os, sys, datetime
gold, work = sys.argv[1], sys.argv[2]
models, cross = {}, {}
for line in open(os.path.join(work, "cases.tsv")):
    m, c, src = line.rstrip("\n").split("\t")
    d = os.path.join(gold, m, c)
    meta = json.load(open(os.path.join(d, "meta.json")))
    # keep meta.json free of machine-specific bits
    meta["timing"] = None
    for i in meta["inputs"]:
        if isinstance(i.get("source"), str):
            i["source"] = "input_0.bin"
    json.dump(meta, open(os.path.join(d, "meta.json"), "w"), indent=1)
    e = models.setdefault(m, {
        "model_file": m + ".tflite", "model_sha256": meta["model_sha256"],
        "inputs": [{"name": i["name"], "dtype": i["dtype"], "shape": i["shape"]} for i in meta["inputs"]],
        "outputs": [{"index": o["index"], "name": o["name"], "dtype": o["dtype"], "shape": o["shape"],
                     "file": o["file"]} for o in meta["outputs"]],
        "cases": {}})
    case = {"dir": "%s/%s" % (m, c), "input_source": src}
    if c == "random":
        case.update({"input_generator": "splitmix64-top24", "seed": 1, "range": [-1, 1],
                     "input_sha256_file": "input_0.sha256", "input_committed": False})
    else:
        case.update({"input_file": "input_0.bin", "input_committed": True})
    e["cases"][c] = case
    cmp = json.load(open(os.path.join(work, "%s.%s.cmp.json" % (m, c))))
    cross.setdefault(m, {})[c] = {o["output"]: {"rel_range": o["rel_range"], "max_abs": o["max_abs"]}
                                  for o in cmp["outputs"]}
man = {"engine": "LiteRT.js @litertjs/core 2.5.3 (CPU/XNNPACK wasm, 1 thread)",
       "crosscheck_engine": "@tensorflow/tfjs-tflite 0.0.1-alpha.10",
       "generated": datetime.date.today().isoformat(),
       "layout": "<model>/<case>/{input_0.bin|input_0.sha256, output_<i>.bin (raw LE float32), meta.json}",
       "models": models}
json.dump(man, open(os.path.join(gold, "manifest.json"), "w"), indent=1)
json.dump({"metric": "rel_range = max|litert - tfjs| / max|litert|", "models": cross},
          open(os.path.join(gold, "crosscheck.json"), "w"), indent=1)
worst = max(v["rel_range"] for m in cross.values() for c in m.values() for v in c.values())
print("worst LiteRT.js vs tfjs-tflite rel_range: %.3g" % worst)
EOF

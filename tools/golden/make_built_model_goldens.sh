#!/usr/bin/env bash
# make_built_model_goldens.sh - regenerate tests/models/golden_built/ from LiteRT.js.
#
# usage: [ARCHS="a b"] tools/golden/make_built_model_goldens.sh TFLITE_REF_DIR CACHE_DIR [REPO_ROOT]
#
#   ARCHS           the architectures to (re)make (default: all of them)
#   TFLITE_REF_DIR  the reference tooling (ref_run, compare_outputs.py)
#   CACHE_DIR       the tflite_ref cache with the LiteRT.js / tfjs-tflite runtimes
#   REPO_ROOT       odin work tree with a build (default: two levels above this script)
#
# Development tool only: the tests never run it, they read the committed data.
# Per architecture and weight precision, tests/models/golden_built/<arch>[_fp16]/:
#   model.sha256  the SHA-256 of tools/build_model ARCH --seed 1 [--fp16] (the model is
#                 not committed: the test builds it and checks it against this)
#   output_0.bin  LiteRT.js on input i SplitMix64 seed 1+i in [-1,1] (ref_run --seed 1), raw LE f32
#   meta.json     ref_run's description of the run (timing dropped)
#   crosscheck.json  LiteRT.js vs tfjs-tflite on the same input (rel_range, max_abs)
set -euo pipefail
TREF="$(cd "$1" && pwd)"; CACHE="$(cd "$2" && pwd)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${3:-$HERE/../..}" && pwd)"
PY=/usr/bin/python3
GOLD="$ROOT/tests/models/golden_built"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/odin_built_golden.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

ARCHS=(${ARCHS:-mnv4_conv_s mnv4_conv_m mnv4_hybrid_m cas_vit_xs cas_vit_s cas_vit_m unet_block vae_decoder video_vae_decoder flow temporal})
for arch in "${ARCHS[@]}"; do
  for precision in fp32 fp16; do
    name="$arch"; flag=()
    if [[ $precision == fp16 ]]; then name="${arch}_fp16"; flag=(--fp16); fi
    model="$WORK/$name.tflite"
    ODIN="${ODIN:-$ROOT/build/odin}" "$ROOT/tools/build_model" "$arch" --out "$model" --seed 1 "${flag[@]}" >/dev/null
    lr="$WORK/$name.litert"; tj="$WORK/$name.tfjs"
    "$TREF/ref_run" "$model" --cache "$CACHE" --seed 1 --outputs-dir "$lr" >/dev/null
    "$TREF/ref_run" "$model" --cache "$CACHE" --engine tfjs-tflite --inputs "$lr"/input_*.bin \
      --outputs-dir "$tj" >/dev/null
    out="$GOLD/$name"; rm -rf "$out"; mkdir -p "$out"
    "$PY" "$TREF/compare_outputs.py" "$lr" "$tj" --tol-rel 2e-6 --json "$out/crosscheck.json" >/dev/null \
      || echo "WARNING: $name LiteRT.js vs tfjs-tflite rel_range > 2e-6" >&2
    cp "$lr/output_0.bin" "$out/"
    "$PY" - "$lr/meta.json" "$out/meta.json" <<'PYEOF'
import json, sys
meta = json.load(open(sys.argv[1]))
meta["timing"] = None  # machine-specific
for i in meta["inputs"]:
    if isinstance(i.get("source"), str):
        i["source"] = "splitmix64 seed %d [-1,1]" % (1 + i["index"])
json.dump(meta, open(sys.argv[2], "w"), indent=1)
PYEOF
    (cd "$WORK" && sha256sum "$name.tflite") > "$out/model.sha256"
    echo "$name: $(head -c 16 "$out/model.sha256")… $(du -h "$model" | cut -f1)"
  done
done

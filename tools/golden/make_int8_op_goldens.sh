#!/usr/bin/env bash
# make_int8_op_goldens.sh - rebuild the int8 (affine-quantized) one-op golden cases under tests/ops/int8_models/.
#
# usage: tools/golden/make_int8_op_goldens.sh TFLITE_REF_DIR CACHE_DIR [REPO_ROOT]
#
#   TFLITE_REF_DIR  reference tooling (make_op_model.py writer classes, ref_run)
#   CACHE_DIR       tflite_ref cache with the LiteRT.js / tfjs-tflite runtimes (fetch_models.sh CACHE)
#   REPO_ROOT       odin work tree (default: two levels above this script)
#
# Development tool only; tests read the committed results. Needs /usr/bin/python3 with numpy.
#   1. gen_int8_op_specs.py rewrites tools/golden/int8_op_specs/<case>.json (quantized weights,
#      scales and zero points; output ranges from a float64 numpy run)
#   2. op_model.py -> tests/ops/int8_models/<case>.tflite
#   3. gen_int8_op_specs.py --inputs -> <case>/input_<i>.bin (per-input seed/range, or explicit values)
#   4. ref_run (LiteRT.js 2.5.3) --inputs ... -> <case>/output_<i>.bin, meta.json
#   5. the same inputs through --engine tfjs-tflite (kept outside the repo)
#   6. check_int8_op_goldens.py: integer TFLite-reference recomputation, differences in int8 steps
#      vs LiteRT.js and tfjs-tflite
#   7. tests/ops/int8_models/manifest.json
# A case LiteRT.js cannot run is dropped (files removed) and listed in the manifest notes.
set -uo pipefail
TREF="$(cd "$1" && pwd)"; CACHE="$(cd "$2" && pwd)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${3:-$HERE/../..}" && pwd)"
PY=/usr/bin/python3
export TFLITE_REF_CACHE="$CACHE"
SPECS="$HERE/int8_op_specs"
OUT="$ROOT/tests/ops/int8_models"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/odin_int8gold.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

rm -rf "$SPECS"
"$PY" "$HERE/gen_int8_op_specs.py" "$SPECS" || exit 1
mkdir -p "$OUT"
rm -rf "$OUT"/*.tflite "$OUT"/*/ "$OUT/manifest.json"
: > "$WORK/status.tsv"
for spec in "$SPECS"/*.json; do
  c="$(basename "$spec" .json)"
  "$PY" "$HERE/op_model.py" "$TREF" "$spec" "$OUT/$c.tflite" || { printf '%s\tbuild\top_model.py failed\n' "$c" >> "$WORK/status.tsv"; continue; }
  "$PY" "$HERE/gen_int8_op_specs.py" --inputs "$spec" "$OUT/$c" || { printf '%s\tbuild\tinputs failed\n' "$c" >> "$WORK/status.tsv"; continue; }
  ins=("$OUT/$c"/input_*.bin)
  if ! "$TREF/ref_run" "$OUT/$c.tflite" --cache "$CACHE" --inputs "${ins[@]}" \
        --outputs-dir "$OUT/$c" > "$WORK/$c.litert.log" 2>&1; then
    printf '%s\tlitert\t%s\n' "$c" "$(grep -m1 -i 'error' "$WORK/$c.litert.log" | tr '\t' ' ' | cut -c1-300)" >> "$WORK/status.tsv"
    rm -rf "$OUT/$c" "$OUT/$c.tflite"; continue
  fi
  if "$TREF/ref_run" "$OUT/$c.tflite" --cache "$CACHE" --engine tfjs-tflite --inputs "${ins[@]}" \
        --outputs-dir "$WORK/tfjs/$c" > "$WORK/$c.tfjs.log" 2>&1; then
    printf '%s\tok\t\n' "$c" >> "$WORK/status.tsv"
  else
    printf '%s\tok\ttfjs-tflite: %s\n' "$c" "$(grep -m1 -i 'error' "$WORK/$c.tfjs.log" | tr '\t' ' ' | cut -c1-300)" >> "$WORK/status.tsv"
  fi
done

"$PY" "$HERE/check_int8_op_goldens.py" --specs "$SPECS" --goldens "$OUT" --tfjs "$WORK/tfjs" \
    --json "$WORK/check.json"
check_rc=$?

"$PY" - "$SPECS" "$OUT" "$WORK" <<'EOF'
import datetime, json, os, sys
specs_dir, out, work = sys.argv[1:4]
checks = {r["case"]: r for r in json.load(open(os.path.join(work, "check.json")))}
cases, dropped = [], []
for line in open(os.path.join(work, "status.tsv")):
    c, st, msg = (line.rstrip("\n").split("\t") + [""])[:3]
    spec = json.load(open(os.path.join(specs_dir, c + ".json")))
    g = spec["golden"]
    ops = [o["op"] for o in spec["ops"]]
    core = [o for o in ops if o not in ("QUANTIZE", "DEQUANTIZE")] or ["QUANTIZE", "DEQUANTIZE"]
    if st != "ok":
        dropped.append({"case": c, "ops": ops, "edge": g["edge"], "stage": st, "reason": msg})
        continue
    d = os.path.join(out, c)
    meta = json.load(open(os.path.join(d, "meta.json")))
    meta["timing"] = None
    json.dump(meta, open(os.path.join(d, "meta.json"), "w"), indent=1)
    ts = spec["tensors"]
    ck = checks[c]
    e = {"case": c, "op": "+".join(core), "ops": ops, "versions": [o["version"] for o in spec["ops"]],
         "edge": g["edge"], "model": c + ".tflite", "spec": "tools/golden/int8_op_specs/%s.json" % c,
         "inputs": [], "outputs": []}
    for i, gi in zip(meta["inputs"], g["inputs"]):
        ti = spec["inputs"][i["index"]]
        qt = [o for o in spec["ops"] if o["op"] == "QUANTIZE" and o["op_inputs"] == [ti]]
        q = ts[qt[0]["op_outputs"][0]]["quant"] if qt else None
        ent = {"name": i["name"], "dtype": i["dtype"], "shape": i["shape"], "file": "%s/input_%d.bin" % (c, i["index"]),
               "seed": gi.get("seed"), "range": gi.get("range"),
               "int8_scale": q["scale"][0] if q else None, "int8_zero_point": q["zero_point"][0] if q else None}
        if "values" in gi:
            ent["values"] = "explicit (spec golden.inputs[%d]): %s" % (i["index"], gi.get("note", ""))
        e["inputs"].append(ent)
    for o, r in zip(meta["outputs"], ck["outputs"]):
        ent = {"name": o["name"], "dtype": o["dtype"], "shape": o["shape"], "file": "%s/%s" % (c, o["file"]),
               "int8_tensor": r["int8_tensor"], "int8_scale": r["scale"], "int8_zero_point": r["zero_point"],
               "litert_on_int8_grid": r["litert_on_int8_grid"],
               "vs_numpy_tflite_reference": {k: r["vs_tflite_reference"][k] for k in
                                             ("elements", "diff0", "diff1", "diff_gt1", "max_steps")}}
        if "alt_references" in r:
            ent["litert_vs_alternative_references"] = r["alt_references"]
        if "tfjs_vs_litert" in r:
            ent["tfjs_tflite_vs_litert"] = {k: r["tfjs_vs_litert"][k] for k in ("diff0", "diff1", "diff_gt1", "max_steps")}
            ent["tfjs_tflite_vs_numpy_tflite_reference"] = {k: r["tfjs_vs_tflite_reference"][k]
                                                            for k in ("diff0", "diff1", "diff_gt1", "max_steps")}
        else:
            ent["tfjs_tflite_note"] = msg or "no tfjs-tflite result"
        e["outputs"].append(ent)
    e["inputs_match_generator"] = ck["inputs_match_generator"]
    cases.append(e)
man = {"engine": "LiteRT.js @litertjs/core 2.5.3 (CPU/XNNPACK wasm, 1 thread) via tflite_ref/ref_run",
       "crosscheck_engine": "@tensorflow/tfjs-tflite 0.0.1-alpha.10 (1 thread)",
       "numpy_reference": "tools/golden/check_int8_op_goldens.py + int8_ref.py: TFLite integer reference "
                          "arithmetic in numpy (QuantizeMultiplier/frexp, SaturatingRoundingDoublingHighMul, "
                          "RoundingDivideByPOT, ADD left_shift 20, QUANTIZE rounds half away from zero; pooling, PAD, RESHAPE, "
                          "CONCATENATION, ResizeBilinearInteger (Q10), HARD_SWISH int16 fixed point and PRELU as in "
                          "TFLite's reference kernels; LOGISTIC/TANH/SOFTMAX follow TFLite's builtin (default, "
                          "non-kReference) int8 kernels: float32 lookup tables rounded half away from zero - the "
                          "gemmlowp fixed-point kReference variants are not modelled; see README)",
       "generated": datetime.date.today().isoformat(),
       "units": "Differences are counted in int8 steps of the output tensor before DEQUANTIZE: "
                "q = round(y / int8_scale) + int8_zero_point (every committed output lies exactly on that grid). "
                "diff0/diff1/diff_gt1 = number of elements differing by 0 / 1 / more than 1 step.",
       "input_generator": "SplitMix64(seed); u = (z >> 40) / 2^24; value = float32(lo + (hi - lo) * u) computed in "
                          "double (ref_run's generator), one seed and range per input; quantize_dequantize_int8 "
                          "uses explicit values. Inputs are committed (input_<i>.bin, raw LE float32).",
       "layout": "<case>.tflite + <case>/{input_<i>.bin, output_<i>.bin, meta.json}",
       "rebuild": "tools/golden/make_int8_op_goldens.sh TFLITE_REF_DIR CACHE_DIR",
       "cases": cases,
       "notes": {
           "dropped": dropped,
           "graph": "float input -> QUANTIZE (v2) -> int8 op -> DEQUANTIZE (v2) -> float output. Activations int8 "
                    "per-tensor with non-zero zero points; CONV_2D weights per-channel (quantized_dimension 0), "
                    "DEPTHWISE_CONV_2D per-channel (quantized_dimension 3), FULLY_CONNECTED per-tensor, all "
                    "symmetric (zero point 0); biases int32, scale input_scale*weight_scale[c], zero point 0. "
                    "Versions: CONV_2D 3, DEPTHWISE_CONV_2D 3, FULLY_CONNECTED 4, ADD 2, MUL 2, MAX_POOL_2D 2, "
                    "AVERAGE_POOL_2D 2, PAD 2, RESHAPE 1, CONCATENATION 2, RESIZE_BILINEAR 2 (3 with "
                    "half_pixel_centers), LOGISTIC 2, TANH 2, SOFTMAX 2, HARD_SWISH 1, PRELU 1 (op_version.cc). "
                    "Pooling/PAD/RESHAPE/CONCATENATION/RESIZE_BILINEAR outputs keep the input scale and zero "
                    "point (concat inputs share it); LOGISTIC and SOFTMAX outputs 1/256 zp -128, TANH 1/128 zp 0; "
                    "PRELU alpha is an int8 per-tensor constant with its own scale/zero point.",
           "output_ranges": "Output quantization covers the float64 result of the op on the dequantized int8 "
                            "operands, before the fused activation (so RELU/RELU6 clamps fall inside [-128,127]).",
           "rounding": "LiteRT.js (and tfjs-tflite) QUANTIZE rounds exact .5 ties to even, TFLite's reference "
                       "AffineQuantize rounds them away from zero: quantize_dequantize_int8 shows this on every "
                       "tie whose lower neighbour is even. Ties cannot be avoided in real data, so a runtime "
                       "matching LiteRT.js should round half to even there, one matching the reference rounds away; "
                       "tests should allow 1 step. fc_int8_requant_ties (multiplier exactly 0.25): LiteRT.js and "
                       "tfjs-tflite equal a single rounding of acc * 0.25 half to even on all 32 elements "
                       "(XNNPACK-style), while TFLite's reference (double rounding: SaturatingRoundingDoublingHighMul "
                       "then RoundingDivideByPOT, half away) differs by 1 step on 11 (ties and acc = 4k+1). With "
                       "generic (non power-of-two) scales no difference shows in these cases. RESIZE_BILINEAR: LiteRT.js "
                       "(XNNPACK) uses Q11 weights from float32 coordinates and one round-half-up shift; it equals "
                       "int8_ref.resize_bilinear_xnnpack_q11 on every element, and differs by 1 step from TFLite's "
                       "Q10 ResizeBilinearInteger on 6 (align_corners=0) / 14 (half_pixel) elements. "
                       "AVERAGE_POOL_2D: LiteRT.js equals TFLite's rounding of the RAW int8 sum (half away from zero "
                       "of sum(q)/count), not a zero-point-relative rounding (litert_vs_alternative_references)."}}
json.dump(man, open(os.path.join(out, "manifest.json"), "w"), indent=1)
print("%d cases, %d dropped" % (len(cases), len(dropped)))
for d in dropped:
    print("DROPPED", d["case"], d["stage"], d["reason"])
EOF
exit $check_rc

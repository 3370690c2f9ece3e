#!/usr/bin/env python3
"""check_int8_op_goldens.py - integer recomputation of the int8 golden cases.

usage: check_int8_op_goldens.py [--specs DIR] [--goldens DIR] [--tfjs DIR] [--json OUT] [CASE...]

  --specs    tools/golden/int8_op_specs (default, next to this script)
  --goldens  tests/ops/int8_models (default): <case>/input_<i>.bin, <case>/output_<i>.bin (LiteRT.js)
  --tfjs     optional folder of tfjs-tflite results, <DIR>/<case>/output_<i>.bin
  --json     write the per-case numbers (make_int8_op_goldens.sh merges them into manifest.json)

Each spec is interpreted op by op with int8_ref.py (numpy model of TFLite's
integer reference kernels: QuantizeMultiplier from frexp, SaturatingRoundingDoublingHighMul,
RoundingDivideByPOT, activation clamps from the output quantization, ADD's
left_shift 20). The committed LiteRT.js float outputs are mapped back to int8
(q = round(y / scale) + zero_point, checked to lie exactly on the int8 grid) and
compared in int8 steps. Also checks that the committed inputs are what the spec's
generator gives. Exit status 1 if some output is off the grid, an input differs,
or some element differs by more than --max-steps (default 1) from the reference.
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import int8_ref as R  # noqa: E402
from gen_int8_op_specs import input_values  # noqa: E402

PAD = {0: "SAME", 1: "VALID"}


def fields(op):
    return {f[0]: f[2] for f in (op.get("options") or {}).get("fields", [])}


def run_spec(spec, inputs):
    """Returns {tensor index: value}; int8 tensors as int64 arrays, float tensors float32."""
    ts = spec["tensors"]
    val = {}
    for i, t in enumerate(ts):
        if "data" in t:
            val[i] = np.asarray(t["data"], np.int64).reshape(t["shape"])
    for ti, x in zip(spec["inputs"], inputs):
        val[ti] = np.asarray(x, np.float32).reshape(ts[ti]["shape"])

    def q(i):
        qq = ts[i]["quant"]
        return qq["scale"], qq["zero_point"]

    for op in spec["ops"]:
        name, ins, outs, f = op["op"], op["op_inputs"], op["op_outputs"], fields(op)
        o = outs[0]
        if name == "QUANTIZE":
            s, z = q(o)
            val[o] = R.quantize(val[ins[0]], s[0], z[0])
        elif name == "DEQUANTIZE":
            s, z = q(ins[0])
            val[o] = R.dequantize(val[ins[0]], s[0], z[0])
        elif name in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
            (sx,), (zx,) = q(ins[0])
            sw, zw = q(ins[1])
            assert all(z == 0 for z in zw), "weights must be symmetric"
            (so,), (zo,) = q(o)
            bq = val[ins[2]] if len(ins) > 2 and ins[2] >= 0 else np.zeros(ts[o]["shape"][-1], np.int64)
            sb, zb = q(ins[2])
            assert all(z == 0 for z in zb)
            assert all(abs(b - np.float32(sx) * np.float32(w)) <= 1e-6 * b for b, w in
                       zip(sb, sw if len(sw) == len(sb) else sw * len(sb))), "bias scale != input*weight scale"
            if name == "CONV_2D":
                assert f.get(1, 1) == f.get(2, 1) and f.get(4, 1) == 1 and f.get(5, 1) == 1
                assert ts[ins[1]]["quant"].get("quantized_dimension", 0) == 0
                val[o] = R.conv_q(val[ins[0]], zx, sx, val[ins[1]], sw, bq, so, zo, f.get(1, 1),
                                  PAD[f.get(0, 0)], f.get(3, 0))
            elif name == "DEPTHWISE_CONV_2D":
                assert f.get(1, 1) == f.get(2, 1) and f.get(5, 1) == 1 and f.get(6, 1) == 1
                assert ts[ins[1]]["quant"].get("quantized_dimension", 0) == 3
                val[o] = R.dwconv_q(val[ins[0]], zx, sx, val[ins[1]], sw, bq, so, zo, f.get(1, 1),
                                    PAD[f.get(0, 0)], f.get(3, 1), f.get(4, 0))
            else:
                assert len(sw) == 1 and not f.get(2, 0)
                val[o] = R.fc_q(val[ins[0]], zx, sx, val[ins[1]], sw[0], bq, so, zo, f.get(0, 0))
        elif name in ("ADD", "MUL"):
            (sa,), (za,) = q(ins[0])
            (sb,), (zb,) = q(ins[1])
            (so,), (zo,) = q(o)
            fn = R.add_q if name == "ADD" else R.mul_q
            val[o] = fn(val[ins[0]], sa, za, val[ins[1]], sb, zb, so, zo, f.get(0, 0))
        elif name in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):
            (sx,), (zx,) = q(ins[0])
            assert q(o) == ([sx], [zx]), "pool output must keep the input quantization"
            assert f.get(1, 1) == f.get(2, 1) and f.get(3, 1) == f.get(4, 1)
            so, zo = sx, zx
            fn = R.maxpool_q if name == "MAX_POOL_2D" else R.avgpool_q
            val[o] = fn(val[ins[0]], f[3], f.get(1, 1), PAD[f.get(0, 0)], *R.act_range(f.get(5, 0), so, zo))
        elif name in ("PAD", "RESHAPE", "CONCATENATION"):
            for i in ins if name == "CONCATENATION" else ins[:1]:
                assert q(i) == q(o), "%s: input and output quantization must be equal" % name
            if name == "PAD":
                pads = val[ins[1]].reshape(-1, 2)
                val[o] = np.pad(val[ins[0]], [tuple(int(v) for v in r) for r in pads], constant_values=q(o)[1][0])
            elif name == "RESHAPE":
                val[o] = val[ins[0]].reshape(ts[o]["shape"])
            else:
                assert f.get(1, 0) == 0
                val[o] = np.concatenate([val[i] for i in ins], axis=f.get(0, 0))
        elif name == "RESIZE_BILINEAR":
            assert q(ins[0]) == q(o)
            oh, ow = [int(v) for v in val[ins[1]].reshape(-1)]
            val[o] = R.resize_bilinear_q(val[ins[0]], oh, ow, bool(f.get(2, 0)), bool(f.get(3, 0)))
        elif name in ("LOGISTIC", "TANH"):
            (sx,), (zx,) = q(ins[0])
            (so,), (zo,) = q(o)
            assert (so, zo) == ((1 / 256.0, -128) if name == "LOGISTIC" else (1 / 128.0, 0)), "int8 spec output"
            fn = R.logistic_fn if name == "LOGISTIC" else R.tanh_fn
            val[o] = R.apply_lut(val[ins[0]], R.lut_int8(sx, zx, so, zo, fn))
        elif name == "SOFTMAX":
            (sx,), (zx,) = q(ins[0])
            (so,), (zo,) = q(o)
            assert (so, zo) == (1 / 256.0, -128), "int8 spec output"
            val[o] = R.softmax_q(val[ins[0]], sx, f.get(0, 1.0), so, zo)
        elif name == "HARD_SWISH":
            (sx,), (zx,) = q(ins[0])
            (so,), (zo,) = q(o)
            val[o] = R.hard_swish_q(val[ins[0]], sx, zx, so, zo)
        elif name == "PRELU":
            (sx,), (zx,) = q(ins[0])
            (sa,), (za,) = q(ins[1])
            (so,), (zo,) = q(o)
            val[o] = R.prelu_q(val[ins[0]], sx, zx, val[ins[1]], sa, za, so, zo)
        else:
            raise SystemExit("op %s not modelled" % name)
        assert list(val[o].shape) == list(ts[o]["shape"]), (name, val[o].shape, ts[o]["shape"])
    return val


def alt_references(spec, val, qi):
    """Other plausible integer results for the op producing tensor qi (documentation of what LiteRT.js does;
    the pass/fail check is always against the TFLite reference)."""
    op = [o for o in spec["ops"] if o["op_outputs"] == [qi]]
    if not op:
        return {}
    op, ts = op[0], spec["tensors"]
    f, x = fields(op), val[op["op_inputs"][0]]
    if op["op"] == "RESIZE_BILINEAR":
        oh, ow = [int(v) for v in val[op["op_inputs"][1]].reshape(-1)]
        ac, hp = bool(f.get(2, 0)), bool(f.get(3, 0))
        return {"xnnpack_q11_model": R.resize_bilinear_xnnpack_q11(x, oh, ow, ac, hp),
                "tflite_single_rounding_q10": R.resize_bilinear_q(x, oh, ow, ac, hp, single_rounding=True)}
    if op["op"] == "AVERAGE_POOL_2D":
        zp = ts[qi]["quant"]["zero_point"][0]
        lohi = R.act_range(f.get(5, 0), ts[qi]["quant"]["scale"][0], zp)
        a = (x, zp, f[3], f.get(1, 1), PAD[f.get(0, 0)]) + tuple(lohi)
        return {"zero_point_relative_half_even": R.avgpool_zp_relative_q(*a, rounding="even"),
                "zero_point_relative_half_away": R.avgpool_zp_relative_q(*a, rounding="away")}
    if op["op"] == "HARD_SWISH":
        (sx,), (zx,) = ts[op["op_inputs"][0]]["quant"]["scale"], ts[op["op_inputs"][0]]["quant"]["zero_point"]
        (so,), (zo,) = ts[qi]["quant"]["scale"], ts[qi]["quant"]["zero_point"]
        return {"float32_lut_half_away": R.apply_lut(x, R.lut_int8(sx, zx, so, zo, R.hard_swish_fn))}
    return {}


def output_quant(spec):
    """For each graph output: index of the int8 tensor its DEQUANTIZE reads."""
    res = []
    for o in spec["outputs"]:
        src = [op for op in spec["ops"] if op["op_outputs"] == [o] and op["op"] == "DEQUANTIZE"]
        assert len(src) == 1
        res.append(src[0]["op_inputs"][0])
    return res


def load_f32(path, shape):
    return np.fromfile(path, dtype="<f4").reshape(shape)


def to_steps(y, s, z, where):
    qf = np.asarray(y, np.float64) / np.float64(np.float32(s))
    qi = np.rint(qf).astype(np.int64)
    off = float(np.max(np.abs(qf - qi))) if qi.size else 0.0
    exact = bool(np.array_equal(R.dequantize(qi + z, s, z), np.asarray(y, np.float32)))
    return qi + z, off, exact


def hist(d):
    a = np.abs(d)
    return {"elements": int(a.size), "diff0": int(np.sum(a == 0)), "diff1": int(np.sum(a == 1)),
            "diff_gt1": int(np.sum(a > 1)), "max_steps": int(a.max()) if a.size else 0}


def check_case(specs, goldens, tfjs, case):
    spec = json.load(open(os.path.join(specs, case + ".json")))
    d = os.path.join(goldens, case)
    ts = spec["tensors"]
    ins, inputs_ok = [], True
    for i, (g, ti) in enumerate(zip(spec["golden"]["inputs"], spec["inputs"])):
        x = load_f32(os.path.join(d, "input_%d.bin" % i), ts[ti]["shape"])
        inputs_ok &= bool(np.array_equal(x, input_values(g, ts[ti]["shape"])))
        ins.append(x)
    val = run_spec(spec, ins)
    res = {"case": case, "inputs_match_generator": inputs_ok, "outputs": []}
    for k, (oi, qi) in enumerate(zip(spec["outputs"], output_quant(spec))):
        (s,), (z,) = ts[qi]["quant"]["scale"], ts[qi]["quant"]["zero_point"]
        shape = ts[oi]["shape"]
        y = load_f32(os.path.join(d, "output_%d.bin" % k), shape)
        lq, off, exact = to_steps(y, s, z, "litert")
        r = {"index": k, "int8_tensor": ts[qi]["name"], "scale": s, "zero_point": z,
             "litert_on_int8_grid": exact,
             "vs_tflite_reference": hist(lq - val[qi]),
             "reference_float_equal": bool(np.array_equal(val[oi], y))}
        # where the differences sit: reference value (before rounding) of the differing elements
        diff_idx = np.flatnonzero(lq != val[qi])
        r["vs_tflite_reference"]["litert_minus_ref_sum"] = int(np.sum((lq - val[qi]).reshape(-1)[diff_idx]))
        alts = alt_references(spec, val, qi)
        if alts:
            r["alt_references"] = {n: hist(lq - a) for n, a in alts.items()}
            for n, a in alts.items():
                r["alt_references"][n]["differs_from_tflite_reference"] = int(np.sum(a != val[qi]))
        if tfjs:
            p = os.path.join(tfjs, case, "output_%d.bin" % k)
            if os.path.exists(p):
                tq, _, texact = to_steps(load_f32(p, shape), s, z, "tfjs")
                r["tfjs_on_int8_grid"] = texact
                r["tfjs_vs_litert"] = hist(tq - lq)
                r["tfjs_vs_tflite_reference"] = hist(tq - val[qi])
        res["outputs"].append(r)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--specs", default=os.path.join(HERE, "int8_op_specs"))
    ap.add_argument("--goldens", default=os.path.join(HERE, "..", "..", "tests", "ops", "int8_models"))
    ap.add_argument("--tfjs")
    ap.add_argument("--json")
    ap.add_argument("--max-steps", type=int, default=1)
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    cases = a.cases or sorted(f[:-5] for f in os.listdir(a.specs) if f.endswith(".json")
                              and os.path.isdir(os.path.join(a.goldens, f[:-5])))
    results, bad = [], 0
    print("%-32s %6s %6s %6s %4s %4s | %s" % ("case", "elems", "=ref", "+-1", ">1", "max", "tfjs vs litert (=, +-1, max)"))
    for c in cases:
        r = check_case(a.specs, a.goldens, a.tfjs, c)
        results.append(r)
        for o in r["outputs"]:
            h = o["vs_tflite_reference"]
            t = o.get("tfjs_vs_litert")
            ok = r["inputs_match_generator"] and o["litert_on_int8_grid"] and h["max_steps"] <= a.max_steps
            bad += not ok
            print("%-32s %6d %6d %6d %4d %4d | %s%s" % (
                c, h["elements"], h["diff0"], h["diff1"], h["diff_gt1"], h["max_steps"],
                "%d, %d, %d" % (t["diff0"], t["diff1"], t["max_steps"]) if t else "-",
                "" if ok else "   <-- FAIL (inputs %s, grid %s)" % (r["inputs_match_generator"],
                                                                    o["litert_on_int8_grid"])))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""gen_int8_op_specs.py - specs of the int8 (affine-quantized) one-op golden cases.

usage: gen_int8_op_specs.py [OUT_DIR]             write OUT_DIR/<case>.json (default: int8_op_specs/)
       gen_int8_op_specs.py --inputs SPEC DIR     write DIR/input_<i>.bin for one spec

Every model has float32 graph inputs and outputs:
  float x -> QUANTIZE (v2, int8 per-tensor, non-zero zero point) -> int8 op -> int8 y
          -> DEQUANTIZE (v2) -> float y
following TFLite's int8 quantization spec: activations int8 per-tensor asymmetric;
CONV_2D weights int8 symmetric per-channel (quantized_dimension 0), DEPTHWISE_CONV_2D
weights per-channel on dimension 3, FULLY_CONNECTED weights per-tensor symmetric;
biases int32 with scale input_scale * weight_scale[c] and zero point 0.
Op versions as the converter writes them for int8: CONV_2D 3, DEPTHWISE_CONV_2D 3,
FULLY_CONNECTED 4, ADD 2, MUL 2, QUANTIZE 2, DEQUANTIZE 2; MAX_POOL_2D/AVERAGE_POOL_2D 2, PAD 2,
RESHAPE 1, CONCATENATION 2, RESIZE_BILINEAR 2 (3 half_pixel), LOGISTIC/TANH/SOFTMAX 2, HARD_SWISH 1, PRELU 1
(build_more(): pool/layout/resize outputs keep the input quantization, LOGISTIC/SOFTMAX 1/256 zp -128).

Float weights come from SplitMix64 (same generator as ref_run, seeds 101+), scaled
per output channel by unequal factors so the per-channel scales differ, then
quantized. Graph inputs: SplitMix64(seed + i) over a per-input range (or explicit
values); the input quantization covers that range. The output quantization covers
the float64 result (before the fused activation, so RELU/RELU6 clamps land inside
the int8 range) of the op on the dequantized int8 inputs/weights/bias.

The spec format is op_model.py's (multi-op, "quant" tables, int8/int32 data) plus
"golden": {edge, inputs: [{seed, range} | {values}], seed}.
"""
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import int8_ref as R  # noqa: E402

SAME, VALID = 0, 1
NONE, RELU, RELU6 = R.NONE, R.RELU, R.RELU6
SPECS = {}
M64 = (1 << 64) - 1


def splitmix_f32(n, seed, lo, hi):
    """ref_run's input generator: top 24 bits of SplitMix64 -> float32(lo + (hi-lo)*u)."""
    x, out = seed & M64, np.empty(n, np.float32)
    for i in range(n):
        x = (x + 0x9E3779B97F4A7C15) & M64
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        z ^= z >> 31
        out[i] = lo + (hi - lo) * ((z >> 40) / float(1 << 24))
    return out


def input_values(g, shape):
    n = int(np.prod(shape))
    if "values" in g:
        v = np.asarray(g["values"], np.float32)
        assert v.size == n
        return v.reshape(shape)
    return splitmix_f32(n, g["seed"], *g["range"]).reshape(shape)


def qspec(scales, zps, dim=0):
    return {"scale": [float(s) for s in scales], "zero_point": [int(z) for z in zps], "quantized_dimension": dim}


def T(name, shape, dtype="float32", quant=None, data=None):
    t = {"name": name, "shape": list(shape), "dtype": dtype}
    if quant is not None:
        t["quant"] = quant
    if data is not None:
        t["data"] = [int(v) for v in np.asarray(data).reshape(-1)]
    return t


def opts(type_id, *fields):
    return {"type": type_id, "fields": [list(f) for f in fields]}


def emit(case, edge, seed, ginputs, tensors, ops, inputs, outputs):
    assert case not in SPECS, case
    SPECS[case] = {"golden": {"edge": edge, "seed": seed, "inputs": ginputs},
                   "ops": ops, "tensors": tensors, "inputs": inputs, "outputs": outputs}


def q_in(g, shape):
    """Float input values, their quantization (covering the generator range) and int8 values."""
    x = input_values(g, shape)
    lo, hi = g["range"] if "range" in g else (float(x.min()), float(x.max()))
    s, z = R.choose_qparams(lo, hi)
    assert z != 0, "want a non-zero input zero point"
    xq = R.quantize(x, s, z)
    return x, s, z, xq, R.dequantize(xq, s, z).astype(np.float64)


def weights(seed, shape, chan_axis, factors):
    w = splitmix_f32(int(np.prod(shape)), seed, -1.0, 1.0).astype(np.float64).reshape(shape)
    if factors is not None:
        fs = [1] * len(shape)
        fs[chan_axis] = -1
        w = w * np.asarray(factors, np.float64).reshape(fs)
    return w


def quant_wb(w, b, sx, axis):
    sw = R.symmetric_scales(w, axis)
    wq = R.quantize_weights(w, sw if axis is not None else sw[0], axis)
    sb = [R.f32(float(sx) * float(s)) for s in (sw if axis is not None else sw * len(b))]
    bq = np.asarray(R.round_away(np.asarray(b, np.float64) / np.asarray(sb, np.float64)), np.int64)
    wd = wq * (np.asarray(sw, np.float64).reshape([-1 if i == axis else 1 for i in range(w.ndim)])
               if axis is not None else sw[0])
    bd = bq * np.asarray(sb, np.float64)
    return sw, wq, sb, bq, wd, bd


def graph(x_shape, x_s, x_z, wt, bt, y_shape, y_s, y_z, op, version, options, extra_inputs=()):
    """x -> QUANTIZE -> op(xq, w, b) -> yq -> DEQUANTIZE -> y."""
    ts = [T("x", x_shape), T("x_int8", x_shape, "int8", qspec([x_s], [x_z])), wt, bt,
          T("y_int8", y_shape, "int8", qspec([y_s], [y_z])), T("y", y_shape)]
    ops = [{"op": "QUANTIZE", "version": 2, "op_inputs": [0], "op_outputs": [1]},
           {"op": op, "version": version, "options": options, "op_inputs": [1, 2, 3], "op_outputs": [4]},
           {"op": "DEQUANTIZE", "version": 2, "op_inputs": [4], "op_outputs": [5]}]
    return ts, ops


# ------------------------------------------------------------------ QUANTIZE -> DEQUANTIZE
def qdq():
    s, z = 0.0625, -3   # power-of-two scale: x / s is exact, so k + 0.5 is an exact tie
    t = [k + 0.5 for k in range(-8, 8)]
    t += [v for k in (20, 33, 64, 100, 124, 125, 126, 127, 130) for v in (k + 0.5, -k - 0.5)]
    t += [k + 0.5 + d for k in (-3, -1, 0, 2) for d in (1 / 256, -1 / 256)]
    t += [0.0, 1.0, -1.0, 3.0, 130.0, -125.0, -126.0, 200.0, -200.0, 131.0, -131.0, 2.0, -2.0, 4.0,
          0.25, -0.25, 0.75, -0.75, 5.49, -5.51, 61.2, -90.8]
    assert len(t) == 64, len(t)
    vals = [float(np.float32(v * s)) for v in t]
    g = [{"values": vals, "note": "x = t * 0.0625 with t = k + 0.5 (exact ties), k + 0.5 +- 1/256, "
                                  "integers, and values past both int8 limits"}]
    ts = [T("x", [4, 16]), T("x_int8", [4, 16], "int8", qspec([s], [z])), T("y", [4, 16])]
    ops = [{"op": "QUANTIZE", "version": 2, "op_inputs": [0], "op_outputs": [1]},
           {"op": "DEQUANTIZE", "version": 2, "op_inputs": [1], "op_outputs": [2]}]
    emit("quantize_dequantize_int8",
         "QUANTIZE float->int8 (scale 1/16, zero point -3) then DEQUANTIZE: exact .5 ties of x/scale "
         "(TFLite reference rounds half away from zero), near-ties, saturation at -128/127",
         None, g, ts, ops, [0], [2])


# ------------------------------------------------------------------ FULLY_CONNECTED
def fc(case, edge, seed, x_shape, units, act, wseed, xr):
    g = {"seed": seed, "range": xr}
    x, sx, zx, xq, xd = q_in(g, x_shape)
    k = x_shape[-1]
    w = weights(wseed, [units, k], 0, None)
    b = splitmix_f32(units, wseed + 1, -1.0, 1.0).astype(np.float64)
    sw, wq, sb, bq, wd, bd = quant_wb(w, b, sx, None)
    y = R.fc_f(xd, wd, bd, pre_act=True)
    sy, zy = R.choose_qparams(y.min(), y.max())
    wt = T("w", [units, k], "int8", qspec(sw, [0]), wq)
    bt = T("b", [units], "int32", qspec(sb[:1], [0]), bq)   # per-tensor weights -> per-tensor bias
    o = opts(8, (0, "b", act), (1, "B", 0), (2, "B", 0))
    ts, ops = graph(x_shape, sx, zx, wt, bt, list(y.shape), sy, zy, "FULLY_CONNECTED", 4, o)
    emit(case, edge, seed, [g], ts, ops, [0], [5])


def fc_ties():
    """Power-of-two scales so the requantization multiplier is exactly 0.25 (frexp -> 2^30, shift -1):
    a quarter of the accumulators land on exact .5 ties and acc = 4k+1 on TFLite's double-rounding case
    (SaturatingRoundingDoublingHighMul rounds acc/2 first, RoundingDivideByPOT then rounds again)."""
    seed, shape, units = 31, [4, 16], 8
    sx, zx, sw, so, zo = 0.125, 5, 0.25, 0.125, 3
    u = splitmix_f32(int(np.prod(shape)), seed, 0.0, 1.0).astype(np.float64)
    k = np.floor(u * 17) - 8                     # integer steps -8..8 -> exact float inputs
    g = {"values": [float(v) for v in (k * sx).astype(np.float32)],
         "note": "x = k * 0.125, k = floor(17 u) - 8 with u from SplitMix64(31) in [0,1)"}
    wq = (np.floor(splitmix_f32(units * shape[1], 135, 0.0, 1.0).astype(np.float64) * 7) - 3).astype(np.int64)
    bq = (np.floor(splitmix_f32(units, 136, 0.0, 1.0).astype(np.float64) * 17) - 8).astype(np.int64)
    wt = T("w", [units, shape[1]], "int8", qspec([sw], [0]), wq.reshape(units, shape[1]))
    bt = T("b", [units], "int32", qspec([sx * sw], [0]), bq)
    o = opts(8, (0, "b", NONE), (1, "B", 0), (2, "B", 0))
    ts, ops = graph(shape, sx, zx, wt, bt, [shape[0], units], so, zo, "FULLY_CONNECTED", 4, o)
    emit("fc_int8_requant_ties", "FULLY_CONNECTED int8 [4,16] x 8 units with power-of-two scales (input 1/8 zp 5, "
         "weights 1/4 in [-3,3], bias scale 1/32, output 1/8 zp 3): requantization multiplier exactly 0.25, so "
         "many accumulators sit on exact ties and on TFLite's double-rounding points (acc = 4k+1 -> k+1 in the "
         "reference); separates the reference's rounding from single-rounding (XNNPACK-style) requantization",
         None, [g], ts, ops, [0], [5])


# ------------------------------------------------------------------ CONV_2D / DEPTHWISE_CONV_2D
def conv(case, edge, seed, x_shape, filt, stride, padding, act, wseed, xr, factors):
    g = {"seed": seed, "range": xr}
    x, sx, zx, xq, xd = q_in(g, x_shape)
    w = weights(wseed, filt, 0, factors)
    b = splitmix_f32(filt[0], wseed + 1, -1.0, 1.0).astype(np.float64)
    sw, wq, sb, bq, wd, bd = quant_wb(w, b, sx, 0)
    y = R.conv_f(xd, wd, bd, stride, "SAME" if padding == SAME else "VALID", pre_act=True)
    sy, zy = R.choose_qparams(y.min(), y.max())
    c = filt[0]
    wt = T("w", filt, "int8", qspec(sw, [0] * c, 0), wq)
    bt = T("b", [c], "int32", qspec(sb, [0] * c), bq)
    o = opts(1, (0, "b", padding), (1, "i", stride), (2, "i", stride), (3, "b", act), (4, "i", 1), (5, "i", 1))
    ts, ops = graph(x_shape, sx, zx, wt, bt, list(y.shape), sy, zy, "CONV_2D", 3, o)
    emit(case, edge, seed, [g], ts, ops, [0], [5])


def dwconv(case, edge, seed, x_shape, k, mult, stride, padding, act, wseed, xr, factors):
    g = {"seed": seed, "range": xr}
    x, sx, zx, xq, xd = q_in(g, x_shape)
    c = x_shape[3] * mult
    w = weights(wseed, [1, k, k, c], 3, factors)
    b = splitmix_f32(c, wseed + 1, -1.0, 1.0).astype(np.float64)
    sw, wq, sb, bq, wd, bd = quant_wb(w, b, sx, 3)
    y = R.dwconv_f(xd, wd, bd, stride, "SAME" if padding == SAME else "VALID", mult, pre_act=True)
    sy, zy = R.choose_qparams(y.min(), y.max())
    wt = T("w", [1, k, k, c], "int8", qspec(sw, [0] * c, 3), wq)
    bt = T("b", [c], "int32", qspec(sb, [0] * c), bq)
    o = opts(2, (0, "b", padding), (1, "i", stride), (2, "i", stride), (3, "i", mult), (4, "b", act),
             (5, "i", 1), (6, "i", 1))
    ts, ops = graph(x_shape, sx, zx, wt, bt, list(y.shape), sy, zy, "DEPTHWISE_CONV_2D", 3, o)
    emit(case, edge, seed, [g], ts, ops, [0], [5])


# ------------------------------------------------------------------ ADD / MUL
def binary(case, edge, seed, op, a_shape, b_shape, act, ra, rb):
    ga, gb = {"seed": seed, "range": ra}, {"seed": seed + 1, "range": rb}
    a, sa, za, aq, ad = q_in(ga, a_shape)
    b, sb, zb, bq, bd = q_in(gb, b_shape)
    y = ad + bd if op == "ADD" else ad * bd
    sy, zy = R.choose_qparams(y.min(), y.max())
    ts = [T("a", a_shape), T("b", b_shape), T("a_int8", a_shape, "int8", qspec([sa], [za])),
          T("b_int8", b_shape, "int8", qspec([sb], [zb])), T("y_int8", list(y.shape), "int8", qspec([sy], [zy])),
          T("y", list(y.shape))]
    ops = [{"op": "QUANTIZE", "version": 2, "op_inputs": [0], "op_outputs": [2]},
           {"op": "QUANTIZE", "version": 2, "op_inputs": [1], "op_outputs": [3]},
           {"op": op, "version": 2, "options": opts({"ADD": 11, "MUL": 21}[op], (0, "b", act)),
            "op_inputs": [2, 3], "op_outputs": [4]},
           {"op": "DEQUANTIZE", "version": 2, "op_inputs": [4], "op_outputs": [5]}]
    emit(case, edge, seed, [ga, gb], ts, ops, [0, 1], [5])


# ------------------------------------------------------------------ single-input ops (pool, layout, activations)
def unary(case, edge, g, x_shape, y_shape, op, version, options, out_q, consts=(), x_q=None):
    """x -> QUANTIZE -> op(x_int8, *consts) -> y_int8 -> DEQUANTIZE -> y.
    out_q: (scale, zp) of y_int8, or a function of the dequantized int8 input (float64) -> (scale, zp).
    consts: extra constant tensors (T(...)) appended as op inputs 2.. ; x_q: explicit input (scale, zp)."""
    x = input_values(g, x_shape)
    if x_q is None:
        lo, hi = g["range"]
        sx, zx = R.choose_qparams(lo, hi)
    else:
        sx, zx = x_q
    assert zx != 0, "want a non-zero input zero point"
    xd = R.dequantize(R.quantize(x, sx, zx), sx, zx).astype(np.float64)
    sy, zy = out_q(xd) if callable(out_q) else out_q
    ts = [T("x", x_shape), T("x_int8", x_shape, "int8", qspec([sx], [zx])),
          T("y_int8", y_shape, "int8", qspec([sy], [zy])), T("y", y_shape)] + list(consts)
    ops = [{"op": "QUANTIZE", "version": 2, "op_inputs": [0], "op_outputs": [1]},
           {"op": op, "version": version, "options": options,
            "op_inputs": [1] + list(range(4, 4 + len(consts))), "op_outputs": [2]},
           {"op": "DEQUANTIZE", "version": 2, "op_inputs": [2], "op_outputs": [3]}]
    emit(case, edge, g.get("seed"), [g], ts, ops, [0], [3])
    return sx, zx


def pool_int8(case, edge, seed, op, x_shape, k, stride, padding, act, xr):
    o = opts(5, (0, "b", padding), (1, "i", stride), (2, "i", stride), (3, "i", k), (4, "i", k), (5, "b", act))
    oh, ow, _, _ = R.conv_geometry(x_shape[1], x_shape[2], k, k, stride, "SAME" if padding == SAME else "VALID")
    g = {"seed": seed, "range": xr}
    lo, hi = xr
    unary(case, edge, g, x_shape, [x_shape[0], oh, ow, x_shape[3]], op, 2, o, R.choose_qparams(lo, hi))


def build_more():
    # pooling: output keeps the input scale / zero point (int8 spec)
    pool_int8("maxpool_int8_same_2x2_s2", "MAX_POOL_2D int8 SAME 2x2 stride 2 on odd 5x5 (pad 0 before / 1 after, "
              "last row/column windows partial; padding never wins), 4 channels, output = input quantization",
              41, "MAX_POOL_2D", [1, 5, 5, 4], 2, 2, SAME, NONE, [-1.5, 2.5])
    pool_int8("maxpool_int8_relu6", "MAX_POOL_2D int8 VALID 2x2 stride 2 [1,6,6,3] with fused RELU6: inputs in "
              "[-8,7], so both clamps (zero point and quantized 6.0) lie inside [-128,127] and are exercised",
              43, "MAX_POOL_2D", [1, 6, 6, 3], 2, 2, VALID, RELU6, [-8.0, 7.0])
    pool_int8("avgpool_int8_same_3x3_s2", "AVERAGE_POOL_2D int8 SAME 3x3 stride 2 on 7x7 -> 4x4, 3 channels: "
              "in-image tap counts 4/6/9 (corner/edge/inner), so rounding of sum/count hits exact .5 ties "
              "(count 4 and 6); sums of both signs", 45, "AVERAGE_POOL_2D", [1, 7, 7, 3], 3, 2, SAME, NONE,
              [-2.0, 1.0])
    pool_int8("avgpool_int8_valid_2x2", "AVERAGE_POOL_2D int8 VALID 2x2 stride 2 on [1,6,8,4] -> [1,3,4,4]: "
              "count 4, a quarter of the windows sit on exact .5 ties of sum/4 (both signs)", 47,
              "AVERAGE_POOL_2D", [1, 6, 8, 4], 2, 2, VALID, NONE, [-1.0, 1.5])

    # PAD: output keeps the input quantization, pad value = zero point
    g = {"seed": 51, "range": [-0.5, 2.0]}
    unary("pad_int8", "PAD int8 [1,3,4,2] on H (1,2) and W (2,1) -> [1,6,7,2]; pad value is the (non-zero) zero "
          "point, so padded elements dequantize to exactly 0.0", g, [1, 3, 4, 2], [1, 6, 7, 2], "PAD", 2, opts(22),
          R.choose_qparams(*g["range"]), consts=[T("paddings", [4, 2], "int32", data=[0, 0, 1, 2, 2, 1, 0, 0])])
    g = {"seed": 53, "range": [-2.0, 1.0]}
    unary("reshape_int8", "RESHAPE int8 [1,2,3,4] -> [4,6] (constant shape tensor [-1,6], ReshapeOptions.new_shape "
          "also set), output = input quantization (v1)", g, [1, 2, 3, 4], [4, 6], "RESHAPE", 1,
          opts(17, (0, "[i]", [-1, 6])), R.choose_qparams(*g["range"]),
          consts=[T("shape", [2], "int32", data=[-1, 6])])

    # CONCATENATION: both inputs and the output share one quantization (int8 spec restriction)
    ga, gb = {"seed": 55, "range": [-1.0, 2.0]}, {"seed": 56, "range": [-1.5, 1.0]}
    sc, zc = R.choose_qparams(-1.5, 2.0)
    a_shape, b_shape, y_shape = [1, 2, 3, 3], [1, 2, 3, 5], [1, 2, 3, 8]
    ts = [T("a", a_shape), T("b", b_shape), T("a_int8", a_shape, "int8", qspec([sc], [zc])),
          T("b_int8", b_shape, "int8", qspec([sc], [zc])), T("y_int8", y_shape, "int8", qspec([sc], [zc])),
          T("y", y_shape)]
    ops = [{"op": "QUANTIZE", "version": 2, "op_inputs": [0], "op_outputs": [2]},
           {"op": "QUANTIZE", "version": 2, "op_inputs": [1], "op_outputs": [3]},
           {"op": "CONCATENATION", "version": 2, "options": opts(10, (0, "i", 3), (1, "b", NONE)),
            "op_inputs": [2, 3], "op_outputs": [4]},
           {"op": "DEQUANTIZE", "version": 2, "op_inputs": [4], "op_outputs": [5]}]
    emit("concat_int8_axis3", "CONCATENATION int8 axis 3: [1,2,3,3] ++ [1,2,3,5] -> [1,2,3,8]; both inputs and the "
         "output share one scale / zero point (quantization covers [-1.5,2]), so the op is a copy; each input "
         "generator range is narrower than the shared range", 55, [ga, gb], ts, ops, [0, 1], [5])

    # RESIZE_BILINEAR: output keeps the input quantization
    for case, ac, hp, ver, seed in [("resize_bilinear_int8", 0, 0, 2, 57), ("resize_bilinear_int8_half_pixel", 0, 1, 3, 59)]:
        g = {"seed": seed, "range": [-1.0, 1.5]}
        unary(case, "RESIZE_BILINEAR int8 [1,4,4,3] -> 7x7, align_corners=%d half_pixel_centers=%d (v%d); "
              "TFLite's integer kernel uses Q10 coordinates/weights on the raw int8 values" % (ac, hp, ver),
              g, [1, 4, 4, 3], [1, 7, 7, 3], "RESIZE_BILINEAR", ver, opts(15, (2, "B", ac), (3, "B", hp)),
              R.choose_qparams(*g["range"]), consts=[T("size", [2], "int32", data=[7, 7])])

    # activations with fixed output quantization (int8 spec)
    g = {"seed": 61, "range": [-7.0, 9.0]}
    unary("logistic_int8", "LOGISTIC int8 [1,8,8,4] over [-7,9]; output scale 1/256, zero point -128 (int8 spec)",
          g, [1, 8, 8, 4], [1, 8, 8, 4], "LOGISTIC", 2, None, (1.0 / 256.0, -128))
    g = {"seed": 63, "range": [-3.5, 2.5]}
    unary("tanh_int8", "TANH int8 [1,8,8,4] over [-3.5,2.5]; output scale 1/128, zero point 0 (int8 spec)",
          g, [1, 8, 8, 4], [1, 8, 8, 4], "TANH", 2, None, (1.0 / 128.0, 0))
    g = {"seed": 65, "range": [-6.0, 4.0]}
    unary("softmax_int8", "SOFTMAX int8 beta 1 over the last axis of [2,10], inputs in [-6,4]; output scale 1/256, "
          "zero point -128 (int8 spec)", g, [2, 10], [2, 10], "SOFTMAX", 2, opts(9, (0, "f", 1.0)),
          (1.0 / 256.0, -128))
    g = {"seed": 67, "range": [-5.0, 6.0]}

    def hs_range(xd):
        y = xd * np.clip(xd + 3.0, 0.0, 6.0) / 6.0
        return R.choose_qparams(y.min(), y.max())
    unary("hard_swish_int8", "HARD_SWISH int8 [1,8,8,4] over [-5,6] (all three pieces: 0 below -3, quadratic, "
          "identity above 3); output quantization covers the float result on the dequantized input", g,
          [1, 8, 8, 4], [1, 8, 8, 4], "HARD_SWISH", 1, opts(91), hs_range)

    # PRELU: alpha int8 constant [1,1,C], per-tensor, own (asymmetric) scale
    alpha = np.array([0.25, -0.5, 1.5, 0.05])
    sa, za = R.choose_qparams(alpha.min(), alpha.max())
    aq = R.quantize(alpha, sa, za)
    ad = R.dequantize(aq, sa, za).astype(np.float64)
    g = {"seed": 69, "range": [-2.0, 1.5]}

    def prelu_range(xd):
        y = np.where(xd >= 0, xd, xd * ad.reshape(1, 1, 1, -1))
        return R.choose_qparams(y.min(), y.max())
    unary("prelu_int8", "PRELU int8 [1,4,5,4] with a constant int8 alpha [1,1,4] = [0.25,-0.5,1.5,0.05] "
          "(per-tensor scale %.6g, zero point %d; one negative slope, one > 1), output quantization covers the "
          "float result" % (sa, za), g, [1, 4, 5, 4], [1, 4, 5, 4], "PRELU", 1, None, prelu_range,
          consts=[T("alpha", [1, 1, 4], "int8", qspec([sa], [za]), aq)])


def build_all():
    qdq()
    fc("fc_int8", "FULLY_CONNECTED int8: rank-2 input [3,20], 12 units, per-tensor int8 weights, int32 bias, "
       "no activation (v4)", 1, [3, 20], 12, NONE, 131, [-1.0, 2.0])
    fc("fc_int8_relu", "FULLY_CONNECTED int8 [3,20] x 12 units, bias, fused RELU (output range includes the "
       "negative pre-activation values, so the clamp at the zero point is exercised)", 3, [3, 20], 12, RELU,
       133, [-2.0, 1.0])
    fc_ties()
    conv("conv2d_int8_1x1", "CONV_2D int8 1x1 (pointwise) [1,5,5,8] -> 6 channels, per-channel weight scales "
         "(quantized_dimension 0, channel magnitudes 1/0.1/3/0.5/0.02/1.5), bias", 5, [1, 5, 5, 8], [6, 1, 1, 8], 1,
         VALID, NONE, 141, [-1.0, 1.5], [1, 0.1, 3, 0.5, 0.02, 1.5])
    conv("conv2d_int8_3x3_same_s2_relu6", "CONV_2D int8 3x3 SAME stride 2 on odd 9x9 (pad 1/1) -> 5x5, per-channel, "
         "bias, fused RELU6; inputs in [-3,5] and the output range is the pre-activation range, so both clamps "
         "(zero point and quantized 6.0) fall inside the int8 range", 7, [1, 9, 9, 3], [4, 3, 3, 3], 2, SAME, RELU6,
         143, [-3.0, 5.0], [1, 0.3, 2, 0.7])
    conv("conv2d_int8_valid_bias", "CONV_2D int8 3x3 VALID stride 1, 3 input channels [1,7,8,3] -> [1,5,6,5], "
         "per-channel (magnitudes 1/0.1/3/0.5/0.02), bias", 9, [1, 7, 8, 3], [5, 3, 3, 3], 1, VALID, NONE,
         145, [-0.5, 2.0], [1, 0.1, 3, 0.5, 0.02])
    dwconv("dwconv_int8_3x3_same_s1", "DEPTHWISE_CONV_2D int8 3x3 SAME stride 1 (pad 1/1) [1,6,6,4], "
           "per-channel weights (quantized_dimension 3), bias", 11, [1, 6, 6, 4], 3, 1, 1, SAME, NONE, 151,
           [-0.8, 1.6], [1, 0.2, 2.5, 0.05])
    dwconv("dwconv_int8_mult2", "DEPTHWISE_CONV_2D int8 depth_multiplier 2 (output channel c*2+m), 3x3 VALID "
           "[1,5,5,3] -> [1,3,3,6], per-channel (quantized_dimension 3), bias", 13, [1, 5, 5, 3], 3, 2, 1, VALID,
           NONE, 153, [-1.5, 1.0], [1, 0.5, 0.1, 2, 0.3, 1.2])
    binary("add_int8", "ADD int8 same shape [1,4,4,3], inputs with different scales and zero points "
           "(ranges [-1.5,2.5] and [-4,1]); TFLite rescales both with left_shift 20", 21, "ADD",
           [1, 4, 4, 3], [1, 4, 4, 3], NONE, [-1.5, 2.5], [-4.0, 1.0])
    binary("add_int8_bcast_relu", "ADD int8 broadcast [1,4,4,8] + [1,1,1,8], different input quantizations, "
           "fused RELU (clamp at the output zero point inside the int8 range)", 23, "ADD",
           [1, 4, 4, 8], [1, 1, 1, 8], RELU, [-2.0, 1.0], [-1.0, 1.5])
    binary("mul_int8", "MUL int8 broadcast [1,4,4,4] * [1,1,1,4], different input quantizations, no activation",
           25, "MUL", [1, 4, 4, 4], [1, 1, 1, 4], NONE, [-2.0, 1.0], [-1.5, 3.0])
    build_more()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--inputs":
        spec = json.load(open(sys.argv[2]))
        os.makedirs(sys.argv[3], exist_ok=True)
        for i, (g, ti) in enumerate(zip(spec["golden"]["inputs"], spec["inputs"])):
            x = input_values(g, spec["tensors"][ti]["shape"]).astype("<f4")
            with open(os.path.join(sys.argv[3], "input_%d.bin" % i), "wb") as f:
                f.write(x.tobytes())
        return 0
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                              "int8_op_specs")
    build_all()
    os.makedirs(out, exist_ok=True)
    for case, spec in SPECS.items():
        with open(os.path.join(out, case + ".json"), "w") as f:
            json.dump(spec, f, indent=1)
            f.write("\n")
    print("%d specs -> %s" % (len(SPECS), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

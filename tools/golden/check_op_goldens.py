#!/usr/bin/env python3
"""check_op_goldens.py - independent numpy re-computation of tests/ops/models goldens.

usage: /usr/bin/python3 check_op_goldens.py TFLITE_REF_DIR [REPO_ROOT]

Recomputes every case from its spec (tools/golden/op_specs/<case>.json) and the
committed inputs with plain float64 numpy formulas (TFLite reference-kernel
semantics) and compares with the committed LiteRT.js outputs. It shows that the
spec's options were read as intended (e.g. align_corners really set), which the
LiteRT.js / tfjs-tflite cross-check cannot show (both share TFLite kernels).
TFLITE_REF_DIR provides gen_input.py (weights use its generator). Needs numpy.
"""
import json
import math
import os
import sys

import numpy as np


def main():
    tref = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    sys.path.insert(0, tref)
    from gen_input import generate
    specs = os.path.join(root, "tools", "golden", "op_specs")
    out = os.path.join(root, "tests", "ops", "models")
    man = json.load(open(os.path.join(out, "manifest.json")))
    worst, bad = 0.0, 0
    for e in man["cases"]:
        c = e["case"]
        spec = json.load(open(os.path.join(specs, c + ".json")))
        ts = spec["tensors"]
        vals = {}
        for k, i in enumerate(spec["inputs"]):
            vals[i] = np.fromfile(os.path.join(out, c, "input_%d.bin" % k), "<f4").astype(np.float64).reshape(ts[i]["shape"])
        for i, t in enumerate(ts):
            d = t.get("data")
            if d is None:
                continue
            n = int(np.prod(t["shape"])) if t["shape"] else 1
            if isinstance(d, dict):
                lo, hi = d.get("range", [-1, 1])
                a = np.frombuffer(generate(n, d.get("seed", 0), lo, hi), "<f4").astype(np.float64)
            else:
                a = np.array(d, dtype=np.float16 if t.get("dtype") == "float16" else np.float64)
                a = a.astype(np.float64) if t.get("dtype") != "int32" else np.array(d, dtype=np.int64)
            vals[i] = a.reshape(t["shape"])
        ops = spec.get("ops") or [spec]
        for o in ops:
            f = {fl[0]: fl[2] for fl in (o.get("options") or {}).get("fields", [])}
            ins = [vals[i] for i in o["op_inputs"]]
            vals[o["op_outputs"][0]] = run(o["op"], ins, f, ts[o["op_outputs"][0]]["shape"])
        for k, oi in enumerate(spec["outputs"]):
            got = np.fromfile(os.path.join(out, c, "output_%d.bin" % k), "<f4").astype(np.float64)
            exp = np.asarray(vals[oi], dtype=np.float64)
            if exp.size != got.size or list(exp.shape) != list(ts[oi]["shape"]):
                print("%-40s SHAPE expected %s got %d elements" % (c, exp.shape, got.size))
                bad += 1
                continue
            err = np.max(np.abs(exp.ravel() - got)) / max(1e-30, np.max(np.abs(exp)))
            worst = max(worst, err)
            flag = "" if err <= 1e-5 else "  <-- MISMATCH"
            bad += bool(flag)
            print("%-40s rel_range %.2g%s" % (c, err, flag))
    print("worst rel_range %.3g, %d mismatches" % (worst, bad))
    return 1 if bad else 0


def act(x, a):
    return {0: x, 1: np.maximum(x, 0), 3: np.clip(x, 0, 6)}[a]


def same_pad(n, k, s, d=1):
    ke = (k - 1) * d + 1
    o = -(-n // s)
    tot = max((o - 1) * s + ke - n, 0)
    return o, tot // 2


def conv_general(x, w, b, f, depthwise=False):
    # x [1,H,W,C]; conv w [O,KH,KW,I]; depthwise w [1,KH,KW,C*M]
    pad, sw, sh = f.get(0, 0), f.get(1, 1), f.get(2, 1)
    if depthwise:
        mult, a, dw_, dh = f.get(3, 1), f.get(4, 0), f.get(5, 1), f.get(6, 1)
    else:
        a, dw_, dh = f.get(3, 0), f.get(4, 1), f.get(5, 1)
    _, H, W, C = x.shape
    KH, KW = w.shape[1], w.shape[2]
    if pad == 0:
        OH, ph = same_pad(H, KH, sh, dh)
        OW, pw = same_pad(W, KW, sw, dw_)
    else:
        OH, OW, ph, pw = (H - (KH - 1) * dh - 1) // sh + 1, (W - (KW - 1) * dw_ - 1) // sw + 1, 0, 0
    O = w.shape[3] if depthwise else w.shape[0]
    y = np.zeros((1, OH, OW, O))
    for oy in range(OH):
        for ox in range(OW):
            for ky in range(KH):
                for kx in range(KW):
                    iy, ix = oy * sh - ph + ky * dh, ox * sw - pw + kx * dw_
                    if 0 <= iy < H and 0 <= ix < W:
                        v = x[0, iy, ix]
                        if depthwise:
                            y[0, oy, ox] += np.repeat(v, mult) * w[0, ky, kx]
                        else:
                            y[0, oy, ox] += w[:, ky, kx, :] @ v
    if b is not None:
        y += b
    return act(y, a)


def conv3d(x, w, b, f):
    # x [N,D,H,W,C]; w [KD,KH,KW,I,O]; Conv3DOptions: padding, stride d/w/h, act, dilation d/w/h
    pad, act_ = f.get(0, 0), f.get(4, 0)
    st = (f.get(1, 1), f.get(3, 1), f.get(2, 1))
    dl = (f.get(5, 1), f.get(7, 1), f.get(6, 1))
    n = x.shape[0]
    outs, pads = [], []
    for ax in range(3):
        size, k = x.shape[1 + ax], w.shape[ax]
        if pad == 0:
            o, p_ = same_pad(size, k, st[ax], dl[ax])
        else:
            o, p_ = (size - (k - 1) * dl[ax] - 1) // st[ax] + 1, 0
        outs.append(o)
        pads.append(p_)
    y = np.zeros((n, outs[0], outs[1], outs[2], w.shape[4]))
    for kd in range(w.shape[0]):
        for ky in range(w.shape[1]):
            for kx in range(w.shape[2]):
                for od in range(outs[0]):
                    idd = od * st[0] - pads[0] + kd * dl[0]
                    if not 0 <= idd < x.shape[1]:
                        continue
                    for oy in range(outs[1]):
                        iy = oy * st[1] - pads[1] + ky * dl[1]
                        if not 0 <= iy < x.shape[2]:
                            continue
                        for ox in range(outs[2]):
                            ix = ox * st[2] - pads[2] + kx * dl[2]
                            if 0 <= ix < x.shape[3]:
                                y[:, od, oy, ox] += x[:, idd, iy, ix] @ w[kd, ky, kx]
    if b is not None:
        y += b
    return act(y, act_)


def transpose_conv(oshape, w, x, b, f):
    pad, sw, sh = f.get(0, 0), f.get(1, 1), f.get(2, 1)
    N, H, W, _ = x.shape
    O, KH, KW, _ = w.shape
    OH, OW = int(oshape[1]), int(oshape[2])
    if pad == 0:
        ph = max((H - 1) * sh + KH - OH, 0) // 2
        pw = max((W - 1) * sw + KW - OW, 0) // 2
    else:
        ph = pw = 0
    y = np.zeros((N, OH, OW, O))
    for n in range(N):
        for iy in range(H):
            for ix in range(W):
                for ky in range(KH):
                    for kx in range(KW):
                        oy, ox = iy * sh - ph + ky, ix * sw - pw + kx
                        if 0 <= oy < OH and 0 <= ox < OW:
                            y[n, oy, ox] += w[:, ky, kx, :] @ x[n, iy, ix]
    if b is not None:
        y += b
    return act(y, f.get(3, 0))


def pool(x, f, kind):
    pad, sw, sh, fw, fh = f.get(0, 0), f[1], f[2], f[3], f[4]
    _, H, W, C = x.shape
    if pad == 0:
        OH, ph = same_pad(H, fh, sh)
        OW, pw = same_pad(W, fw, sw)
    else:
        OH, OW, ph, pw = (H - fh) // sh + 1, (W - fw) // sw + 1, 0, 0
    y = np.zeros((1, OH, OW, C))
    for oy in range(OH):
        for ox in range(OW):
            y0, x0 = oy * sh - ph, ox * sw - pw
            win = x[0, max(y0, 0):min(y0 + fh, H), max(x0, 0):min(x0 + fw, W)].reshape(-1, C)
            y[0, oy, ox] = win.mean(0) if kind == "avg" else win.max(0)
    return y


def resize(x, size, ac, hp, bilinear):
    _, H, W, C = x.shape
    OH, OW = int(size[0]), int(size[1])

    def scale(i, o):
        return (i - 1) / (o - 1) if ac and o > 1 else i / o

    sy, sx = scale(H, OH), scale(W, OW)
    y = np.zeros((1, OH, OW, C))
    for oy in range(OH):
        for ox in range(OW):
            if bilinear:
                fy = (oy + 0.5) * sy - 0.5 if hp else oy * sy
                fx = (ox + 0.5) * sx - 0.5 if hp else ox * sx
                y0, x0 = int(math.floor(fy)), int(math.floor(fx))
                dy, dx = fy - y0, fx - x0
                y0c, x0c = max(y0, 0), max(x0, 0)
                y1, x1 = min(y0 + 1, H - 1), min(x0 + 1, W - 1)
                y[0, oy, ox] = (x[0, y0c, x0c] * (1 - dy) * (1 - dx) + x[0, y0c, x1] * (1 - dy) * dx +
                                x[0, y1, x0c] * dy * (1 - dx) + x[0, y1, x1] * dy * dx)
            else:
                off = 0.5 if hp else 0.0
                fy, fx = (oy + off) * sy, (ox + off) * sx
                iy = min(int(math.floor(fy + 0.5)) if ac else int(math.floor(fy)), H - 1)
                ix = min(int(math.floor(fx + 0.5)) if ac else int(math.floor(fx)), W - 1)
                y[0, oy, ox] = x[0, max(iy, 0), max(ix, 0)]
    return y


def strided_slice(x, b, e, s, f):
    bm, em, sm = f.get(0, 0), f.get(1, 0), f.get(4, 0)
    idx = []
    for d in range(x.ndim):
        n, st = x.shape[d], int(s[d])
        bb, ee = int(b[d]), int(e[d])
        if sm >> d & 1:
            idx.append(bb + n if bb < 0 else bb)
            continue
        bb = None if bm >> d & 1 else bb
        ee = None if em >> d & 1 else ee
        idx.append(slice(bb, ee, st))
    return x[tuple(idx)]


def run(op, a, f, oshape):
    if op == "CONV_2D":
        return conv_general(a[0], a[1], a[2] if len(a) > 2 else None, f)
    if op == "DEPTHWISE_CONV_2D":
        return conv_general(a[0], a[1], a[2] if len(a) > 2 else None, f, depthwise=True)
    if op == "CONV_3D":
        return conv3d(a[0], a[1], a[2] if len(a) > 2 else None, f)
    if op == "TRANSPOSE_CONV":
        return transpose_conv(a[0], a[1], a[2], a[3] if len(a) > 3 else None, f)
    if op == "AVERAGE_POOL_2D":
        return pool(a[0], f, "avg")
    if op == "MAX_POOL_2D":
        return pool(a[0], f, "max")
    if op == "SQUARED_DIFFERENCE":
        return (a[0] - a[1]) ** 2
    if op in ("ADD", "SUB", "MUL", "DIV"):
        r = {"ADD": np.add, "SUB": np.subtract, "MUL": np.multiply, "DIV": np.divide}[op](a[0], a[1])
        return act(r, f.get(0, 0))
    if op == "RESIZE_BILINEAR":
        return resize(a[0], a[1], f.get(2, 0), f.get(3, 0), True)
    if op == "RESIZE_NEAREST_NEIGHBOR":
        return resize(a[0], a[1], f.get(0, 0), f.get(1, 0), False)
    if op in ("MEAN", "SUM"):
        fn = np.mean if op == "MEAN" else np.sum
        return fn(a[0], axis=tuple(int(v) for v in a[1]), keepdims=bool(f.get(0, 0)))
    if op == "PAD":
        return np.pad(a[0], a[1].astype(int))
    if op == "CONCATENATION":
        return np.concatenate(a, axis=f.get(0, 0))
    if op in ("RESHAPE", "SQUEEZE"):
        return a[0].reshape(oshape)
    if op == "TRANSPOSE":
        return np.transpose(a[0], a[1].astype(int))
    if op == "SOFTMAX":
        z = a[0] * f.get(0, 1.0)
        z = np.exp(z - z.max(-1, keepdims=True))
        return z / z.sum(-1, keepdims=True)
    if op == "STRIDED_SLICE":
        return strided_slice(a[0], a[1], a[2], a[3], f)
    if op == "SLICE":
        b, s = a[1].astype(int), a[2].astype(int)
        return a[0][tuple(slice(bb, None if ss == -1 else bb + ss) for bb, ss in zip(b, s))]
    if op == "GATHER":
        return np.take(a[0], a[1].astype(int), axis=f.get(0, 0))
    if op == "GATHER_ND":
        idx = a[1].astype(int)
        return a[0][tuple(np.moveaxis(idx, -1, 0))]
    if op == "DEPTH_TO_SPACE":
        bs = f[0]
        n, h, w, c = a[0].shape
        return a[0].reshape(n, h, w, bs, bs, c // bs // bs).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * bs, w * bs, -1)
    if op == "SPACE_TO_DEPTH":
        bs = f[0]
        n, h, w, c = a[0].shape
        return a[0].reshape(n, h // bs, bs, w // bs, bs, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h // bs, w // bs, -1)
    if op == "PRELU":
        return np.where(a[0] >= 0, a[0], a[0] * a[1])
    x = a[0]
    if op == "LOGISTIC":
        return 1 / (1 + np.exp(-x))
    if op == "TANH":
        return np.tanh(x)
    if op == "RELU":
        return np.maximum(x, 0)
    if op == "RELU6":
        return np.clip(x, 0, 6)
    if op == "HARD_SWISH":
        return x * np.clip(x + 3, 0, 6) / 6
    if op == "LEAKY_RELU":
        return np.where(x >= 0, x, x * f.get(0, 0.2))
    if op == "RSQRT":
        return 1 / np.sqrt(x)
    if op == "GELU":
        if f.get(0, 0):
            return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
        erf = np.vectorize(math.erf)
        return 0.5 * x * (1 + erf(x / math.sqrt(2)))
    if op == "FULLY_CONNECTED":
        w, b = a[1], a[2] if len(a) > 2 else None
        y = a[0].reshape(-1, w.shape[1]) @ w.T
        if b is not None:
            y = y + b
        y = act(y, f.get(0, 0))
        return y.reshape(oshape)
    if op == "BATCH_MATMUL":
        x, y = a
        if f.get(0, 0):
            x = np.swapaxes(x, -1, -2)
        if f.get(1, 0):
            y = np.swapaxes(y, -1, -2)
        return np.matmul(x, y)
    if op == "DEQUANTIZE":
        return a[0]
    raise SystemExit("no numpy reference for " + op)


if __name__ == "__main__":
    sys.exit(main())

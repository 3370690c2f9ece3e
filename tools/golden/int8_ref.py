#!/usr/bin/env python3
"""int8_ref.py - numpy model of TFLite's integer reference kernels (int8, affine).

Library used by gen_int8_op_specs.py (float64 runs to pick output ranges) and by
check_int8_op_goldens.py (integer recomputation of every int8 golden case).
Written from the arithmetic documented in TFLite's quantization spec and its
reference kernels (reference_ops / reference_integer_ops):

  QuantizeMultiplier(m):   q, e = frexp(m); q_fixed = round_half_away(q * 2^31);
                           q_fixed == 2^31 -> (2^30, e + 1); e < -31 -> (0, 0)
  SaturatingRoundingDoublingHighMul(a, b):
                           (a*b + (a*b >= 0 ? 2^30 : 1 - 2^30)) / 2^31, C division
                           (towards zero); a == b == INT32_MIN saturates
  RoundingDivideByPOT(x, e): (x >> e) + (remainder > (mask >> 1) + (x < 0))
  MultiplyByQuantizedMultiplier(x, q, s):
                           RoundingDivideByPOT(SRDHM(x * 2^max(s,0), q), max(-s,0))
  QUANTIZE (float -> int8): clamp(round_half_away(x / scale) + zp), float32 division
  DEQUANTIZE:             float32(double(scale) * (q - zp))
  activation clamps:      [max(-128, zp + round(0/s)), min(127, zp + round(6/s))] (RELU6)

Everything is int64 numpy; int32 overflow cannot happen for these small shapes
(asserted).
"""
import math

import numpy as np

QMIN, QMAX = -128, 127
NONE, RELU, RELU6 = 0, 1, 3


def f32(x):
    return float(np.float32(x))


def round_away(x):
    """std::round on an array (half away from zero)."""
    x = np.asarray(x)
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def quantize_multiplier(m):
    if m == 0.0:
        return 0, 0
    q, e = math.frexp(m)
    qf = int(round_away(q * (1 << 31)))
    if qf == (1 << 31):
        qf //= 2
        e += 1
    if e < -31:
        return 0, 0
    return qf, e


def srdhm(a, b):
    a = np.asarray(a, dtype=np.int64)
    ab = a * np.int64(b)
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    v = ab + nudge
    res = np.where(v >= 0, v >> 31, -((-v) >> 31))   # C++ '/' truncates toward zero
    if b == -(1 << 31):
        res = np.where(a == -(1 << 31), (1 << 31) - 1, res)
    return res


def rdbpot(x, e):
    x = np.asarray(x, dtype=np.int64)
    assert 0 <= e <= 31
    mask = (1 << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (x < 0).astype(np.int64)
    return (x >> e) + (rem > thr).astype(np.int64)


def mbqm(x, qm, shift):
    x = np.asarray(x, dtype=np.int64)
    ls, rs = max(shift, 0), max(-shift, 0)
    xs = x * (1 << ls)
    assert np.all(np.abs(xs) < 2 ** 31), "int32 overflow"
    return rdbpot(srdhm(xs, qm), rs)


def quantize(x, scale, zp):
    x = np.asarray(x, dtype=np.float32)
    q = round_away((x / np.float32(scale)).astype(np.float32)).astype(np.int64) + zp
    return np.clip(q, QMIN, QMAX)


def dequantize(q, scale, zp):
    return (np.float64(scale) * (np.asarray(q, dtype=np.int64) - zp)).astype(np.float32)


def act_range(act, scale, zp):
    def qv(f):
        return zp + int(round_away(np.float32(f) / np.float32(scale)))
    if act == NONE:
        return QMIN, QMAX
    if act == RELU:
        return max(QMIN, qv(0.0)), QMAX
    if act == RELU6:
        return max(QMIN, qv(0.0)), min(QMAX, qv(6.0))
    raise ValueError(act)


def act_float(y, act):
    if act == RELU:
        return np.maximum(y, 0.0)
    if act == RELU6:
        return np.clip(y, 0.0, 6.0)
    return y


# ------------------------------------------------------------------ geometry
def same_pad(n, k, s, d=1):
    out = (n + s - 1) // s
    eff = (k - 1) * d + 1
    total = max((out - 1) * s + eff - n, 0)
    return out, total // 2


def conv_geometry(ih, iw, kh, kw, stride, padding, dil=1):
    if padding == "SAME":
        oh, ph = same_pad(ih, kh, stride, dil)
        ow, pw = same_pad(iw, kw, stride, dil)
    else:
        oh = (ih - ((kh - 1) * dil + 1)) // stride + 1
        ow = (iw - ((kw - 1) * dil + 1)) // stride + 1
        ph = pw = 0
    return oh, ow, ph, pw


def im2col(x, kh, kw, stride, padding, pad_value, dil=1):
    """x [N,H,W,C] -> patches [N,OH,OW,KH,KW,C]; out-of-image taps = pad_value."""
    n, ih, iw, c = x.shape
    oh, ow, ph, pw = conv_geometry(ih, iw, kh, kw, stride, padding, dil)
    xp = np.full((n, ih + 2 * kh * dil + oh * stride, iw + 2 * kw * dil + ow * stride, c), pad_value, dtype=x.dtype)
    xp[:, ph:ph + ih, pw:pw + iw, :] = x   # xp row y*s + ky*d holds input row y*s + ky*d - ph
    out = np.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
    for ky in range(kh):
        for kx in range(kw):
            out[:, :, :, ky, kx, :] = xp[:, ky * dil: ky * dil + oh * stride: stride,
                                         kx * dil: kx * dil + ow * stride: stride, :][:, :oh, :ow, :]
    return out


# ------------------------------------------------------------------ float64 ops (range finding)
def conv_f(x, w, b, stride, padding, act=NONE, pre_act=False):
    p = im2col(x.astype(np.float64), w.shape[1], w.shape[2], stride, padding, 0.0)
    y = np.einsum("nhwyxc,oyxc->nhwo", p, w.astype(np.float64)) + b
    return y if pre_act else act_float(y, act)


def dwconv_f(x, w, b, stride, padding, mult, act=NONE, pre_act=False):
    p = im2col(x.astype(np.float64), w.shape[1], w.shape[2], stride, padding, 0.0)
    n, oh, ow, kh, kw, c = p.shape
    wr = w.astype(np.float64).reshape(kh, kw, c, mult)
    y = np.einsum("nhwyxc,yxcm->nhwcm", p, wr).reshape(n, oh, ow, c * mult) + b
    return y if pre_act else act_float(y, act)


def fc_f(x, w, b, act=NONE, pre_act=False):
    y = x.astype(np.float64).reshape(-1, w.shape[1]) @ w.astype(np.float64).T + b
    return y if pre_act else act_float(y, act)


# ------------------------------------------------------------------ integer kernels
def requant(acc, mults, shifts, zp_out, act_lo, act_hi, axis_last=True):
    out = np.empty_like(acc)
    for c in range(acc.shape[-1]):
        out[..., c] = mbqm(acc[..., c], mults[c], shifts[c])
    return np.clip(out + zp_out, act_lo, act_hi)


def conv_q(xq, zx, sx, wq, sw, bq, so, zo, stride, padding, act):
    p = im2col(np.asarray(xq, np.int64), wq.shape[1], wq.shape[2], stride, padding, zx)
    acc = np.einsum("nhwyxc,oyxc->nhwo", p - zx, np.asarray(wq, np.int64)) + np.asarray(bq, np.int64)
    assert np.all(np.abs(acc) < 2 ** 31)
    mq = [quantize_multiplier(float(sx) * float(s) / float(so)) for s in sw]
    return requant(acc, [m for m, _ in mq], [e for _, e in mq], zo, *act_range(act, so, zo))


def dwconv_q(xq, zx, sx, wq, sw, bq, so, zo, stride, padding, mult, act):
    p = im2col(np.asarray(xq, np.int64), wq.shape[1], wq.shape[2], stride, padding, zx)
    n, oh, ow, kh, kw, c = p.shape
    wr = np.asarray(wq, np.int64).reshape(kh, kw, c, mult)
    acc = np.einsum("nhwyxc,yxcm->nhwcm", p - zx, wr).reshape(n, oh, ow, c * mult) + np.asarray(bq, np.int64)
    assert np.all(np.abs(acc) < 2 ** 31)
    mq = [quantize_multiplier(float(sx) * float(s) / float(so)) for s in sw]
    return requant(acc, [m for m, _ in mq], [e for _, e in mq], zo, *act_range(act, so, zo))


def fc_q(xq, zx, sx, wq, sw, bq, so, zo, act):
    xr = np.asarray(xq, np.int64).reshape(-1, wq.shape[1])
    acc = (xr - zx) @ np.asarray(wq, np.int64).T + np.asarray(bq, np.int64)
    assert np.all(np.abs(acc) < 2 ** 31)
    m, e = quantize_multiplier(float(sx) * float(sw) / float(so))   # per-tensor weights
    return requant(acc, [m] * acc.shape[-1], [e] * acc.shape[-1], zo, *act_range(act, so, zo))


def add_q(aq, sa, za, bq, sb, zb, so, zo, act, left_shift=20):
    twice_max = 2.0 * max(float(sa), float(sb))
    m1, e1 = quantize_multiplier(float(sa) / twice_max)
    m2, e2 = quantize_multiplier(float(sb) / twice_max)
    mo, eo = quantize_multiplier(twice_max / ((1 << left_shift) * float(so)))
    assert e1 <= 0 and e2 <= 0 and eo <= 0
    a = (np.asarray(aq, np.int64) - za) * (1 << left_shift)
    b = (np.asarray(bq, np.int64) - zb) * (1 << left_shift)
    sa_ = rdbpot(srdhm(a, m1), -e1)
    sb_ = rdbpot(srdhm(b, m2), -e2)
    raw = sa_ + sb_
    out = rdbpot(srdhm(raw, mo), -eo) + zo
    return np.clip(out, *act_range(act, so, zo))


def mul_q(aq, sa, za, bq, sb, zb, so, zo, act):
    m, e = quantize_multiplier(float(sa) * float(sb) / float(so))
    prod = (np.asarray(aq, np.int64) - za) * (np.asarray(bq, np.int64) - zb)
    out = mbqm(prod, m, e) + zo
    return np.clip(out, *act_range(act, so, zo))


# ------------------------------------------------------------------ quantization parameter choice
def choose_qparams(lo, hi):
    """Per-tensor int8 (scale, zero_point) covering [min(lo,0), max(hi,0)] (converter-style nudging)."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = f32((hi - lo) / 255.0)
    zp = int(round_away(QMIN - lo / scale))
    return scale, int(np.clip(zp, QMIN, QMAX))


def symmetric_scales(w, axis):
    """Per-channel (axis) or per-tensor (axis None) symmetric int8 scales: max|w| / 127."""
    w = np.asarray(w, np.float64)
    if axis is None:
        return [f32(np.max(np.abs(w)) / 127.0)]
    red = tuple(i for i in range(w.ndim) if i != axis)
    return [f32(v / 127.0) for v in np.max(np.abs(w), axis=red)]


def quantize_weights(w, scales, axis):
    w = np.asarray(w, np.float64)
    s = np.asarray(scales, np.float64)
    if axis is not None:
        shape = [1] * w.ndim
        shape[axis] = -1
        s = s.reshape(shape)
    return np.clip(round_away(w / s), -127, 127).astype(np.int64)

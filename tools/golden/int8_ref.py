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


# ------------------------------------------------------------------ pooling (reference_integer_ops/pooling.h)
def pool_windows(n_in, k, s, padding):
    """Per output position: in-image tap range [lo, hi) (SAME: TFLite's padding, taps outside are skipped)."""
    if padding == "SAME":
        n_out, pad = same_pad(n_in, k, s)
    else:
        n_out, pad = (n_in - k) // s + 1, 0
    return [(max(o * s - pad, 0), min(o * s - pad + k, n_in)) for o in range(n_out)]


def maxpool_q(xq, k, stride, padding, act_lo, act_hi):
    """MaxPool int8: max over the in-image taps (padding never counts), then clamp to the activation range."""
    xq = np.asarray(xq, np.int64)
    n, ih, iw, c = xq.shape
    wy, wx = pool_windows(ih, k, stride, padding), pool_windows(iw, k, stride, padding)
    out = np.empty((n, len(wy), len(wx), c), np.int64)
    for oy, (y0, y1) in enumerate(wy):
        for ox, (x0, x1) in enumerate(wx):
            out[:, oy, ox, :] = xq[:, y0:y1, x0:x1, :].max(axis=(1, 2))
    return np.clip(out, act_lo, act_hi)


def c_div(a, b):
    """C++ integer division (truncates toward zero), b > 0."""
    a = np.asarray(a, np.int64)
    return np.where(a >= 0, a // b, -((-a) // b))


def avgpool_q(xq, k, stride, padding, act_lo, act_hi):
    """AveragePool int8: acc = sum of the RAW int8 values over the in-image taps (count = number of
    in-image taps), acc = acc > 0 ? (acc + count/2) / count : (acc - count/2) / count (C division),
    i.e. round half away from zero of sum(q)/count on the raw values (zero point included), then clamp."""
    out = None
    for oy, ox, cnt, acc, out in _window_sums(np.asarray(xq, np.int64), k, stride, padding):
        out[:, oy, ox, :] = np.where(acc > 0, c_div(acc + cnt // 2, cnt), c_div(acc - cnt // 2, cnt))
    return np.clip(out, act_lo, act_hi)


def _window_sums(xq, k, stride, padding):
    """Per output pixel of an NHWC pooling: (oy, ox, in-image tap count, sum of the raw values over
    them, the output array to fill), windows clipped to the image."""
    n, ih, iw, c = xq.shape
    wy, wx = pool_windows(ih, k, stride, padding), pool_windows(iw, k, stride, padding)
    out = np.empty((n, len(wy), len(wx), c), np.int64)
    for oy, (y0, y1) in enumerate(wy):
        for ox, (x0, x1) in enumerate(wx):
            yield oy, ox, (y1 - y0) * (x1 - x0), xq[:, y0:y1, x0:x1, :].sum(axis=(1, 2)), out


def pool_counts(ih, iw, k, stride, padding):
    return np.array([[(y1 - y0) * (x1 - x0) for (x0, x1) in pool_windows(iw, k, stride, padding)]
                     for (y0, y1) in pool_windows(ih, k, stride, padding)])


# ------------------------------------------------------------------ RESIZE_BILINEAR (reference_ops::ResizeBilinearInteger)
def _cdiv(a, b):
    return abs(a) // b * (1 if a >= 0 else -1)


def _interp_integer(v, scale_10, half_pixel, n_in):
    sv = v * scale_10 + (scale_10 // 2 - (1 << 9) if half_pixel else 0)
    return sv, max(_cdiv(sv, 1 << 10), 0), min(_cdiv(sv + (1 << 10) - 1, 1 << 10), n_in - 1)


def resize_bilinear_q(xq, oh, ow, align_corners, half_pixel, single_rounding=False):
    """ResizeBilinearInteger: Q10 source coordinates (scale_10 = round(2^10 * in / out), integer division,
    align_corners uses (in-1)/(out-1)); half_pixel: value*scale_10 + scale_10/2 - 2^9; y0 = max(sv/1024, 0)
    (C division), y1 = min(ceil(sv/1024), in-1); weights in Q10 each, product Q20 on the RAW int8 values;
    result (out_20 + (out_20 > 0 ? 2^19 : -2^19)) / 2^20 (C division: round half away from zero; the
    TFLITE_SINGLE_ROUNDING build uses (out_20 + 2^19) >> 20, round half up)."""
    xq = np.asarray(xq, np.int64)
    n, ih, iw, c = xq.shape
    hs = ((1 << 10) * ih + oh // 2) // oh
    ws = ((1 << 10) * iw + ow // 2) // ow
    if align_corners and oh > 1:
        hs = ((1 << 10) * (ih - 1) + (oh - 1) // 2) // (oh - 1)
    if align_corners and ow > 1:
        ws = ((1 << 10) * (iw - 1) + (ow - 1) // 2) // (ow - 1)
    out = np.empty((n, oh, ow, c), np.int64)
    for y in range(oh):
        iy, y0, y1 = _interp_integer(y, hs, half_pixel, ih)
        dy = iy - (1 << 10) * y0
        for x in range(ow):
            ix, x0, x1 = _interp_integer(x, ws, half_pixel, iw)
            dx = ix - (1 << 10) * x0
            o20 = (xq[:, y0, x0, :] * ((1 << 10) - dy) * ((1 << 10) - dx) + xq[:, y1, x0, :] * dy * ((1 << 10) - dx)
                   + xq[:, y0, x1, :] * ((1 << 10) - dy) * dx + xq[:, y1, x1, :] * dy * dx)
            if single_rounding:
                out[:, y, x, :] = (o20 + (1 << 19)) >> 20
            else:
                out[:, y, x, :] = c_div(o20 + np.where(o20 > 0, 1 << 19, -(1 << 19)), 1 << 20)
    return out


def resize_bilinear_f(x, oh, ow, align_corners, half_pixel):
    """Float bilinear (TFLite's float reference) for information."""
    x = np.asarray(x, np.float64)
    n, ih, iw, c = x.shape
    def coords(o, i):
        sc = (i - 1) / (o - 1) if align_corners and o > 1 else i / o
        v = (np.arange(o) + 0.5) * sc - 0.5 if half_pixel else np.arange(o) * sc
        v0 = np.maximum(np.floor(v), 0).astype(int)
        v1 = np.minimum(np.ceil(v), i - 1).astype(int)
        return v, v0, v1
    vy, y0, y1 = coords(oh, ih)
    vx, x0, x1 = coords(ow, iw)
    dy = (vy - y0)[None, :, None, None]
    dx = (vx - x0)[None, None, :, None]
    g = lambda yy, xx: x[:, yy][:, :, xx]
    return (g(y0, x0) * (1 - dy) * (1 - dx) + g(y1, x0) * dy * (1 - dx) + g(y0, x1) * (1 - dy) * dx
            + g(y1, x1) * dy * dx)


# ------------------------------------------------------------------ lookup-table activations (lut.h LUTPopulate)
def _f32(v):
    return np.float32(v)


def lut_int8(sx, zx, so, zo, fn, rounding="away"):
    """TFLite's int8 LUT (LUTPopulate / PopulateLookupTable, used by the builtin LOGISTIC/TANH int8 kernels):
    for q in -128..127: x = float32(sx * (q - zx)); t = float32 fn(x); r = round(float32(t * float32(1/so)))
    (std::round: half away from zero; rounding="even" gives XNNPACK's lrintf), clamp(r + zo)."""
    inv = _f32(_f32(1.0) / _f32(so))
    table = {}
    for q in range(QMIN, QMAX + 1):
        x = _f32(_f32(sx) * _f32(q - zx))
        t = _f32(fn(float(x)))
        r = float(_f32(t * inv))
        rr = float(round_away(r)) if rounding == "away" else float(np.rint(r))
        table[q] = int(np.clip(int(rr) + zo, QMIN, QMAX))
    return table


def apply_lut(xq, table):
    xq = np.asarray(xq, np.int64)
    return np.vectorize(lambda v: table[int(v)], otypes=[np.int64])(xq) if xq.size else xq


def logistic_fn(x):
    """1.0f / (1.0f + std::exp(-x)) in float32 (expf taken as the correctly rounded float32 of exp)."""
    e = _f32(math.exp(-x)) if -x < 88.7 else _f32(np.inf)
    return float(_f32(_f32(1.0) / _f32(_f32(1.0) + e)))


def tanh_fn(x):
    return float(_f32(math.tanh(x)))


def hard_swish_fn(x):
    return float(_f32(x * min(6.0, max(0.0, x + 3.0)) / 6.0))


# ------------------------------------------------------------------ SOFTMAX int8 (optimized_ops::Softmax with LUT)
def softmax_q(xq, sx, beta, so, zo):
    """TFLite's builtin int8 SOFTMAX (kGenericOptimized; PopulateSoftmaxLookupTable + optimized_ops::Softmax):
    table[255 - v] = expf(float32(-sx * beta) * v) for v in 0..255; per row: m = max q;
    e_j = table[255 - m + q_j] = expf(-sx*beta*(m - q_j)); sum_exp = float32 sequential sum;
    inv = 1.0f / (sum_exp * so); out_j = clamp(std::round(e_j * inv) + zo) (round half away).
    TFLite's kReference softmax (gemmlowp fixed-point exp) is NOT modelled."""
    xq = np.asarray(xq, np.int64)
    sc = _f32(_f32(-sx) * _f32(beta))
    table = [_f32(math.exp(float(_f32(sc * _f32(255 - i))))) for i in range(256)]
    out = np.empty_like(xq)
    rows = xq.reshape(-1, xq.shape[-1])
    orows = out.reshape(-1, xq.shape[-1])
    for r, row in enumerate(rows):
        m = int(row.max())
        es = [table[255 - m + int(v)] for v in row]
        s = _f32(0.0)
        for e in es:
            s = _f32(s + e)
        inv = _f32(_f32(1.0) / _f32(s * _f32(so)))
        for j, e in enumerate(es):
            orows[r, j] = int(np.clip(int(round_away(float(_f32(e * inv)))) + zo, QMIN, QMAX))
    return out


# ------------------------------------------------------------------ HARD_SWISH int8 (reference_ops::HardSwish, int16 fixed point)
I16MIN, I16MAX = -(1 << 15), (1 << 15) - 1


def _srdhm16(a, b):
    ab = int(a) * int(b)
    if a == b == I16MIN:
        return I16MAX
    nudge = (1 << 14) if ab >= 0 else 1 - (1 << 14)
    v = ab + nudge
    return int(np.int16(v // (1 << 15) if v >= 0 else -((-v) // (1 << 15))))


def _sdhm16(a, b):
    if a == b == I16MIN:
        return I16MAX
    ab = int(a) * int(b)
    return int(np.int16(ab // (1 << 15) if ab >= 0 else -((-ab) // (1 << 15))))


def _sls16(v, amount):
    return int(np.clip(int(v) * (1 << amount), I16MIN, I16MAX))


def _rdbpot(x, e):
    return int(rdbpot(np.asarray([x]), e)[0])


def _downscale16(m32):
    if m32 >= (1 << 31) - 1 - (1 << 15):
        return I16MAX
    return (m32 + (1 << 15)) >> 16


def hard_swish_params(sx, zx, so, zo):
    """HardSwishPrepare: float32 hires_input_scale = sx / 128, reluish_scale = 3 / 32768; multipliers
    hires/so and hires/reluish through QuantizeMultiplier, then DownScaleInt32ToInt16Multiplier."""
    hires = _f32(_f32(1.0 / 128.0) * _f32(sx))
    om = float(_f32(hires / _f32(so)))
    rm = float(_f32(hires / _f32(3.0 / 32768.0)))
    oq, oe = quantize_multiplier(om)
    rq, re_ = quantize_multiplier(rm)
    assert oe <= 0
    return {"zx": zx, "zo": zo, "om16": _downscale16(oq), "oe": oe, "rm16": _downscale16(rq), "re": re_}


def hard_swish_q(xq, sx, zx, so, zo):
    p = hard_swish_params(sx, zx, so, zo)

    def one(q):
        iv = int(q) - p["zx"]
        hi = int(np.int16(iv * (1 << 7)))
        pre_out = _srdhm16(hi, p["om16"])
        r = hi
        if p["re"] > 0:
            r = _sls16(r, p["re"] - 1)
        r = _srdhm16(r, p["rm16"])
        if p["re"] > 0:
            r = _sls16(r, 1)
        if p["re"] < 0:
            r = _rdbpot(r, -p["re"])
        r = (r + (1 << 15)) >> 1
        pre = _sdhm16(r, pre_out)
        o = _rdbpot(pre, -p["oe"]) + p["zo"]
        return int(np.clip(o, QMIN, QMAX))
    table = {q: one(q) for q in range(QMIN, QMAX + 1)}
    return apply_lut(xq, table)


# ------------------------------------------------------------------ PRELU int8 (reference_ops::BroadcastPrelu4DSlow)
def prelu_q(xq, sx, zx, aq, sa, za, so, zo):
    """x - zx >= 0: MBQM(x - zx, QM(sx / so)); else MBQM((x - zx) * (alpha - za), QM(sx * sa / so));
    + zo, clamp to int8. Multipliers from float32 scale arithmetic (prelu.cc), QuantizeMultiplier(double)."""
    m1, e1 = quantize_multiplier(float(_f32(_f32(sx) / _f32(so))))
    m2, e2 = quantize_multiplier(float(_f32(_f32(_f32(sx) * _f32(sa)) / _f32(so))))
    xv = np.asarray(xq, np.int64) - zx
    av = np.broadcast_to(np.asarray(aq, np.int64) - za, xv.shape)
    pos = mbqm(np.where(xv >= 0, xv, 0), m1, e1)
    neg = mbqm(np.where(xv < 0, xv * av, 0), m2, e2)
    return np.clip(np.where(xv >= 0, pos, neg) + zo, QMIN, QMAX)


def resize_bilinear_xnnpack_q11(xq, oh, ow, align_corners, half_pixel):
    """Model of what LiteRT.js (XNNPACK s8 ibilinear) computes, inferred and checked against its outputs, NOT
    TFLite's reference: float32 source coordinate v*scale (+ 0.5*scale - 0.5 with half_pixel, clamped at 0),
    scale = float32(in)/float32(out) ((in-1)/(out-1) with align_corners), left = int(coord),
    right = min(left+1, in-1), alpha = lrintf((coord - left) * 2048) (Q11);
    t = (tl << 11) + (tr - tl) * ah, b likewise, acc = (t << 11) + (b - t) * av, out = (acc + 2^21) >> 22
    (arithmetic shift: round half up)."""
    xq = np.asarray(xq, np.int64)
    n, ih, iw, c = xq.shape

    def coords(o, i):
        sc = np.float32(i - 1) / np.float32(o - 1) if align_corners and o > 1 else np.float32(i) / np.float32(o)
        off = np.float32(np.float32(0.5) * sc - np.float32(0.5)) if half_pixel else np.float32(0.0)
        res = []
        for v in range(o):
            f = max(np.float32(np.float32(v) * sc + off), np.float32(0.0))
            lo = int(f)
            res.append((lo, min(lo + 1, i - 1), int(np.rint(np.float32(f - np.float32(lo)) * np.float32(2048)))))
        return res
    out = np.empty((n, oh, ow, c), np.int64)
    for yy, (t, b, av) in enumerate(coords(oh, ih)):
        for xx, (l, r, ah) in enumerate(coords(ow, iw)):
            tl, tr, bl, br = xq[:, t, l], xq[:, t, r], xq[:, b, l], xq[:, b, r]
            vt = (tl << 11) + (tr - tl) * ah
            vb = (bl << 11) + (br - bl) * ah
            out[:, yy, xx] = (((vt << 11) + (vb - vt) * av) + (1 << 21)) >> 22
    return out


def avgpool_zp_relative_q(xq, zp, k, stride, padding, act_lo, act_hi, rounding="even"):
    """Alternative (NOT TFLite's reference): round((sum(q) - count*zp) / count) + zp, half to even
    (float requantization, XNNPACK-style) or half away ("away") relative to the zero point."""
    out = None
    for oy, ox, cnt, acc, out in _window_sums(np.asarray(xq, np.int64), k, stride, padding):
        rel = (acc - cnt * zp) / cnt
        out[:, oy, ox, :] = (np.rint(rel) if rounding == "even" else round_away(rel)).astype(np.int64) + zp
    return np.clip(out, act_lo, act_hi)

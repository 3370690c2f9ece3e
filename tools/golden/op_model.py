#!/usr/bin/env python3
"""op_model.py - write a small .tflite from a JSON spec, using make_op_model.py's writer.

usage: op_model.py TFLITE_REF_DIR SPEC.json OUT.tflite

TFLITE_REF_DIR is the reference tooling folder holding make_op_model.py (never
hard-coded: this is a development tool, the tests only read its output).

A spec that make_op_model.py understands as-is (one op, scalar option fields,
float32/int32/... constants) is built by make_op_model.build() unchanged, so the
bytes are exactly what `make_op_model.py SPEC OUT` writes. Three extensions are
handled here with the same FlatBuffer writer classes:
  * "dtype": "float16" constants: "data" is a list of numbers, stored as IEEE half;
  * "quant": {"scale": [s...], "zero_point": [z...], "quantized_dimension": d} on a tensor:
    a QuantizationParameters table (per-tensor when one scale, per-channel along d
    otherwise); int8 / int32 constants are plain "data" lists (tools/golden/int8_op_specs/);
  * vector option fields: [slot, "[i]", [v0, v1, ...]] (e.g. SqueezeOptions.squeeze_dims);
  * several operators: "ops": [{"op", "version", "options", "op_inputs", "op_outputs"}, ...]
    instead of the top-level "op"/"version"/"options"/"op_inputs"/"op_outputs".
The "golden" key (test metadata) is ignored by the writer.
"""
import importlib
import json
import struct
import sys


def needs_ext(spec):
    if "ops" in spec:
        return True
    if any(t.get("dtype") == "float16" or "quant" in t for t in spec["tensors"]):
        return True
    opt = spec.get("options") or {}
    return any(f[1] == "[i]" for f in opt.get("fields", []))


def quant_table(m, q):
    """QuantizationParameters: scale (slot 2, [float]), zero_point (3, [long]), quantized_dimension (6)."""
    if q is None:
        return None
    scale, zp = list(q["scale"]), list(q["zero_point"])
    if len(scale) != len(zp) or not scale:
        raise SystemExit("quant: %d scales, %d zero points" % (len(scale), len(zp)))
    qdim = q.get("quantized_dimension", 0)
    return m.Table([(2, "off", m.Vec("f", scale)),
                    (3, "off", m.Vec("q", zp)),
                    (6, "i", qdim if qdim else None)])


def build_ext(m, spec):
    """Multi-op / float16 / vector-field variant of make_op_model.build()."""
    Table, Vec, Bytes, VecOff, Str = m.Table, m.Vec, m.Bytes, m.VecOff, m.Str
    ops = spec.get("ops") or [{k: spec[k] for k in ("op", "version", "options", "op_inputs", "op_outputs")
                               if k in spec}]
    codes = []  # (builtin code, version)
    for o in ops:
        key = (m.BUILTIN_OPS.index(o["op"]), o.get("version", 1))
        if key not in codes:
            codes.append(key)
    buffers = [Table([])]
    tensors = []
    for t in spec["tensors"]:
        dtype = t.get("dtype", "float32")
        bidx = 0
        data = t.get("data")
        if data is not None:
            n = 1
            for d in t["shape"]:
                n *= d
            if isinstance(data, dict):
                if dtype != "float32":
                    raise SystemExit("generated data only for float32")
                lo, hi = data.get("range", [-1, 1])
                raw = m.generate(n, data.get("seed", 0), lo, hi)
            else:
                fmt = {"float32": "f", "float16": "e", "int32": "i", "int64": "q",
                       "uint8": "B", "int8": "b"}[dtype]
                if len(data) != n:
                    raise SystemExit("tensor %s: %d values for %d elements" % (t["name"], len(data), n))
                raw = struct.pack("<%d%s" % (n, fmt), *data)
            bidx = len(buffers)
            buffers.append(Table([(0, "off", Bytes(raw))]))
        tensors.append(Table([(0, "off", Vec("i", t["shape"])),
                              (1, "b", m.TENSOR_TYPES.index(dtype)),
                              (2, "I", bidx),
                              (3, "off", Str(t["name"])),
                              (4, "off", quant_table(m, t.get("quant")))]))
    op_tables = []
    for o in ops:
        fields = [(0, "I", codes.index((m.BUILTIN_OPS.index(o["op"]), o.get("version", 1)))),
                  (1, "off", Vec("i", o["op_inputs"])),
                  (2, "off", Vec("i", o["op_outputs"]))]
        opt = o.get("options")
        if opt:
            of = []
            for slot, fmt, val in opt.get("fields", []):
                of.append((slot, "off", Vec("i", val)) if fmt == "[i]" else (slot, fmt, val))
            fields += [(3, "B", opt["type"]), (4, "off", Table(of))]
        op_tables.append(Table(fields))
    subgraph = Table([(0, "off", VecOff(tensors)),
                      (1, "off", Vec("i", spec["inputs"])),
                      (2, "off", Vec("i", spec["outputs"])),
                      (3, "off", VecOff(op_tables)),
                      (4, "off", Str("main"))])
    opcodes = [Table([(0, "b", min(c, 127)), (2, "i", v), (3, "i", c)]) for c, v in codes]
    model = Table([(0, "I", 3),
                   (1, "off", VecOff(opcodes)),
                   (2, "off", VecOff([subgraph])),
                   (3, "off", Str("make_op_model.py")),
                   (4, "off", VecOff(buffers))])
    w = m.Writer()
    w.b += b"\0\0\0\0TFL3"
    root = w.write(model)
    struct.pack_into("<I", w.b, 0, root)
    return bytes(w.b)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, sys.argv[1])
    m = importlib.import_module("make_op_model")
    with open(sys.argv[2]) as f:
        spec = json.load(f)
    data = build_ext(m, spec) if needs_ext(spec) else m.build(spec)
    with open(sys.argv[3], "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Times odin and its peers on the same models and the same input, in one
run, interleaved, and prints a table of latencies and ratios.

Peers: LiteRT.js (@litertjs/core, WebAssembly + XNNPACK, 1 thread) always,
and ONNX Runtime (onnxruntime-node, native CPU) when --onnx-dir holds
conversions named MODEL.onnx (and optionally MODEL_dw.onnx, a variant; see
benchmarks/README.md). Install the peers first:
(cd benchmarks/peers && npm ci --ignore-scripts) -- onnxruntime-node's install
script downloads optional GPU extras from outside npm; the CPU library is in
the package already.

Each round runs every (runtime, threads) configuration once (warm-up, then
--runs timed runs, in a fresh process), rotating the order per round, so a
noisy neighbour hits every runtime alike; the reported latency is the median
of the rounds' medians. Stdlib only.

  benchmarks/compare.py [--models a,b] [--threads 1,2] [--rounds 3] [--runs 50]
                        [--warmup 10] [--onnx-dir DIR] [--int8-dir DIR] [--odin build/odin]
                        [--baseline-odin OLD/odin] [--json OUT.json] [--markdown OUT.md]

--baseline-odin times a second odin binary (e.g. the previous commit's
build) in the same rotation, as "odin@base", so a change is measured against
its baseline in the same run.
"""
import argparse
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
DENSE_MODELS = [
    "face_detection_short_range", "face_detection_full_range", "face_landmark",
    "hand_landmark_lite", "hand_landmark_full", "palm_detection_lite", "palm_detection_full",
]


def splitmix_input(n, seed, lo=-1.0, hi=1.0):
    """The reference runners' generator: SplitMix64, top 24 bits, float32."""
    mask = (1 << 64) - 1
    x = seed & mask
    out = []
    for _ in range(n):
        x = (x + 0x9E3779B97F4A7C15) & mask
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        out.append(lo + (hi - lo) * ((z >> 40) / 16777216.0))
    return struct.pack("<%df" % n, *out)


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON object in output")


def node_command():
    node = shutil.which("node")
    if not node:
        sys.exit("compare.py: node (Node.js) is needed for the peers")
    major = int(subprocess.run([node, "-p", "process.versions.node.split('.')[0]"],
                               capture_output=True, text=True, check=True).stdout)
    # LiteRT.js picks its relaxed-SIMD build when the engine has it; Node < 22
    # needs the V8 flag.
    return [node] + (["--experimental-wasm-relaxed-simd"] if major < 22 else [])


class Config:
    def __init__(self, runtime, threads, argv, label):
        self.runtime, self.threads, self.argv, self.label = runtime, threads, argv, label
        self.rounds = []  # parsed JSON per round

    def run(self, timeout):
        t0 = time.time()
        p = subprocess.run(self.argv, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (self.label, p.returncode,
                                                       p.stderr.strip()[-400:]))
        result = last_json(p.stdout)
        result["wall_s"] = time.time() - t0
        result["loadavg"] = os.getloadavg()[0]
        self.rounds.append(result)

    def median_ms(self):
        return statistics.median(r["latency_ms"]["median"] for r in self.rounds)

    def min_ms(self):
        return min(r["latency_ms"]["min"] for r in self.rounds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=",".join(DENSE_MODELS))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--onnx-dir", default=None, help="folder with MODEL.onnx (+ MODEL_dw.onnx)")
    ap.add_argument("--model-dir", default=os.environ.get(
        "ODIN_MODEL_DIR", os.path.expanduser("~/.cache/odin/models")))
    ap.add_argument("--odin", default=os.path.join(ROOT, "build", "odin"))
    ap.add_argument("--baseline-odin", default=None,
                    help="a second odin binary timed in the same rounds as 'odin@base'")
    ap.add_argument("--no-litert", action="store_true", help="skip LiteRT.js")
    ap.add_argument("--int8-dir", default=None,
                    help="folder with MODEL_int8.tflite (odin quantize): timed by odin and LiteRT.js")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--json", default=None, help="write every measurement here")
    ap.add_argument("--markdown", default=None, help="write the table here too")
    args = ap.parse_args()

    models = [m for m in args.models.split(",") if m]
    threads = [int(t) for t in args.threads.split(",") if t]
    if not os.path.exists(args.odin):
        sys.exit("compare.py: %s not found (build odin, or pass --odin)" % args.odin)
    have_peers = os.path.isdir(os.path.join(PEERS, "node_modules"))
    if not have_peers:
        print("compare.py: peers not installed ((cd benchmarks/peers && npm ci --ignore-scripts)); "
              "timing odin only", file=sys.stderr)
    node = node_command() if have_peers else None
    tmp = tempfile.mkdtemp(prefix="odin_compare_")
    runs = ["--runs", str(args.runs), "--warmup", str(args.warmup)]

    per_model = {}
    for model in models:
        path = os.path.join(args.model_dir, model + ".tflite")
        if not os.path.exists(path):
            sys.exit("compare.py: %s missing (python3 tools/fetch_models.py %s)" % (path, model))
        # Input shapes from odin, then one shared input file per model input.
        probe = last_json(subprocess.run([args.odin, "bench", path, "--runs", "1", "--warmup", "1",
                                          "--json"], capture_output=True, text=True,
                                         check=True).stdout)
        inputs = []
        for i, spec in enumerate(probe["inputs"]):
            n = 1
            for d in spec["shape"]:
                n *= d
            f = os.path.join(tmp, "%s_input_%d.bin" % (model, i))
            with open(f, "wb") as fh:
                fh.write(splitmix_input(n, 1 + i))
            inputs += ["--input", f]
        configs = []
        for t in threads:
            configs.append(Config("odin", t, [args.odin, "bench", path, "--threads", str(t), "--json"]
                                  + runs + inputs, "odin %dt" % t))
            if args.baseline_odin:
                configs.append(Config("odin@base", t, [args.baseline_odin, "bench", path, "--threads",
                                                       str(t), "--json"] + runs + inputs,
                                      "odin@base %dt" % t))
        if have_peers and not args.no_litert:
            configs.append(Config("litert.js", 1, node + [os.path.join(PEERS, "litert_bench.mjs"),
                                                          path, "--threads", "1"] + runs + inputs,
                                  "LiteRT.js 1t"))
        # The int8 model odin quantize wrote (float in and out: the same input).
        int8 = os.path.join(args.int8_dir, model + "_int8.tflite") if args.int8_dir else None
        if int8 and os.path.exists(int8):
            for t in threads:
                configs.append(Config("odin-int8", t, [args.odin, "bench", int8, "--threads", str(t),
                                                       "--json"] + runs + inputs,
                                      "odin-int8 %dt" % t))
            if have_peers and not args.no_litert:
                configs.append(Config("litert.js-int8", 1,
                                      node + [os.path.join(PEERS, "litert_bench.mjs"), int8,
                                              "--threads", "1"] + runs + inputs,
                                      "LiteRT.js-int8 1t"))
        if have_peers and args.onnx_dir:
            for suffix, name in (("", "ORT"), ("_dw", "ORT dw")):
                onnx = os.path.join(args.onnx_dir, model + suffix + ".onnx")
                if not os.path.exists(onnx):
                    continue
                for t in threads:
                    configs.append(Config(name, t, node + [os.path.join(PEERS, "ort_bench.mjs"),
                                                           onnx, "--threads", str(t)]
                                          + runs + inputs, "%s %dt" % (name, t)))
        for r in range(args.rounds):
            order = configs[r % len(configs):] + configs[:r % len(configs)]
            for c in order:
                c.run(args.timeout)
                print("  %-28s round %d  %-14s median %8.3f ms (min %.3f, load %.2f)" % (
                    model, r + 1, c.label, c.rounds[-1]["latency_ms"]["median"],
                    c.rounds[-1]["latency_ms"]["min"], c.rounds[-1]["loadavg"]), file=sys.stderr)
        per_model[model] = configs

    # The table.
    labels = []
    for configs in per_model.values():
        for c in configs:
            if c.label not in labels:
                labels.append(c.label)
    lines = []
    head = ["model"] + ["%s ms" % l for l in labels]
    ratio_cols = []  # (numerator, denominator): above 1 means the denominator is faster
    for l in labels:
        t = l.split()[-1]
        if l.startswith("odin@base"):
            ratio_cols.append((l, "odin %s" % t))
            continue
        if l.startswith("odin-int8"):  # int8's speed-up over odin's float model
            ratio_cols.append(("odin %s" % t, l))
            continue
        if l.startswith("odin"):
            continue
        # A peer against odin on the same file (its int8 one for "-int8").
        odins = ("odin-int8",) if "-int8" in l else ("odin", "odin@base")
        for odin in odins:
            if "%s %s" % (odin, t) in labels:
                ratio_cols.append((l, "%s %s" % (odin, t)))
    head += ["%s / %s" % (p, o) for p, o in ratio_cols]
    two = [t for t in threads if t != 1]
    if 1 in threads and two:
        head.append("odin speedup %dt" % two[0])
    head += ["odin GFLOP/s 1t", "odin init ms", "arena KiB", "RSS growth MiB"]
    if args.baseline_odin:
        head += ["odin@base init ms", "odin@base RSS growth MiB"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for model, configs in per_model.items():
        by = {c.label: c for c in configs}
        row = [model]
        for l in labels:
            row.append("%.3f (%.3f)" % (by[l].median_ms(), by[l].min_ms()) if l in by else "-")
        for p, o in ratio_cols:
            row.append("%.2fx" % (by[p].median_ms() / by[o].median_ms())
                       if p in by and o in by else "-")
        if 1 in threads and two:
            a, b = by.get("odin 1t"), by.get("odin %dt" % two[0])
            row.append("%.2fx" % (a.median_ms() / b.median_ms()) if a and b else "-")
        def init_and_rss(c):  # medians over the rounds (each a fresh process)
            return ["%.2f" % statistics.median(r["init_ms"] for r in c.rounds),
                    "%.1f" % (statistics.median(r["rss_growth_bytes"] for r in c.rounds) / 2**20)]
        o1 = by.get("odin 1t") or next(c for c in configs if c.runtime == "odin")
        last = o1.rounds[-1]
        gflops = 2.0 * last["conv_fc_macs"] / (o1.median_ms() * 1e6)
        init, rss = init_and_rss(o1)
        row += ["%.1f" % gflops, init, "%d" % (last["arena_bytes"] // 1024), rss]
        if args.baseline_odin:
            b1 = by.get("odin@base 1t") or next(c for c in configs if c.runtime == "odin@base")
            row += init_and_rss(b1)
        lines.append("| " + " | ".join(row) + " |")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({m: [{"label": c.label, "runtime": c.runtime, "threads": c.threads,
                            "rounds": c.rounds} for c in cs] for m, cs in per_model.items()},
                      f, indent=1)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

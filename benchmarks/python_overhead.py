#!/usr/bin/env python3
"""The overhead of odin.Session.run over the C API's run, on BlazeFace.

Both run in this process on one session and one input: the C API loop
(Session._time_capi_runs: set_input, run, copy the outputs) and Python's
session.run (checks, GIL release, new output arrays). Rounds alternate
between the two; the overhead is the median over rounds of the per-run
difference (and, less sensitive to a busy machine, the fastest Python
round less the fastest C API round).

  PYTHONPATH=build/python python3 benchmarks/python_overhead.py [--rounds 200] [--runs 20]
"""
import argparse
import os
import statistics
import time

import numpy as np

import odin


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=os.path.join(
        os.environ.get("ODIN_MODEL_DIR") or os.path.expanduser("~/.cache/odin/models"),
        "face_detection_short_range.tflite"))
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    session = odin.Session(odin.Model(args.model), backends=["cpu"], threads=1)
    feeds = {"input": np.random.default_rng(0).uniform(-1, 1, (1, 128, 128, 3)).astype(np.float32)}
    session._time_capi_runs(feeds, args.runs)  # warm-up
    for _ in range(args.runs):
        session.run(feeds)
    capi, python, diff = [], [], []
    for _ in range(args.rounds):
        c = session._time_capi_runs(feeds, args.runs) / args.runs
        t0 = time.perf_counter()
        for _ in range(args.runs):
            session.run(feeds)
        p = (time.perf_counter() - t0) / args.runs
        capi.append(c)
        python.append(p)
        diff.append(p - c)
    us = 1e6
    print("BlazeFace (face_detection_short_range), cpu, 1 thread, %d rounds x %d runs"
          % (args.rounds, args.runs))
    print("C API run      median %8.2f us" % (statistics.median(capi) * us))
    print("session.run    median %8.2f us" % (statistics.median(python) * us))
    print("overhead       median of the rounds' differences %6.2f us; "
          "fastest round against fastest round %6.2f us"
          % (statistics.median(diff) * us, (min(python) - min(capi)) * us))


if __name__ == "__main__":
    main()

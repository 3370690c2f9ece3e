#!/usr/bin/env python3
"""odin next to llama.cpp on the same GGUF files, in one run, interleaved.

For each model and thread count: llama-bench (pp512 with -n 0, tg128 with
-p 0, -r REPS, JSON) and `odin bench-llm` (-p 512 -n 128 -r REPS --json),
alternating which goes first per round, the median over rounds. Prints a
markdown table: tokens/s of both, the ratio odin / llama.cpp, and decode's
share of the memory read bandwidth at the same thread count (bench-llm measures it).
Stdlib Python only.

  python3 benchmarks/llm_compare.py --llama-bench /path/to/llama-bench \\
      --models-dir DIR --models stories110M-Q8_0,tinyllama-1.1B-Q4_0
"""
import argparse
import json
import os
import statistics
import subprocess
import sys


def run_json(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)


def llama_bench(exe, model, test, threads, reps):
    n = int(test[2:])
    args = ["-p", str(n), "-n", "0"] if test.startswith("pp") else ["-p", "0", "-n", str(n)]
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.dirname(exe) + ":" + env.get("LD_LIBRARY_PATH", "")
    rows = run_json([exe, "-m", model, *args, "-t", str(threads), "-r", str(reps), "-o", "json"], env)
    return rows[0]["avg_ts"]


def odin_bench(exe, model, threads, reps, prompt, gen):
    j = run_json([exe, "bench-llm", model, "-p", str(prompt), "-n", str(gen), "-t", str(threads),
                  "-r", str(reps), "--json"])
    by_test = {r["test"]: r for r in j["results"]}
    return j, by_test


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--llama-bench", required=True, help="llama-bench executable (its libraries beside it)")
    ap.add_argument("--odin", default="build/odin")
    ap.add_argument("--models-dir", required=True)
    ap.add_argument("--models", default="stories110M-Q8_0,stories110M-Q4_0,stories110M-Q4_K_M")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--prompt", type=int, default=512)
    ap.add_argument("--gen", type=int, default=128)
    ap.add_argument("--json", help="write every round's numbers here")
    a = ap.parse_args()
    pp, tg = f"pp{a.prompt}", f"tg{a.gen}"
    rows, raw = [], []
    for name in a.models.split(","):
        model = os.path.join(a.models_dir, name + ".gguf")
        if not os.path.exists(model):
            print(f"missing {model}", file=sys.stderr)
            continue
        for t in [int(x) for x in a.threads.split(",")]:
            ours = {pp: [], tg: []}
            theirs = {pp: [], tg: []}
            bw, info = [], {}
            for r in range(a.rounds):
                order = ["odin", "llama"] if r % 2 == 0 else ["llama", "odin"]
                for who in order:
                    if who == "odin":
                        info, by = odin_bench(a.odin, model, t, a.reps, a.prompt, a.gen)
                        ours[pp].append(by[pp]["tokens_per_s"])
                        ours[tg].append(by[tg]["tokens_per_s"])
                        bw.append(by[tg]["bandwidth_fraction"])
                    else:
                        theirs[pp].append(llama_bench(a.llama_bench, model, pp, t, a.reps))
                        theirs[tg].append(llama_bench(a.llama_bench, model, tg, t, a.reps))
            med = {k: statistics.median(v) for k, v in ours.items()}
            ref = {k: statistics.median(v) for k, v in theirs.items()}
            rows.append((name, t, med, ref, statistics.median(bw), info))
            raw.append({"model": name, "threads": t, "odin": ours, "llama.cpp": theirs,
                        "bandwidth_fraction": bw, "odin_info": info})
            print(f"{name} t={t}: odin {med} llama.cpp {ref}", file=sys.stderr)
    print(f"| model | threads | odin {pp} | llama.cpp {pp} | ratio | odin {tg} | llama.cpp {tg} | ratio "
          f"| decode % of read bandwidth | load to 1st token ms | peak RSS MB (file MB) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, t, med, ref, bw, info in rows:
        print(f"| {name} | {t} | {med[pp]:.1f} | {ref[pp]:.1f} | {med[pp] / ref[pp]:.2f} "
              f"| {med[tg]:.1f} | {ref[tg]:.1f} | {med[tg] / ref[tg]:.2f} | {100 * bw:.0f} % "
              f"| {info.get('load_to_first_token_ms', 0):.0f} "
              f"| {info.get('peak_rss_bytes', 0) / 1e6:.0f} ({info.get('file_bytes', 0) / 1e6:.0f}) |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(raw, f, indent=1)


if __name__ == "__main__":
    main()

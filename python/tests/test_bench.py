"""odin.bench returns the dictionary `odin bench --json` prints."""
import odin


def test_bench_equals_cli(cli_json, blazeface):
    args = dict(runs=3, warmup=1, threads=2)
    got = odin.bench("face_detection_short_range", **args)
    want = cli_json("bench", "face_detection_short_range", "--runs", 3, "--warmup", 1,
                    "--threads", 2, "--json")
    assert sorted(got) == sorted(want)
    assert sorted(got["latency_ms"]) == sorted(want["latency_ms"])
    # What does not depend on timing is equal.
    for key in ("model", "backend", "threads", "runs", "warmup", "arena_bytes", "weights_bytes",
                "backend_weight_bytes", "released_bytes", "dispatches", "submits", "nodes",
                "conv_fc_macs", "inputs"):
        assert got[key] == want[key], key
    assert [(o["node"], o["op"], o["backend"]) for o in got["ops"]] == \
           [(o["node"], o["op"], o["backend"]) for o in want["ops"]]
    lat = got["latency_ms"]
    assert 0 < lat["min"] <= lat["median"] <= lat["max"]
    assert odin.bench(blazeface, runs=1, warmup=1)["model"] == blazeface.path

"""Four Python threads running four sessions at once give what one gives;
run() releases the GIL, so they overlap."""
import threading

import numpy as np

import odin

RUNS = 50


def inputs(n):
    rng = np.random.default_rng(7)
    return [rng.uniform(-1, 1, (1, 128, 128, 3)).astype(np.float32) for _ in range(n)]


def test_four_sessions_in_four_threads(blazeface):
    xs = inputs(8)
    single = odin.Session(blazeface)
    want = [single.run([x]) for x in xs]
    results = [[] for _ in range(4)]
    errors = []
    start = threading.Barrier(4)

    def worker(k):
        try:
            session = odin.Session(blazeface, threads=1)
            start.wait()
            for r in range(RUNS):
                i = (r + k) % len(xs)
                results[k].append((i, session.run([xs[i]])))
        except Exception as e:  # reported below, with the thread's failure
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for k in range(4):
        assert len(results[k]) == RUNS
        for i, outs in results[k]:
            for a, b in zip(outs, want[i]):
                np.testing.assert_array_equal(a, b)


def test_one_session_shared_by_threads_is_serialised(blazeface):
    xs = inputs(4)
    session = odin.Session(blazeface)
    want = [session.run([x]) for x in xs]
    bad = []

    def worker(k):
        for r in range(20):
            i = (r + k) % len(xs)
            if not all(np.array_equal(a, b) for a, b in zip(session.run([xs[i]]), want[i])):
                bad.append((k, r))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad


def test_pipelines_in_threads(photos):
    want = {p: odin.detect_faces(p) for p in photos}
    got = {}

    def worker(p):
        got[p] = odin.detect_faces(p)

    threads = [threading.Thread(target=worker, args=(p,)) for p in photos]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == want

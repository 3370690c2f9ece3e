"""Reference counts and memory stay level over 1,000 runs (and 1,000 failures)."""
import gc
import sys
import weakref

import numpy as np
import pytest

import odin

RUNS = 1000


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    pytest.fail("no VmRSS in /proc/self/status")


def level(step, runs=RUNS):
    """Runs `step` `runs` times after a warm-up; returns the growth of
    (objects tracked by the GC, RSS bytes)."""
    for _ in range(50):
        step()
    gc.collect()
    objects, rss = len(gc.get_objects()), rss_bytes()
    for _ in range(runs):
        step()
    gc.collect()
    return len(gc.get_objects()) - objects, rss_bytes() - rss


def test_runs_do_not_leak(blazeface):
    session = odin.Session(blazeface)
    x = np.random.default_rng(5).uniform(-1, 1, (1, 128, 128, 3)).astype(np.float32)
    session.run({"input": x})
    gc.collect()
    refs = sys.getrefcount(x), sys.getrefcount(session), sys.getrefcount(blazeface)
    objects, rss = level(lambda: session.run({"input": x}))
    assert (sys.getrefcount(x), sys.getrefcount(session), sys.getrefcount(blazeface)) == refs
    assert objects <= 10, objects
    # 1,000 runs return 2 arrays each (3.6 MB): a leak of them would show.
    assert rss < 1 << 20, rss


def test_output_arrays_are_freed(blazeface):
    session = odin.Session(blazeface)
    x = np.zeros((1, 128, 128, 3), np.float32)
    out = session.run([x])
    alive = [weakref.ref(o) for o in out]
    del out
    assert [r() for r in alive] == [None, None]  # freed with the list, without a collection


def test_failures_do_not_leak(blazeface):
    session = odin.Session(blazeface)
    x = np.zeros((1, 128, 128, 3), np.float64)

    def fail():
        try:
            session.run([x])
        except odin.InvalidArgument:
            pass

    refs = sys.getrefcount(x)
    objects, rss = level(fail)
    assert sys.getrefcount(x) == refs
    assert objects <= 10, objects
    assert rss < 1 << 20, rss


def test_sessions_and_models_are_freed(blazeface):
    with open(blazeface.path, "rb") as f:
        data = f.read()
    refs = sys.getrefcount(data)

    def make():
        odin.Session(odin.Model(data)).run([np.zeros((1, 128, 128, 3), np.float32)])

    objects, rss = level(make, 200)
    assert sys.getrefcount(data) == refs  # the borrowed bytes were let go
    assert objects <= 10, objects
    assert rss < 4 << 20, rss

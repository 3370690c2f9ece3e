"""Each MediaPipe model of the zoo gives, through odin.Session, the outputs
`odin run` gives on the same input (bit for bit: one library, one backend)."""
import json
import os

import numpy as np
import pytest

import odin
from conftest import model_file

ZOO = os.path.join(os.path.dirname(__file__), "..", "..", "models", "zoo.json")
with open(ZOO) as f:
    MODELS = [m["name"] for m in json.load(f)["models"]]


@pytest.mark.parametrize("name", MODELS)
def test_outputs_equal_cli(name, cli, cli_fails, tmp_path):
    path = model_file(name)
    try:
        model = odin.Model(path)
    except odin.Unsupported as e:  # ops odin lacks: the CLI refuses it too, with the same words
        assert cli_fails("run", path, "--output-dir", tmp_path) in str(e)
        return
    rng = np.random.default_rng(len(name))
    inputs = [rng.uniform(-1, 1, t.shape).astype(t.dtype) for t in model.inputs]
    files = []
    for i, x in enumerate(inputs):
        files += ["--input", tmp_path / ("in%d.bin" % i)]
        x.tofile(files[-1])
    cli("run", path, *files, "--output-dir", tmp_path / "out")
    with open(tmp_path / "out" / "meta.json") as f:
        meta = json.load(f)

    outputs = odin.Session(model, backends=["cpu"]).run(inputs)
    assert len(outputs) == len(meta["outputs"]) == len(model.outputs)
    for got, want in zip(outputs, meta["outputs"]):
        assert list(got.shape) == want["shape"]
        assert got.dtype == np.dtype(want["dtype"])
        expected = np.fromfile(tmp_path / "out" / want["file"], dtype=got.dtype)
        np.testing.assert_array_equal(got.ravel(), expected, err_msg=want["name"])


def test_feeds_by_name_and_by_position_agree(blazeface):
    session = odin.Session(blazeface)
    x = np.random.default_rng(1).uniform(-1, 1, (1, 128, 128, 3)).astype(np.float32)
    by_name = session.run({"input": x})
    by_position = session.run((x,))
    for a, b in zip(by_name, by_position):
        np.testing.assert_array_equal(a, b)


def test_outputs_own_their_memory(blazeface):
    session = odin.Session(blazeface)
    rng = np.random.default_rng(2)
    first = session.run([rng.uniform(-1, 1, (1, 128, 128, 3)).astype(np.float32)])
    kept = [o.copy() for o in first]
    session.run([rng.uniform(-1, 1, (1, 128, 128, 3)).astype(np.float32)])
    for o, k in zip(first, kept):
        assert o.flags["OWNDATA"] and o.flags["WRITEABLE"]
        np.testing.assert_array_equal(o, k)  # a later run left them alone


def test_strided_input_is_read_as_its_values(blazeface):
    session = odin.Session(blazeface)
    big = np.random.default_rng(3).uniform(-1, 1, (1, 128, 128, 6)).astype(np.float32)
    view = big[..., ::2]  # not contiguous
    for a, b in zip(session.run([view]), session.run([np.ascontiguousarray(view)])):
        np.testing.assert_array_equal(a, b)


def test_model_from_bytes_and_buffer(blazeface):
    with open(blazeface.path, "rb") as f:
        data = f.read()
    x = np.random.default_rng(4).uniform(-1, 1, (1, 128, 128, 3)).astype(np.float32)
    want = odin.Session(blazeface).run([x])
    for source in (data, bytearray(data), memoryview(data)):
        model = odin.Model(source)
        assert model.path == ""
        assert [(t.name, t.shape, t.dtype) for t in model.inputs] == \
               [(t.name, t.shape, t.dtype) for t in blazeface.inputs]
        for a, b in zip(odin.Session(model).run([x]), want):
            np.testing.assert_array_equal(a, b)


def test_infos(blazeface):
    (inp,) = blazeface.inputs
    assert (inp.name, inp.shape, inp.dtype) == ("input", (1, 128, 128, 3), np.dtype(np.float32))
    assert [t.name for t in blazeface.outputs] == ["regressors", "classificators"]
    assert "TensorInfo(name='input', shape=(1, 128, 128, 3), dtype=float32)" == repr(inp)
    session = odin.Session(blazeface, backends=["cpu"], threads=2)
    assert session.model is blazeface
    assert [t.shape for t in session.outputs] == [(1, 896, 16), (1, 896, 1)]

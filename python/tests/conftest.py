"""Shared fixtures of the Python package's tests (CTest test `python`).

CTest passes the built CLI (ODIN_CLI), the test data folder
(ODIN_TEST_DATA_DIR) and the LLM test model writer (ODIN_WRITE_TEST_LLM);
PYTHONPATH points at the build tree's package. Models come from the model
cache (tools/fetch_models.py).
"""
import json
import os
import subprocess

import pytest

import odin


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail("%s is not set: run these tests through ctest (the CTest test `python`)" % name)
    return value


def _run_cli(*args, stdin=""):
    done = subprocess.run([_env("ODIN_CLI"), *map(str, args)], input=stdin, capture_output=True,
                          text=True)
    return done, "odin " + " ".join(map(str, args))


@pytest.fixture(scope="session")
def cli():
    """Runs the odin CLI (stdin: the text it reads); returns its stdout
    (fails the test on a non-zero exit)."""
    def run(*args, stdin=""):
        done, command = _run_cli(*args, stdin=stdin)
        assert done.returncode == 0, "%s: %s" % (command, done.stderr)
        return done.stdout

    return run


@pytest.fixture(scope="session")
def cli_fails():
    """Runs the odin CLI expecting it to fail; returns its error message."""
    def run(*args, stdin=""):
        done, command = _run_cli(*args, stdin=stdin)
        assert done.returncode != 0, command + " succeeded"
        assert done.stderr.startswith("odin: "), done.stderr
        return done.stderr[len("odin: "):].strip()

    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    return lambda *args: json.loads(cli(*args))


@pytest.fixture(scope="session")
def test_llm(tmp_path_factory):
    """test_llm(name, first_layers=0): the path of an LLM test model
    (tests/llm_test_models.h), written once per session by
    odin_write_test_llm; first_layers > 0 keeps that many layers (a draft
    model sharing the spec's vocabulary)."""
    folder = tmp_path_factory.mktemp("llm")
    written = {}

    def write(name, first_layers=0):
        key = (name, first_layers)
        if key not in written:
            path = str(folder / ("%s-%d.gguf" % (name, first_layers)))
            layers = ["--first-layers", str(first_layers)] if first_layers else []
            subprocess.run([_env("ODIN_WRITE_TEST_LLM"), *layers, name, path], check=True,
                           capture_output=True)
            written[key] = path
        return written[key]

    return write


@pytest.fixture(scope="session")
def data_dir():
    return _env("ODIN_TEST_DATA_DIR")


@pytest.fixture(scope="session")
def photos(data_dir):
    """The bundled photos (tests/data/images)."""
    folder = os.path.join(data_dir, "data", "images")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".jpg"))
    assert names, folder
    return [os.path.join(folder, n) for n in names]


def model_file(name):
    """The cached zoo model `name`; fails naming the fetch command when missing."""
    path = os.path.join(os.environ.get("ODIN_MODEL_DIR") or
                        os.path.expanduser("~/.cache/odin/models"), name + ".tflite")
    if not os.path.exists(path):
        pytest.fail("model %s is not cached: run tools/fetch_models.py %s" % (name, name))
    return path


@pytest.fixture(scope="session")
def blazeface():
    return odin.Model(model_file("face_detection_short_range"))

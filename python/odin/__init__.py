"""odin: on-device ML inference (TFLite models, MediaPipe pipelines, LLMs).

    import numpy as np, odin
    model = odin.Model("face_detection_short_range.tflite")
    print(model.inputs, model.outputs)               # name, shape, dtype
    session = odin.Session(model, backends=["vulkan", "cpu"], threads=2)
    regressors, scores = session.run({"input": np.zeros((1, 128, 128, 3), np.float32)})

    faces = odin.detect_faces("photo.jpg")          # MediaPipe's pipelines
    print(faces[0].score, faces[0].box)

Errors are odin.Error subclasses (odin.errors) carrying the C API's status
and message.
"""
import json as _json
import os as _os

from . import errors
from ._odin import Model, Session, TensorInfo, __version__, load_image
from .errors import (Error, FailedPrecondition, InternalError, InvalidArgument, InvalidModel,
                     IOError, NotFound, OutOfMemory, OutOfRange, Status, Unsupported)
from .llm import LLM, GenerateStats, Stream
from .vision import Box, Face, FaceMesh, Hand, detect_faces, detect_hands, face_mesh
from . import _odin

for _cls in (Model, Session, TensorInfo):
    _cls.__module__ = "odin"  # help() and reprs name the package, not the extension


def bench(model, backends=None, threads=1, runs=50, warmup=5, inputs=None, exact_int8=False):
    """Times a model as `odin bench --json` does and returns the same dictionary.

    model: a .tflite path or zoo name, or an odin.Model loaded from a file.
    backends: a preference list such as ["vulkan", "cpu"] or "vulkan,cpu"
    (default: the CPU). inputs: raw little-endian input files, one per input
    (default: SplitMix64 random floats in [-1, 1], as the reference runners).
    Keys: latency_ms (median, min, p90, max), init_ms, load_ms, first_run_ms,
    arena_bytes, weights_bytes, memory, dispatches, per-op times ("ops"), ...
    """
    if isinstance(model, Model):
        if not model.path:
            raise InvalidArgument("odin.bench: the model was loaded from bytes; pass its path")
        model = model.path
    if backends is None:
        backends = ""
    elif not isinstance(backends, str):
        backends = ",".join(backends)
    files = [_os.fspath(f) for f in (inputs or [])]
    return _json.loads(_odin._bench_json(_os.fspath(model), backends, threads, runs, warmup,
                                         files, exact_int8))


__all__ = ["Model", "Session", "TensorInfo", "LLM", "GenerateStats", "Stream", "bench", "detect_faces", "face_mesh",
           "detect_hands", "load_image", "Box", "Face", "FaceMesh", "Hand", "Error", "Status",
           "InvalidArgument", "NotFound", "InvalidModel", "Unsupported", "OutOfRange", "IOError",
           "InternalError", "OutOfMemory", "FailedPrecondition", "errors", "__version__"]

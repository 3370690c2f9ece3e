"""Failures raise odin.Error subclasses with the C API's status and message,
and never take the interpreter down."""
import numpy as np
import pytest

import odin


def raises(cls, status, fn, *words):
    """Checks the class, status and that the message names what failed."""
    with pytest.raises(cls) as info:
        fn()
    e = info.value
    assert isinstance(e, odin.Error) and e.status == status, (type(e), e.status)
    for w in words:
        assert w in str(e), str(e)
    return e


def test_missing_file(tmp_path):
    e = raises(odin.NotFound, odin.Status.NOT_FOUND,
               lambda: odin.Model(tmp_path / "nope.tflite"), "nope.tflite")
    assert isinstance(e, FileNotFoundError)
    raises(odin.NotFound, odin.Status.NOT_FOUND, lambda: odin.detect_faces(str(tmp_path / "x.jpg")),
           "x.jpg")
    raises(odin.NotFound, odin.Status.NOT_FOUND, lambda: odin.LLM(tmp_path / "x.gguf"), "x.gguf")
    raises(odin.NotFound, odin.Status.NOT_FOUND, lambda: odin.bench(str(tmp_path / "x.tflite")),
           "x.tflite")


def test_bad_model_bytes(tmp_path):
    raises(odin.InvalidModel, odin.Status.INVALID_MODEL, lambda: odin.Model(b"not a model"))
    raises(odin.InvalidModel, odin.Status.INVALID_MODEL, lambda: odin.Model(b"\0" * 4096))
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"TFL3" * 100)
    raises(odin.InvalidModel, odin.Status.INVALID_MODEL, lambda: odin.Model(bad))
    raises(odin.InvalidArgument, odin.Status.INVALID_ARGUMENT, lambda: odin.Model(42), "int")


def test_wrong_dtype_shape_and_names(blazeface):
    session = odin.Session(blazeface)
    x = np.zeros((1, 128, 128, 3), np.float32)
    raises(odin.InvalidArgument, 1, lambda: session.run([x.astype(np.float64)]),
           "float32", "float64")
    raises(odin.InvalidArgument, 1, lambda: session.run([x.astype(">f4")]), "float32")
    raises(odin.InvalidArgument, 1, lambda: session.run([x[0]]), "(1, 128, 128, 3)",
           "(128, 128, 3)")
    raises(odin.InvalidArgument, 1, lambda: session.run({"image": x}), "'image'", "'input'")
    raises(odin.InvalidArgument, 1, lambda: session.run({}), "'input' is missing")
    raises(odin.InvalidArgument, 1, lambda: session.run([x, x]), "1 input")
    raises(odin.InvalidArgument, 1, lambda: session.run([x.tolist()]), "numpy array")
    raises(odin.InvalidArgument, 1, lambda: session.run(x), "list of arrays")
    e = raises(odin.InvalidArgument, 1, lambda: session.run([x[..., :2]]))
    assert isinstance(e, ValueError)
    assert len(session.run([x])) == 2  # still usable


def test_bad_options_and_images(blazeface):
    raises(odin.NotFound, odin.Status.NOT_FOUND,
           lambda: odin.Session(blazeface, backends=["tpu"]), "tpu")
    raises(odin.OutOfRange, odin.Status.OUT_OF_RANGE, lambda: odin.Session(blazeface, threads=0))
    raises(odin.InvalidArgument, 1, lambda: odin.detect_faces(np.zeros((8, 8), np.uint8)),
           "HxWx3")
    raises(odin.InvalidArgument, 1, lambda: odin.detect_faces(np.zeros((8, 8, 3), np.float32)),
           "uint8")
    raises(odin.InvalidArgument, 1, lambda: odin.detect_faces(np.zeros((0, 8, 3), np.uint8)))
    raises(odin.InvalidArgument, 1, lambda: odin.detect_faces(np.zeros((8, 8, 3), np.uint8),
                                                              range="far"), "'far'")
    raises(odin.InvalidArgument, 1, lambda: odin.detect_hands(np.zeros((8, 8, 3), np.uint8),
                                                              model="huge"), "'huge'")


def test_not_an_image(tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    with pytest.raises(odin.Error) as info:
        odin.face_mesh(str(text))
    assert "notes.jpg" in str(info.value)

"""The pipelines' results equal the CLI's JSON (`odin faces|face-mesh|hands
--json`) on the bundled photos. The CLI rounds to 6 decimals."""
import dataclasses

import numpy as np
import pytest

import odin

PIPELINES = {
    "faces_short": (lambda img: odin.detect_faces(img), ["faces"], "faces"),
    "faces_full": (lambda img: odin.detect_faces(img, range="full"),
                   ["faces", "--range", "full"], "faces"),
    "face_mesh": (odin.face_mesh, ["face-mesh"], "faces"),
    "hands_full": (odin.detect_hands, ["hands"], "hands"),
    "hands_lite": (lambda img: odin.detect_hands(img, model="lite"),
                   ["hands", "--model", "lite"], "hands"),
}


def assert_close(got, want, where):
    """Equal structure and strings; numbers within the CLI's rounding."""
    if isinstance(want, dict):
        assert sorted(got) == sorted(want), where
        for key in want:
            assert_close(got[key], want[key], where + "." + key)
    elif isinstance(want, list):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_close(g, w, "%s[%d]" % (where, i))
    elif isinstance(want, str):
        assert got == want, where
    else:
        assert abs(got - want) <= 5e-7 + 1e-9 * abs(want), "%s: %r vs %r" % (where, got, want)


@pytest.mark.parametrize("pipeline", sorted(PIPELINES))
def test_pipeline_equals_cli_json(pipeline, photos, cli_json):
    run, verb, key = PIPELINES[pipeline]
    found_any = False
    for photo in photos:
        want = cli_json(verb[0], photo, *verb[1:], "--json")
        got = [dataclasses.asdict(r) for r in run(photo)]
        assert_close(got, want[key], "%s %s" % (pipeline, photo))
        found_any |= bool(got)
    assert found_any, "no photo gave a result: the comparison would prove nothing"


def test_faces_json_image_size(photos, cli_json):
    want = cli_json("faces", photos[0], "--json")["image"]
    image = odin.load_image(photos[0])
    assert image.shape == (want["height"], want["width"], 3) and image.dtype == np.uint8


def test_array_and_path_give_the_same(photos):
    for photo in photos:
        image = odin.load_image(photo)
        assert odin.detect_faces(image) == odin.detect_faces(photo)
        assert odin.detect_hands(image) == odin.detect_hands(photo)
    strided = np.ascontiguousarray(np.repeat(image, 2, axis=1))[:, ::2]  # a view
    assert odin.detect_hands(strided) == odin.detect_hands(image)


def test_options(photos):
    photo = [p for p in photos if p.endswith("astronaut.jpg")][0]
    assert len(odin.detect_faces(photo)) == 1
    assert odin.detect_faces(photo, min_score=0.999) == []
    assert len(odin.detect_faces(photo, max_faces=1)) == 1
    face = odin.detect_faces(photo)[0]
    assert isinstance(face.box, odin.Box) and len(face.keypoints) == 6
    assert len(odin.face_mesh(photo)[0].landmarks) == 468

"""The vision pipelines: MediaPipe's face detection, face mesh and hands on a
photo, with the fields of the CLI's JSON (`odin faces|face-mesh|hands --json`).

All coordinates are pixels of the image; `z` is MediaPipe's normalised z
times the image width (negative is closer to the camera). Each image is a
first frame (no tracking). Models come from the model cache
(${ODIN_MODEL_DIR:-~/.cache/odin/models}, filled by tools/fetch_models.py)
and are loaded once per process.
"""
import dataclasses
import threading
from typing import List, Tuple

from . import _odin


@dataclasses.dataclass
class Box:
    """An axis-aligned box: top-left corner and size, in pixels."""

    x: float
    y: float
    w: float
    h: float


@dataclasses.dataclass
class Face:
    """A face from detect_faces. keypoints: eye, eye, nose tip, mouth, ear,
    ear (keypoint 0 is the eye on the image's left)."""

    score: float
    box: Box
    keypoints: List[Tuple[float, float]]


@dataclasses.dataclass
class FaceMesh:
    """A face from face_mesh: the detection's score and box, 468 landmarks."""

    score: float
    box: Box
    landmarks: List[Tuple[float, float, float]]


@dataclasses.dataclass
class Hand:
    """A hand from detect_hands: the palm detection's score and box, the
    handedness for an ordinary (not mirrored) photo, 21 landmarks."""

    score: float
    handedness: str
    handedness_score: float
    box: Box
    landmarks: List[Tuple[float, float, float]]


_lock = threading.Lock()
_pipelines = {}


def _pipeline(key, make):
    """One pipeline per kind and option, created on first use."""
    with _lock:
        if key not in _pipelines:
            _pipelines[key] = make()
        return _pipelines[key]


def _with_box(cls, found):
    return [cls(**dict(f, box=Box(**f["box"]))) for f in found]


def detect_faces(image, range="short", min_score=None, max_faces=None) -> List[Face]:  # noqa: A002
    """Faces in `image`, best first (MediaPipe's BlazeFace).

    image: an HxWx3 uint8 RGB numpy array, or the path of a PNG/JPEG/BMP photo.
    range: "short" (faces within ~2 m) or "full" (~5 m).
    min_score: the least score kept (default: MediaPipe's, 0.5 short / 0.6 full).
    max_faces: keep at most this many (default: all).
    """
    detector = _pipeline(("faces", range), lambda: _odin._FaceDetector(range))
    found = detector.detect(image, -1.0 if min_score is None else float(min_score),
                            0 if max_faces is None else int(max_faces))
    return _with_box(Face, found)


def face_mesh(image) -> List[FaceMesh]:
    """468 landmarks per face in `image` (short-range detection, then
    MediaPipe's face landmark model on each rotated face crop)."""
    return _with_box(FaceMesh, _pipeline(("face_mesh",), _odin._FaceMesh).run(image))


def detect_hands(image, model="full") -> List[Hand]:
    """21 landmarks and handedness per hand in `image` (palm detection, then
    the hand landmark model; model "full", MediaPipe's default, or "lite")."""
    pipeline = _pipeline(("hands", model), lambda: _odin._Hands(model))
    return _with_box(Hand, pipeline.run(image))

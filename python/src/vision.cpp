// The vision pipelines (face detection, face mesh, hands) on numpy images or
// photo files, as plain dicts with the CLI's JSON fields (odin/vision.py
// makes them dataclasses). One pipeline object runs on one thread at a
// time; its models are loaded once.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstring>
#include <mutex>
#include <type_traits>

#include "errors.h"
#include "format/model_cache.h"
#include "tensor.h"
#include "vision/face_detection.h"
#include "vision/face_mesh.h"
#include "vision/hands.h"

namespace odin::py {
namespace py = pybind11;

namespace {

// A path (str or os.PathLike) is decoded; an HxWx3 uint8 array is copied.
Image to_image(py::handle image, const char* fn) {
  if (py::isinstance<py::str>(image) || py::hasattr(image, "__fspath__")) {
    const std::string path = py::str(py::module_::import("os").attr("fspath")(image));
    Result<Image> img = [&] {
      py::gil_scoped_release nogil;
      return load_image(path);
    }();
    if (!img.ok()) raise_status(fn, img.status());
    return std::move(*img);
  }
  if (!py::isinstance<py::array>(image))
    raise_error(ODIN_ERROR_INVALID_ARGUMENT, fn,
                "expected an HxWx3 uint8 numpy array or a path, got " +
                    std::string(py::str(py::type::handle_of(image).attr("__name__"))));
  auto array = py::reinterpret_borrow<py::array>(image);
  if (array.ndim() != 3 || array.shape(2) != 3 || !has_dtype(array, ODIN_DTYPE_UINT8))
    raise_error(ODIN_ERROR_INVALID_ARGUMENT, fn,
                "expected an HxWx3 uint8 RGB image, got an array of " +
                    std::string(py::str(array.dtype())) + " and shape " +
                    shape_string({array.shape(), array.shape() + array.ndim()}));
  if (Status s = check_image_size(array.shape(1), array.shape(0), kMaxImagePixels, "the image");
      !s.ok())
    raise_status(fn, s);
  array = py::array::ensure(array, py::array::c_style);
  Image img;
  img.width = static_cast<int>(array.shape(1));
  img.height = static_cast<int>(array.shape(0));
  const auto* p = static_cast<const uint8_t*>(array.data());
  img.rgb.assign(p, p + array.nbytes());
  return img;
}

py::dict box_dict(const Box& b) {
  return py::dict(py::arg("x") = b.xmin, py::arg("y") = b.ymin, py::arg("w") = b.width,
                  py::arg("h") = b.height);
}

template <typename Point>
py::list points_list(const std::vector<Point>& points) {
  py::list out;
  for (const Point& p : points) {
    if constexpr (std::is_same_v<Point, Point3>)
      out.append(py::make_tuple(p.x, p.y, p.z));
    else
      out.append(py::make_tuple(p.x, p.y));
  }
  return out;
}

std::string resolved(const std::string& zoo_name, const char* fn) {
  Result<std::string> path = resolve_model(zoo_name);
  if (!path.ok()) raise_status(fn, path.status());
  return *path;
}

// Runs `pipeline` under its lock with the GIL released.
template <typename P, typename F>
auto run_locked(std::mutex& mutex, P& pipeline, const char* fn, F&& run) {
  auto found = [&] {
    py::gil_scoped_release nogil;
    const std::lock_guard lock(mutex);
    return run(pipeline);
  }();
  if (!found.ok()) raise_status(fn, found.status());
  return std::move(*found);
}

// Creates a pipeline from its factory's Result with the GIL released.
template <typename T, typename F>
T created(const char* fn, F&& create) {
  auto made = [&] {
    py::gil_scoped_release nogil;
    return create();
  }();
  if (!made.ok()) raise_status(fn, made.status());
  return std::move(*made);
}

class FaceDetectorPy {
 public:
  explicit FaceDetectorPy(const std::string& range)
      : range_(parse_range(range)), detector_(created<FaceDetector>("odin.detect_faces", [&] {
          return FaceDetector::create(
              resolved(face_detector_config(range_).model, "odin.detect_faces"), range_);
        })) {}

  py::list detect(py::handle image, float min_score, int max_faces) {
    const Image img = to_image(image, "odin.detect_faces");
    const std::vector<Detection> faces =
        run_locked(mutex_, detector_, "odin.detect_faces",
                   [&](FaceDetector& d) { return d.detect(img, min_score, max_faces); });
    py::list out;
    for (const Detection& f : faces)
      out.append(py::dict(py::arg("score") = f.score, py::arg("box") = box_dict(f.box),
                          py::arg("keypoints") = points_list(f.keypoints)));
    return out;
  }

 private:
  static FaceRange parse_range(const std::string& range) {
    if (range != "short" && range != "full")
      raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.detect_faces",
                  "range must be 'short' or 'full', got '" + range + "'");
    return range == "full" ? FaceRange::kFull : FaceRange::kShort;
  }
  FaceRange range_;
  FaceDetector detector_;
  std::mutex mutex_;
};

class FaceMeshPy {
 public:
  FaceMeshPy()
      : pipeline_(created<FaceMeshPipeline>("odin.face_mesh", [] {
          return FaceMeshPipeline::create(
              resolved(face_detector_config(FaceRange::kShort).model, "odin.face_mesh"),
              resolved(kFaceLandmarkModel, "odin.face_mesh"));
        })) {}

  py::list run(py::handle image) {
    const Image img = to_image(image, "odin.face_mesh");
    const std::vector<FaceLandmarks> faces = run_locked(
        mutex_, pipeline_, "odin.face_mesh", [&](FaceMeshPipeline& p) { return p.run(img); });
    py::list out;
    for (const FaceLandmarks& f : faces)
      out.append(py::dict(py::arg("score") = f.score, py::arg("box") = box_dict(f.box),
                          py::arg("landmarks") = points_list(f.landmarks)));
    return out;
  }

 private:
  FaceMeshPipeline pipeline_;
  std::mutex mutex_;
};

class HandsPy {
 public:
  explicit HandsPy(const std::string& model)
      : pipeline_(created<HandPipeline>("odin.detect_hands", [&] {
          const HandModel m = parse_model(model);
          return HandPipeline::create(resolved(palm_detector_config(m).model, "odin.detect_hands"),
                                      resolved(hand_landmark_model(m), "odin.detect_hands"), m);
        })) {}

  py::list run(py::handle image) {
    const Image img = to_image(image, "odin.detect_hands");
    const std::vector<Hand> hands = run_locked(mutex_, pipeline_, "odin.detect_hands",
                                               [&](HandPipeline& p) { return p.run(img); });
    py::list out;
    for (const Hand& h : hands)
      out.append(py::dict(
          py::arg("score") = h.score,
          py::arg("handedness") = h.handedness == Handedness::kRight ? "right" : "left",
          py::arg("handedness_score") = h.handedness_score, py::arg("box") = box_dict(h.box),
          py::arg("landmarks") = points_list(h.landmarks)));
    return out;
  }

 private:
  static HandModel parse_model(const std::string& model) {
    if (model != "lite" && model != "full")
      raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.detect_hands",
                  "model must be 'full' or 'lite', got '" + model + "'");
    return model == "lite" ? HandModel::kLite : HandModel::kFull;
  }
  HandPipeline pipeline_;
  std::mutex mutex_;
};

}  // namespace

void bind_vision(py::module_& m) {
  m.def(
      "load_image",
      [](py::object path) {
        const Image img = to_image(path, "odin.load_image");
        py::array_t<uint8_t> out({img.height, img.width, 3});
        std::memcpy(out.mutable_data(), img.rgb.data(), img.rgb.size());
        return out;
      },
      py::arg("path"),
      "Decodes a PNG, JPEG or BMP photo into an HxWx3 uint8 RGB numpy array (as the "
      "pipelines and the CLI read it).");
  py::class_<FaceDetectorPy>(m, "_FaceDetector")
      .def(py::init<const std::string&>(), py::arg("range"))
      .def("detect", &FaceDetectorPy::detect, py::arg("image"), py::arg("min_score"),
           py::arg("max_faces"));
  py::class_<FaceMeshPy>(m, "_FaceMesh").def(py::init<>()).def("run", &FaceMeshPy::run);
  py::class_<HandsPy>(m, "_Hands")
      .def(py::init<const std::string&>(), py::arg("model"))
      .def("run", &HandsPy::run);
}

}  // namespace odin::py

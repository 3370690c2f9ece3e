// odin.Model and odin.Session with their Python docs.
#include <pybind11/stl.h>

#include "model.h"

namespace odin::py {
namespace py = pybind11;

void bind_model(py::module_& m) {
  py::class_<Model, std::shared_ptr<Model>>(m, "Model", R"(A loaded .tflite model.

Model(path_or_bytes)

path_or_bytes: a file path (str or os.PathLike), or the model's bytes. A
bytes object is read in place (the model keeps a reference to it); other
buffers (bytearray, memoryview, numpy arrays) are copied.

A model is immutable: any number of threads may create sessions from it.
Raises odin.NotFound (no such file), odin.IOError, odin.InvalidModel (not a
valid .tflite), odin.Unsupported (ops or types odin lacks).)")
      .def(py::init<py::object>(), py::arg("path_or_bytes"))
      .def_property_readonly("inputs", &Model::inputs,
                             "The inputs as declared in the model: a list of TensorInfo.")
      .def_property_readonly("outputs", &Model::outputs,
                             "The outputs as declared in the model: a list of TensorInfo.")
      .def_property_readonly("path", &Model::path, "The file it was loaded from ('' for bytes).")
      .def("__repr__", [](const Model& model) {
        return "<odin.Model " + (model.path().empty() ? std::string("from bytes") : model.path()) +
               ", " + std::to_string(model.inputs().size()) + " input(s), " +
               std::to_string(model.outputs().size()) + " output(s)>";
      });

  py::class_<Session>(m, "Session",
                      R"(One runnable instance of a model: its own memory, inputs and outputs.

Session(model, backends=None, threads=1, fp16=False, exact_int8=False)

model: an odin.Model.
backends: the backend preference, most preferred first, e.g. ["vulkan", "cpu"];
    each node runs on the first listed backend that supports it, backends
    without a device are skipped. None: the build's default order.
threads: CPU worker threads (1 to 256).
fp16: let backends store and compute in float16 (faster, less exact).
exact_int8: int8 layers requantize with TFLite's reference fixed point.

Different sessions (of one model or not) run in parallel on different
threads: run() releases the GIL. Calls on one session are serialised.)")
      .def(py::init<std::shared_ptr<Model>, std::optional<std::vector<std::string>>, int, bool,
                    bool>(),
           py::arg("model"), py::arg("backends") = py::none(), py::arg("threads") = 1,
           py::arg("fp16") = false, py::arg("exact_int8") = false)
      .def("run", &Session::run, py::arg("inputs"),
           R"(Runs the model; returns its outputs as a list of numpy arrays.

inputs: {name: array} or a list of arrays in input order. Each array must
have the input's dtype and shape (see Session.inputs). C-contiguous arrays
are read in place (the session copies them once, into its own memory);
strided views are made contiguous first.

The outputs are new arrays that own their memory (later runs do not change
them). Raises odin.InvalidArgument for a wrong name, dtype or shape.)")
      .def_property_readonly("inputs", &Session::inputs,
                             "The inputs with the session's shapes: a list of TensorInfo.")
      .def_property_readonly("outputs", &Session::outputs,
                             "The outputs with the session's shapes: a list of TensorInfo.")
      .def_property_readonly("model", &Session::model, "The odin.Model it runs.")
      .def("_time_capi_runs", &Session::time_capi_runs, py::arg("inputs"), py::arg("runs"),
           "Seconds `runs` runs take through the C API alone (the overhead benchmark's "
           "baseline).");
}

}  // namespace odin::py

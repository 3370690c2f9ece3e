// The extension module odin._odin; the package odin (odin/__init__.py)
// re-exports it with the Python parts (errors, dataclasses, iterators).
#include <pybind11/pybind11.h>

#include "errors.h"
#include "model.h"
#include "tensor.h"

namespace odin::py {
void bind_vision(pybind11::module_& m);
void bind_bench(pybind11::module_& m);
void bind_llm(pybind11::module_& m);
}  // namespace odin::py

PYBIND11_MODULE(_odin, m) {
  m.doc() = "odin's C++ core for Python; use the package `odin`.";
  m.attr("__version__") = odin_version_string();
  odin::py::bind_errors(m);
  odin::py::bind_tensor_info(m);
  odin::py::bind_model(m);
  odin::py::bind_vision(m);
  odin::py::bind_bench(m);
  odin::py::bind_llm(m);
}

#include "errors.h"

#include "capi/capi_internal.h"

namespace odin::py {

void raise_last(odin_status status) {
  throw Error{status, odin_last_error()};
}

void raise_status(const char* fn, const Status& status) {
  raise_last(capi::fail(fn, status));  // the C API's StatusCode -> odin_status mapping
}

void raise_error(odin_status status, const char* fn, const std::string& message) {
  raise_last(capi::fail(status, fn, message));
}

void bind_errors(pybind11::module_& m) {
  namespace py = pybind11;
  m.def("_status_string", [](int status) { return odin_status_string(odin_status(status)); });
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      // odin.errors is imported by the package before any call can fail.
      py::object exc = py::module_::import("odin.errors")
                           .attr("error_for_status")(static_cast<int>(e.status), e.message);
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    }
  });
}

}  // namespace odin::py

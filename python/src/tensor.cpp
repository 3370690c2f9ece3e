#include "tensor.h"

#include <pybind11/stl.h>

#include "errors.h"

namespace odin::py {
namespace py = pybind11;

namespace {

// numpy's kind letter and item size of each odin dtype.
struct NumpyKind {
  char kind;
  int size;
  const char* name;
};

NumpyKind numpy_kind(odin_dtype dtype) {
  switch (dtype) {
    case ODIN_DTYPE_FLOAT32:
      return {'f', 4, "float32"};
    case ODIN_DTYPE_FLOAT16:
      return {'f', 2, "float16"};
    case ODIN_DTYPE_INT32:
      return {'i', 4, "int32"};
    case ODIN_DTYPE_INT64:
      return {'i', 8, "int64"};
    case ODIN_DTYPE_INT16:
      return {'i', 2, "int16"};
    case ODIN_DTYPE_INT8:
      return {'i', 1, "int8"};
    case ODIN_DTYPE_UINT8:
      return {'u', 1, "uint8"};
    case ODIN_DTYPE_BOOL:
      return {'b', 1, "bool"};
    default:
      return {'?', 0, "unknown"};
  }
}

}  // namespace

TensorInfo to_info(const odin_tensor_info& info) {
  return {info.name, std::vector<int64_t>(info.dims, info.dims + info.rank), info.dtype};
}

py::dtype numpy_dtype(odin_dtype dtype) {
  const NumpyKind k = numpy_kind(dtype);
  if (k.size == 0)
    raise_error(ODIN_ERROR_UNSUPPORTED, "odin", std::string("no numpy dtype for ") + k.name);
  return py::dtype(k.name);
}

bool has_dtype(const py::array& array, odin_dtype dtype) {
  const NumpyKind k = numpy_kind(dtype);
  const py::dtype d = array.dtype();
  const char order = d.byteorder();
  const bool native =
      order == '=' || order == '|' || (order == '<') == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
  return d.kind() == k.kind && d.itemsize() == k.size && native;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + (shape.size() == 1 ? ",)" : ")");
}

void bind_tensor_info(py::module_& m) {
  py::class_<TensorInfo>(m, "TensorInfo",
                         "A model input or output: its name, shape (-1 for a dimension known "
                         "only at run time) and numpy dtype.")
      .def_readonly("name", &TensorInfo::name, "The tensor's name in the model.")
      .def_property_readonly(
          "shape", [](const TensorInfo& t) { return py::tuple(py::cast(t.shape)); },
          "The shape as a tuple of ints.")
      .def_property_readonly(
          "dtype", [](const TensorInfo& t) { return numpy_dtype(t.dtype); }, "A numpy.dtype.")
      .def("__repr__", [](const TensorInfo& t) {
        return "TensorInfo(name='" + t.name + "', shape=" + shape_string(t.shape) +
               ", dtype=" + odin_dtype_name(t.dtype) + ")";
      });
}

}  // namespace odin::py

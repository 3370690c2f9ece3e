// A model's or session's tensor as Python sees it: name, shape, numpy dtype.
#pragma once

#include <pybind11/numpy.h>

#include <string>
#include <vector>

#include "odin/odin.h"

namespace odin::py {

struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;  // ODIN_DYNAMIC_DIM (-1) where unknown
  odin_dtype dtype = ODIN_DTYPE_UNKNOWN;
};

TensorInfo to_info(const odin_tensor_info& info);
// The numpy dtype of an odin dtype (UNSUPPORTED for ODIN_DTYPE_UNKNOWN).
pybind11::dtype numpy_dtype(odin_dtype dtype);
// Whether `array` holds elements of `dtype` in native byte order.
bool has_dtype(const pybind11::array& array, odin_dtype dtype);
// "(1, 128, 128, 3)"
std::string shape_string(const std::vector<int64_t>& shape);

void bind_tensor_info(pybind11::module_& m);

}  // namespace odin::py

// The OpenCL kernels' source: kernels/opencl/*.cl (after the elementwise
// function codes of core/elementwise_fns.h), embedded by cmake/opencl.cmake
// as one program, built by the driver on first use.
#pragma once

#include <string_view>

namespace odin::cl {

std::string_view program_source();

}  // namespace odin::cl

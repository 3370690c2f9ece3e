// The OpenCL ICD loader, opened with dlopen at first use (never linked),
// and the OpenCL 1.2 entry points odin calls, fetched by name. A machine
// without a loader or a platform gets an error here and runs on the CPU.
#pragma once

#include <CL/cl.h>

#include <string>

#include "core/status.h"

namespace odin::cl {

#define ODIN_CL_FUNCTIONS(X)   \
  X(clGetPlatformIDs)          \
  X(clGetPlatformInfo)         \
  X(clGetDeviceIDs)            \
  X(clGetDeviceInfo)           \
  X(clCreateContext)           \
  X(clReleaseContext)          \
  X(clCreateCommandQueue)      \
  X(clReleaseCommandQueue)     \
  X(clCreateBuffer)            \
  X(clReleaseMemObject)        \
  X(clEnqueueWriteBuffer)      \
  X(clEnqueueReadBuffer)       \
  X(clCreateProgramWithSource) \
  X(clCreateProgramWithBinary) \
  X(clBuildProgram)            \
  X(clGetProgramBuildInfo)     \
  X(clGetProgramInfo)          \
  X(clReleaseProgram)          \
  X(clCreateKernel)            \
  X(clReleaseKernel)           \
  X(clSetKernelArg)            \
  X(clGetKernelWorkGroupInfo)  \
  X(clEnqueueNDRangeKernel)    \
  X(clGetEventProfilingInfo)   \
  X(clReleaseEvent)            \
  X(clRetainEvent)             \
  X(clWaitForEvents)           \
  X(clFlush)                   \
  X(clFinish)

// The entry points; the types come from the headers' prototypes.
struct Api {
#define ODIN_CL_DECLARE(name) decltype(&::name) name = nullptr;
  ODIN_CL_FUNCTIONS(ODIN_CL_DECLARE)
#undef ODIN_CL_DECLARE
};

// Opens the loader once per process (ODIN_OPENCL_LOADER overrides the file
// name) and returns its entry points; the library stays loaded.
Result<const Api*> load_opencl();

// "CL_OUT_OF_RESOURCES" and friends, for messages.
const char* cl_error_name(cl_int err);

// An error Status for a failed OpenCL call: "opencl: <what> failed: <code>".
Status cl_error(cl_int err, const std::string& what);

}  // namespace odin::cl

#define ODIN_CL_CHECK(call, what)                                                \
  do {                                                                           \
    const cl_int odin_cl_r_ = (call);                                            \
    if (odin_cl_r_ != CL_SUCCESS) return ::odin::cl::cl_error(odin_cl_r_, what); \
  } while (0)

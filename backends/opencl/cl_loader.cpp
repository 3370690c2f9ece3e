#include "backends/opencl/cl_loader.h"

#include <CL/cl_ext.h>
#include <dlfcn.h>

#include "core/shared_library.h"

namespace odin::cl {
namespace {

struct LoaderState {
  Api api;
  Status status;
};

LoaderState open_loader() {
  LoaderState st;
  // libOpenCL.so.1 on desktop Linux (ocl-icd); Android vendors ship libOpenCL.so.
  std::string tried;
  void* lib = open_shared_library("ODIN_OPENCL_LOADER", {"libOpenCL.so.1", "libOpenCL.so"}, &tried);
  if (!lib) {
    st.status = make_error(StatusCode::kUnsupported, "no OpenCL platform (", tried,
                           " not found; install pocl-opencl-icd or a GPU driver)");
    return st;
  }
#define ODIN_CL_LOAD(name)                                                              \
  st.api.name = reinterpret_cast<decltype(&::name)>(dlsym(lib, #name));                 \
  if (!st.api.name) {                                                                   \
    st.status = make_error(StatusCode::kUnsupported, "the OpenCL loader lacks " #name); \
    return st;                                                                          \
  }
  ODIN_CL_FUNCTIONS(ODIN_CL_LOAD)
#undef ODIN_CL_LOAD
  return st;
}

}  // namespace

Result<const Api*> load_opencl() {
  static const LoaderState state = open_loader();
  if (!state.status.ok()) return state.status;
  return &state.api;
}

const char* cl_error_name(cl_int err) {
  switch (err) {
#define ODIN_CL_ERR(name) \
  case name:              \
    return #name;
    ODIN_CL_ERR(CL_SUCCESS)
    ODIN_CL_ERR(CL_DEVICE_NOT_FOUND)
    ODIN_CL_ERR(CL_DEVICE_NOT_AVAILABLE)
    ODIN_CL_ERR(CL_COMPILER_NOT_AVAILABLE)
    ODIN_CL_ERR(CL_MEM_OBJECT_ALLOCATION_FAILURE)
    ODIN_CL_ERR(CL_OUT_OF_RESOURCES)
    ODIN_CL_ERR(CL_OUT_OF_HOST_MEMORY)
    ODIN_CL_ERR(CL_BUILD_PROGRAM_FAILURE)
    ODIN_CL_ERR(CL_INVALID_VALUE)
    ODIN_CL_ERR(CL_INVALID_PLATFORM)
    ODIN_CL_ERR(CL_INVALID_DEVICE)
    ODIN_CL_ERR(CL_INVALID_CONTEXT)
    ODIN_CL_ERR(CL_INVALID_COMMAND_QUEUE)
    ODIN_CL_ERR(CL_INVALID_MEM_OBJECT)
    ODIN_CL_ERR(CL_INVALID_BINARY)
    ODIN_CL_ERR(CL_INVALID_BUILD_OPTIONS)
    ODIN_CL_ERR(CL_INVALID_PROGRAM)
    ODIN_CL_ERR(CL_INVALID_PROGRAM_EXECUTABLE)
    ODIN_CL_ERR(CL_INVALID_KERNEL_NAME)
    ODIN_CL_ERR(CL_INVALID_KERNEL)
    ODIN_CL_ERR(CL_INVALID_ARG_INDEX)
    ODIN_CL_ERR(CL_INVALID_ARG_VALUE)
    ODIN_CL_ERR(CL_INVALID_ARG_SIZE)
    ODIN_CL_ERR(CL_INVALID_KERNEL_ARGS)
    ODIN_CL_ERR(CL_INVALID_WORK_DIMENSION)
    ODIN_CL_ERR(CL_INVALID_WORK_GROUP_SIZE)
    ODIN_CL_ERR(CL_INVALID_GLOBAL_WORK_SIZE)
    ODIN_CL_ERR(CL_INVALID_BUFFER_SIZE)
    ODIN_CL_ERR(CL_PLATFORM_NOT_FOUND_KHR)
#undef ODIN_CL_ERR
    default:
      return "cl_int (unknown)";
  }
}

Status cl_error(cl_int err, const std::string& what) {
  const StatusCode code = err == CL_MEM_OBJECT_ALLOCATION_FAILURE || err == CL_OUT_OF_RESOURCES ||
                                  err == CL_OUT_OF_HOST_MEMORY
                              ? StatusCode::kOutOfRange
                              : StatusCode::kInternal;
  return make_error(code, "opencl: ", what, " failed: ", cl_error_name(err), " (", err, ")");
}

}  // namespace odin::cl

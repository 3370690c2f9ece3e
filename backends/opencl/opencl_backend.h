// The OpenCL backend: runs whole segments of the graph on one OpenCL device
// (kernels/opencl/*.cl, float32 so far). The ICD loader is opened at first
// use; without a loader, platform or device the backend is unavailable
// (with a reason), never fatal.
#pragma once

#include <memory>

#include "runtime/backend.h"

namespace odin {

std::unique_ptr<Backend> make_opencl_backend();

namespace cl {

struct ContextOptions;
class Context;

}  // namespace cl

// With lower device limits than the device's (tests of what does not fit).
std::unique_ptr<Backend> make_opencl_backend(const cl::ContextOptions& options);

namespace cl {

// The device behind an OpenCL backend once available() is true; else null.
Context* backend_context(Backend& backend);

}  // namespace cl
}  // namespace odin

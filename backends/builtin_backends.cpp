// The backends compiled into this build, in default preference order: GPU
// backends first, CPU last. The one list of them (runtime/backend.h declares
// it); explicit rather than self-registering, so static linking cannot drop
// a backend silently.
#include "backends/cpu/cpu_backend.h"
#include "runtime/backend.h"
#ifdef ODIN_HAVE_VULKAN
#include "backends/vulkan/vulkan_backend.h"
#endif
#ifdef ODIN_HAVE_OPENCL
#include "backends/opencl/opencl_backend.h"
#endif

namespace odin {
namespace {

const BackendEntry kEntries[] = {
#ifdef ODIN_HAVE_VULKAN
    {"vulkan", make_vulkan_backend},
#endif
#ifdef ODIN_HAVE_OPENCL
    {"opencl", make_opencl_backend},
#endif
    {"cpu", make_cpu_backend},
};

}  // namespace

std::span<const BackendEntry> builtin_backend_entries() {
  return kEntries;
}

}  // namespace odin

#include "backends/vulkan/vk_loader.h"

#include <dlfcn.h>

#include "core/shared_library.h"

namespace odin::vk {
namespace {

struct LoaderState {
  InstanceApi api;
  Status status;
};

LoaderState open_loader() {
  LoaderState st;
  // libvulkan.so.1 on desktop Linux; Android ships only libvulkan.so.
  std::string tried;
  void* lib = open_shared_library("ODIN_VULKAN_LOADER", {"libvulkan.so.1", "libvulkan.so"}, &tried);
  if (!lib) {
    st.status = make_error(StatusCode::kUnsupported, "no Vulkan loader (", tried,
                           " not found; install libvulkan1)");
    return st;
  }
  st.api.vkGetInstanceProcAddr =
      reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(lib, "vkGetInstanceProcAddr"));
  if (!st.api.vkGetInstanceProcAddr) {
    st.status =
        make_error(StatusCode::kUnsupported, "the Vulkan loader has no vkGetInstanceProcAddr");
    return st;
  }
#define ODIN_VK_LOAD_GLOBAL(name) \
  st.api.name = reinterpret_cast<PFN_##name>(st.api.vkGetInstanceProcAddr(nullptr, #name));
  ODIN_VK_GLOBAL_FUNCTIONS(ODIN_VK_LOAD_GLOBAL)
#undef ODIN_VK_LOAD_GLOBAL
  if (!st.api.vkCreateInstance || !st.api.vkEnumerateInstanceVersion)
    st.status = make_error(StatusCode::kUnsupported,
                           "the Vulkan loader is older than Vulkan 1.1 (odin needs 1.1)");
  return st;
}

}  // namespace

Result<const InstanceApi*> load_vulkan_loader() {
  static const LoaderState state = open_loader();
  if (!state.status.ok()) return state.status;
  return &state.api;
}

Status load_instance_functions(VkInstance instance, InstanceApi& api) {
#define ODIN_VK_LOAD_INSTANCE(name)                                                    \
  api.name = reinterpret_cast<PFN_##name>(api.vkGetInstanceProcAddr(instance, #name)); \
  if (!api.name) return make_error(StatusCode::kUnsupported, "vulkan: the loader lacks " #name);
  ODIN_VK_INSTANCE_FUNCTIONS(ODIN_VK_LOAD_INSTANCE)
#undef ODIN_VK_LOAD_INSTANCE
  return Status();
}

Status load_device_functions(const InstanceApi& api, VkDevice device, DeviceApi& out) {
#define ODIN_VK_LOAD_DEVICE(name)                                                  \
  out.name = reinterpret_cast<PFN_##name>(api.vkGetDeviceProcAddr(device, #name)); \
  if (!out.name) return make_error(StatusCode::kUnsupported, "vulkan: the driver lacks " #name);
  ODIN_VK_DEVICE_FUNCTIONS(ODIN_VK_LOAD_DEVICE)
#undef ODIN_VK_LOAD_DEVICE
  return Status();
}

const char* vk_result_name(VkResult r) {
  switch (r) {
#define ODIN_VK_RESULT(name) \
  case name:                 \
    return #name;
    ODIN_VK_RESULT(VK_SUCCESS)
    ODIN_VK_RESULT(VK_NOT_READY)
    ODIN_VK_RESULT(VK_TIMEOUT)
    ODIN_VK_RESULT(VK_INCOMPLETE)
    ODIN_VK_RESULT(VK_ERROR_OUT_OF_HOST_MEMORY)
    ODIN_VK_RESULT(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    ODIN_VK_RESULT(VK_ERROR_INITIALIZATION_FAILED)
    ODIN_VK_RESULT(VK_ERROR_DEVICE_LOST)
    ODIN_VK_RESULT(VK_ERROR_MEMORY_MAP_FAILED)
    ODIN_VK_RESULT(VK_ERROR_LAYER_NOT_PRESENT)
    ODIN_VK_RESULT(VK_ERROR_EXTENSION_NOT_PRESENT)
    ODIN_VK_RESULT(VK_ERROR_FEATURE_NOT_PRESENT)
    ODIN_VK_RESULT(VK_ERROR_INCOMPATIBLE_DRIVER)
    ODIN_VK_RESULT(VK_ERROR_TOO_MANY_OBJECTS)
    ODIN_VK_RESULT(VK_ERROR_FORMAT_NOT_SUPPORTED)
    ODIN_VK_RESULT(VK_ERROR_FRAGMENTED_POOL)
    ODIN_VK_RESULT(VK_ERROR_OUT_OF_POOL_MEMORY)
    ODIN_VK_RESULT(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    ODIN_VK_RESULT(VK_ERROR_UNKNOWN)
#undef ODIN_VK_RESULT
    default:
      return "VkResult (unknown)";
  }
}

Status vk_error(VkResult r, const std::string& what) {
  const StatusCode code = r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY
                              ? StatusCode::kOutOfRange
                              : StatusCode::kInternal;
  return make_error(code, "vulkan: ", what, " failed: ", vk_result_name(r));
}

}  // namespace odin::vk

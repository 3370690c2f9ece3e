// The Vulkan loader, opened with dlopen at first use (never linked), and the
// entry points odin calls, fetched by name. A machine without a loader gets
// an error here and runs everything on the CPU.
#pragma once

#include <vulkan/vulkan.h>

#include <string>

#include "core/status.h"

namespace odin::vk {

// Entry points that need no instance.
#define ODIN_VK_GLOBAL_FUNCTIONS(X) \
  X(vkCreateInstance)               \
  X(vkEnumerateInstanceVersion)     \
  X(vkEnumerateInstanceExtensionProperties)

// Entry points fetched with vkGetInstanceProcAddr once an instance exists.
#define ODIN_VK_INSTANCE_FUNCTIONS(X)         \
  X(vkDestroyInstance)                        \
  X(vkEnumeratePhysicalDevices)               \
  X(vkGetPhysicalDeviceProperties)            \
  X(vkGetPhysicalDeviceProperties2)           \
  X(vkGetPhysicalDeviceFeatures2)             \
  X(vkGetPhysicalDeviceQueueFamilyProperties) \
  X(vkGetPhysicalDeviceMemoryProperties)      \
  X(vkEnumerateDeviceExtensionProperties)     \
  X(vkCreateDevice)                           \
  X(vkGetDeviceProcAddr)

// Entry points fetched with vkGetDeviceProcAddr (no dispatch trampoline).
#define ODIN_VK_DEVICE_FUNCTIONS(X) \
  X(vkDestroyDevice)                \
  X(vkGetDeviceQueue)               \
  X(vkDeviceWaitIdle)               \
  X(vkQueueSubmit)                  \
  X(vkQueueWaitIdle)                \
  X(vkCreateBuffer)                 \
  X(vkDestroyBuffer)                \
  X(vkGetBufferMemoryRequirements)  \
  X(vkAllocateMemory)               \
  X(vkFreeMemory)                   \
  X(vkBindBufferMemory)             \
  X(vkMapMemory)                    \
  X(vkUnmapMemory)                  \
  X(vkCreateShaderModule)           \
  X(vkDestroyShaderModule)          \
  X(vkCreatePipelineCache)          \
  X(vkDestroyPipelineCache)         \
  X(vkGetPipelineCacheData)         \
  X(vkCreateComputePipelines)       \
  X(vkDestroyPipeline)              \
  X(vkCreatePipelineLayout)         \
  X(vkDestroyPipelineLayout)        \
  X(vkCreateDescriptorSetLayout)    \
  X(vkDestroyDescriptorSetLayout)   \
  X(vkCreateDescriptorPool)         \
  X(vkDestroyDescriptorPool)        \
  X(vkAllocateDescriptorSets)       \
  X(vkUpdateDescriptorSets)         \
  X(vkCreateCommandPool)            \
  X(vkDestroyCommandPool)           \
  X(vkAllocateCommandBuffers)       \
  X(vkFreeCommandBuffers)           \
  X(vkBeginCommandBuffer)           \
  X(vkEndCommandBuffer)             \
  X(vkCmdBindPipeline)              \
  X(vkCmdBindDescriptorSets)        \
  X(vkCmdPushConstants)             \
  X(vkCmdDispatch)                  \
  X(vkCmdPipelineBarrier)           \
  X(vkCmdCopyBuffer)                \
  X(vkCmdFillBuffer)                \
  X(vkCreateFence)                  \
  X(vkDestroyFence)                 \
  X(vkResetFences)                  \
  X(vkWaitForFences)                \
  X(vkCreateQueryPool)              \
  X(vkDestroyQueryPool)             \
  X(vkCmdResetQueryPool)            \
  X(vkCmdWriteTimestamp)            \
  X(vkGetQueryPoolResults)

struct InstanceApi {
  PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
#define ODIN_VK_DECLARE(name) PFN_##name name = nullptr;
  ODIN_VK_GLOBAL_FUNCTIONS(ODIN_VK_DECLARE)
  ODIN_VK_INSTANCE_FUNCTIONS(ODIN_VK_DECLARE)
};

struct DeviceApi {
  ODIN_VK_DEVICE_FUNCTIONS(ODIN_VK_DECLARE)
#undef ODIN_VK_DECLARE
};

// Opens the loader once per process (ODIN_VULKAN_LOADER overrides the file
// name) and returns its global entry points; the library stays loaded.
Result<const InstanceApi*> load_vulkan_loader();

// Fills the instance-level entry points of `api` for `instance`.
Status load_instance_functions(VkInstance instance, InstanceApi& api);
Status load_device_functions(const InstanceApi& api, VkDevice device, DeviceApi& out);

// A zero-initialised Vulkan struct with its sType set.
template <typename T>
T make_info(VkStructureType type) {
  T s{};
  s.sType = type;
  return s;
}

// "VK_ERROR_OUT_OF_DEVICE_MEMORY" and friends, for messages.
const char* vk_result_name(VkResult r);

// An error Status for a failed Vulkan call: "vulkan: <what>: <VkResult>".
Status vk_error(VkResult r, const std::string& what);

}  // namespace odin::vk

#define ODIN_VK_CHECK(call, what)                                                \
  do {                                                                           \
    const VkResult odin_vk_r_ = (call);                                          \
    if (odin_vk_r_ != VK_SUCCESS) return ::odin::vk::vk_error(odin_vk_r_, what); \
  } while (0)

// One logical Vulkan device odin runs on: the chosen physical device, its
// compute queue, the features enabled (fp16), the driver-bug workarounds
// that apply, and the pipelines made for it. Shared by every executable of
// the backend; created lazily at first use.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/vulkan/vk_driver_bugs.h"
#include "backends/vulkan/vk_instance.h"

namespace odin::vk {

class PipelineRegistry;

struct ContextOptions {
  // Device by index or name substring; empty = ODIN_VULKAN_DEVICE, then the
  // best kind.
  std::string device_choice;
  // Appended to the built-in driver-bug table (tests inject entries here).
  std::vector<DriverBugEntry> extra_driver_bugs;
  // A lower maxStorageBufferRange than the device's (0: the device's), as
  // a smaller device would have: tests of what does not fit.
  uint32_t max_storage_buffer_range = 0;
  // A lower maxComputeSharedMemorySize (0: the device's), as a device
  // with Vulkan's minimum of 16384 bytes would have.
  uint32_t max_shared_memory = 0;
  // A lower maxComputeWorkGroupInvocations (0: the device's), as a device
  // with Vulkan's minimum of 128 would have.
  uint32_t max_workgroup_invocations = 0;
};

class Context {
 public:
  static Result<std::unique_ptr<Context>> create(const ContextOptions& options);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const DeviceApi& api() const { return api_; }
  VkDevice device() const { return device_; }
  // The device's properties (with ContextOptions' lower limits).
  const DeviceInfo& info() const { return info_; }
  const DeviceWorkarounds& workarounds() const { return workarounds_; }
  // fp16 storage and arithmetic are enabled on the device (and not disabled
  // by a workaround); executables use them when reduced precision is allowed.
  bool fp16_enabled() const { return fp16_enabled_; }
  // Kernels may use subgroup arithmetic (the device has it in compute
  // shaders and no workaround turns it off).
  bool subgroups_enabled() const {
    return info_.subgroup_arithmetic && !workarounds_.subgroups_disabled;
  }
  const VkPhysicalDeviceMemoryProperties& memory_properties() const { return memory_; }
  PipelineRegistry& pipelines() { return *pipelines_; }
  uint32_t queue_family() const { return queue_family_; }
  // Names this device, driver and build's shaders for the tuning cache
  // (runtime/kernel_tuning.h): winners measured elsewhere never apply.
  uint64_t tuning_key() const;
  // Bits of a timestamp the queue writes; 0: it writes none (no profiling).
  uint32_t timestamp_bits() const { return timestamp_bits_; }

  // Submits one command buffer and waits for `fence`; queue access is
  // serialised across threads.
  Status submit_and_wait(VkCommandBuffer cb, VkFence fence);
  // The two halves of submit_and_wait: queue cb (signalling fence), and wait.
  Status submit(VkCommandBuffer cb, VkFence fence);
  Status wait(VkFence fence);

 private:
  Context() = default;
  Status create_device(const ContextOptions& options);

  std::unique_ptr<Instance> instance_;
  size_t device_index_ = 0;
  DeviceInfo info_;
  DeviceApi api_;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  uint32_t timestamp_bits_ = 0;
  bool fp16_enabled_ = false;
  DeviceWorkarounds workarounds_;
  VkPhysicalDeviceMemoryProperties memory_{};
  std::unique_ptr<PipelineRegistry> pipelines_;
  std::mutex queue_mu_;
};

}  // namespace odin::vk

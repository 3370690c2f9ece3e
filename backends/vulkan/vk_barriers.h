// Inserts the pipeline barriers a recorded command stream needs, and only
// those: a command that reads or writes bytes an earlier, not yet
// synchronised command wrote (or writes bytes one read) gets one barrier
// first, carrying a buffer memory barrier per pending written range.
// Independent dispatches (disjoint bytes, or reads only) get none.
#pragma once

#include <span>
#include <vector>

#include "backends/vulkan/vk_loader.h"

namespace odin::vk {

struct Access {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0, size = 0;
  bool write = false;
  VkPipelineStageFlags stage = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
  VkAccessFlags access = VK_ACCESS_SHADER_READ_BIT;
};

class BarrierTracker {
 public:
  explicit BarrierTracker(const DeviceApi& api) : api_(api) {}
  // Call before recording a command that makes `accesses`; records a barrier
  // when it depends on pending ones.
  void before(VkCommandBuffer cb, std::span<const Access> accesses);
  // Call after recording it.
  void after(std::span<const Access> accesses);
  // Makes every pending write visible to the host (end of the command buffer).
  void finish_for_host(VkCommandBuffer cb);
  int barriers() const { return barriers_; }

 private:
  void emit(VkCommandBuffer cb, VkPipelineStageFlags dst_stage, VkAccessFlags dst_access);
  const DeviceApi& api_;
  std::vector<Access> pending_;
  int barriers_ = 0;
};

}  // namespace odin::vk

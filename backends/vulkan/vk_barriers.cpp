#include "backends/vulkan/vk_barriers.h"

namespace odin::vk {
namespace {

bool overlap(const Access& a, const Access& b) {
  return a.buffer == b.buffer && a.offset < b.offset + b.size && b.offset < a.offset + a.size;
}

// Later commands may be shaders or transfers; make writes visible to both.
constexpr VkPipelineStageFlags kDeviceStages =
    VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
constexpr VkAccessFlags kDeviceAccess = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                                        VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;

}  // namespace

void BarrierTracker::before(VkCommandBuffer cb, std::span<const Access> accesses) {
  for (const Access& a : accesses)
    for (const Access& p : pending_)
      if ((a.write || p.write) && overlap(a, p)) {
        emit(cb, kDeviceStages, kDeviceAccess);
        return;
      }
}

void BarrierTracker::after(std::span<const Access> accesses) {
  pending_.insert(pending_.end(), accesses.begin(), accesses.end());
}

void BarrierTracker::finish_for_host(VkCommandBuffer cb) {
  emit(cb, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
}

void BarrierTracker::emit(VkCommandBuffer cb, VkPipelineStageFlags dst_stage,
                          VkAccessFlags dst_access) {
  if (pending_.empty()) return;
  // The barrier orders every earlier command before every later one, so all
  // pending accesses are settled once their written ranges are made visible.
  VkPipelineStageFlags src_stage = 0;
  std::vector<VkBufferMemoryBarrier> ranges;
  for (const Access& p : pending_) {
    src_stage |= p.stage;
    if (!p.write) continue;
    auto b = make_info<VkBufferMemoryBarrier>(VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER);
    b.srcAccessMask = p.access;
    b.dstAccessMask = dst_access;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.buffer = p.buffer;
    b.offset = p.offset;
    b.size = p.size;
    ranges.push_back(b);
  }
  api_.vkCmdPipelineBarrier(cb, src_stage, dst_stage, 0, 0, nullptr,
                            static_cast<uint32_t>(ranges.size()), ranges.data(), 0, nullptr);
  pending_.clear();
  ++barriers_;
}

}  // namespace odin::vk

// Command recording: resolved dispatches and copies become descriptor sets
// and one command buffer, with barriers from BarrierTracker.
#pragma once

#include <span>
#include <vector>

#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vk_pipelines.h"

namespace odin::vk {

struct BoundBuffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceSize offset = 0, range = 0;  // what the descriptor binds
  // The bytes this command touches, for dependency tracking; read-only
  // weights are not tracked.
  bool tracked = true;
  VkDeviceSize touch_offset = 0, touch_size = 0;
};

struct Command {
  enum class Kind { kDispatch, kCopy } kind = Kind::kDispatch;
  // kDispatch: binding 0 is written, the others read.
  const Pipeline* pipeline = nullptr;
  std::vector<uint32_t> push;
  std::vector<BoundBuffer> bindings;
  uint32_t groups_x = 1, groups_y = 1;  // none: skipped in this recording
  // kCopy
  VkBuffer src = VK_NULL_HANDLE, dst = VK_NULL_HANDLE;
  VkBufferCopy region{};
};

// Allocates one descriptor set per dispatch from a new pool and writes it.
Result<std::vector<VkDescriptorSet>> make_descriptor_sets(const Context& ctx,
                                                          std::span<const Command> commands,
                                                          VkDescriptorPool* pool);

// Where a profiled recording writes timestamps: query i of `pool` (reset
// at the start) once every command before commands[marks[i]] has finished;
// marks ascend, and commands.size() means after the last one.
struct TimestampMarks {
  VkQueryPool pool = VK_NULL_HANDLE;
  std::span<const size_t> marks;
};

// Records `commands` in order (with `stamps`' timestamps when given);
// returns the number of barriers it needed.
Result<int> record_commands(const Context& ctx, VkCommandBuffer cb,
                            std::span<const Command> commands,
                            std::span<const VkDescriptorSet> sets,
                            const TimestampMarks* stamps = nullptr);

}  // namespace odin::vk

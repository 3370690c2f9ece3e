#include "backends/vulkan/vk_record.h"

#include "backends/vulkan/vk_barriers.h"

namespace odin::vk {

Result<std::vector<VkDescriptorSet>> make_descriptor_sets(const Context& ctx,
                                                          std::span<const Command> commands,
                                                          VkDescriptorPool* pool) {
  const DeviceApi& api = ctx.api();
  uint32_t sets = 0, buffers = 0;
  for (const Command& c : commands)
    if (c.kind == Command::Kind::kDispatch) {
      ++sets;
      buffers += static_cast<uint32_t>(c.bindings.size());
    }
  std::vector<VkDescriptorSet> out;
  if (sets == 0) return out;
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, buffers};
  auto pci = make_info<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
  pci.maxSets = sets;
  pci.poolSizeCount = 1;
  pci.pPoolSizes = &size;
  ODIN_VK_CHECK(api.vkCreateDescriptorPool(ctx.device(), &pci, nullptr, pool),
                "vkCreateDescriptorPool");
  std::vector<VkDescriptorSetLayout> layouts;
  for (const Command& c : commands)
    if (c.kind == Command::Kind::kDispatch) layouts.push_back(c.pipeline->set_layout);
  out.resize(layouts.size());
  auto ai = make_info<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
  ai.descriptorPool = *pool;
  ai.descriptorSetCount = static_cast<uint32_t>(layouts.size());
  ai.pSetLayouts = layouts.data();
  ODIN_VK_CHECK(api.vkAllocateDescriptorSets(ctx.device(), &ai, out.data()),
                "vkAllocateDescriptorSets");

  std::vector<VkDescriptorBufferInfo> infos;
  infos.reserve(buffers);
  std::vector<VkWriteDescriptorSet> writes;
  size_t set = 0;
  for (const Command& c : commands) {
    if (c.kind != Command::Kind::kDispatch) continue;
    for (size_t b = 0; b < c.bindings.size(); ++b) {
      infos.push_back({c.bindings[b].buffer, c.bindings[b].offset, c.bindings[b].range});
      auto w = make_info<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
      w.dstSet = out[set];
      w.dstBinding = static_cast<uint32_t>(b);
      w.descriptorCount = 1;
      w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      w.pBufferInfo = &infos.back();
      writes.push_back(w);
    }
    ++set;
  }
  api.vkUpdateDescriptorSets(ctx.device(), static_cast<uint32_t>(writes.size()), writes.data(), 0,
                             nullptr);
  return out;
}

Result<int> record_commands(const Context& ctx, VkCommandBuffer cb,
                            std::span<const Command> commands,
                            std::span<const VkDescriptorSet> sets, const TimestampMarks* stamps) {
  const DeviceApi& api = ctx.api();
  auto bi = make_info<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  ODIN_VK_CHECK(api.vkBeginCommandBuffer(cb, &bi), "vkBeginCommandBuffer");
  size_t next_stamp = 0;
  // Bottom of pipe: the timestamp waits for every earlier command to finish.
  auto stamp_until = [&](size_t command) {
    if (!stamps) return;
    for (; next_stamp < stamps->marks.size() && stamps->marks[next_stamp] <= command; ++next_stamp)
      api.vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, stamps->pool,
                              static_cast<uint32_t>(next_stamp));
  };
  if (stamps)
    api.vkCmdResetQueryPool(cb, stamps->pool, 0, static_cast<uint32_t>(stamps->marks.size()));
  BarrierTracker tracker(api);
  std::vector<Access> accesses;
  size_t set = 0;
  for (size_t index = 0; index < commands.size(); ++index) {
    const Command& c = commands[index];
    stamp_until(index);
    accesses.clear();
    if (c.kind == Command::Kind::kCopy) {
      accesses.push_back({c.src, c.region.srcOffset, c.region.size, false,
                          VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_READ_BIT});
      accesses.push_back({c.dst, c.region.dstOffset, c.region.size, true,
                          VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT});
      tracker.before(cb, accesses);
      api.vkCmdCopyBuffer(cb, c.src, c.dst, 1, &c.region);
      tracker.after(accesses);
      continue;
    }
    if (c.groups_x == 0 || c.groups_y == 0) {  // not in this run (Dispatch::min_rows)
      ++set;
      continue;
    }
    for (size_t b = 0; b < c.bindings.size(); ++b) {
      const BoundBuffer& bb = c.bindings[b];
      if (!bb.tracked) continue;
      const bool write = b == 0;
      accesses.push_back({bb.buffer, bb.touch_offset, bb.touch_size, write,
                          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                          write ? VK_ACCESS_SHADER_WRITE_BIT : VK_ACCESS_SHADER_READ_BIT});
    }
    tracker.before(cb, accesses);
    api.vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, c.pipeline->pipeline);
    api.vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, c.pipeline->layout, 0, 1,
                                &sets[set++], 0, nullptr);
    if (!c.push.empty())
      api.vkCmdPushConstants(cb, c.pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                             static_cast<uint32_t>(c.push.size() * 4), c.push.data());
    api.vkCmdDispatch(cb, c.groups_x, c.groups_y, 1);
    tracker.after(accesses);
  }
  stamp_until(commands.size());
  tracker.finish_for_host(cb);
  ODIN_VK_CHECK(api.vkEndCommandBuffer(cb), "vkEndCommandBuffer");
  return tracker.barriers();
}

}  // namespace odin::vk

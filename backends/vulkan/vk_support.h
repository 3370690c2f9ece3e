// Which nodes the Vulkan backend runs, and why not when it declines: the
// checks every op shares (dtypes, static shapes, sizes, driver bugs), then
// the op's own (its VkOp entry, vk_lower.h). Weights must be constants;
// constant folding (passes/fold_constants.cpp) makes them so.
#pragma once

#include "backends/vulkan/vk_driver_bugs.h"
#include "runtime/backend.h"

namespace odin::vk {

// `workarounds` and `device` may be null (no device yet: nothing disabled,
// no limits).
Support vulkan_supports(const Graph& graph, const Node& node, const DeviceWorkarounds* workarounds,
                        const DeviceInfo* device = nullptr);

}  // namespace odin::vk

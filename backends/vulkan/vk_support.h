// Which nodes the Vulkan backend runs, and why not when it declines. Nodes
// whose inputs are all constants (e.g. DEQUANTIZE or DENSIFY of weights)
// are accepted: the backend folds them on the host at compile time.
#pragma once

#include "backends/backend.h"
#include "backends/vulkan/vk_driver_bugs.h"

namespace odin::vk {

// Largest constant a fold may produce (bigger ones stay in the graph).
constexpr int64_t kMaxFoldBytes = int64_t{256} << 20;

// True when `v` is a constant, or computed only from constants by nodes
// before it (so it can be folded at compile time).
bool is_constant_foldable(const Graph& graph, ValueId v);

// `workarounds` may be null (no device yet: nothing disabled).
Support vulkan_supports(const Graph& graph, const Node& node, const DeviceWorkarounds* workarounds);

}  // namespace odin::vk

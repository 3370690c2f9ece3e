// Kernel fusion across nodes of one segment: a zero PAD read by exactly one
// CONV_2D / DEPTHWISE_CONV_2D (spatial padding only) or elementwise binary op
// (same shape as its output) costs no dispatch and no memory; the consumer
// reads the unpadded tensor and treats the padding as zeros.
#pragma once

#include <array>
#include <map>
#include <set>
#include <span>

#include "core/graph.h"

namespace odin::vk {

struct FusedPad {
  ValueId source = kNoValue;        // the PAD's input
  std::array<int64_t, 4> before{};  // leading padding, right-aligned to 4 dims
};

// PAD outputs the segment fuses into their consumer. `needed_outside`: values
// read outside the segment (those must be materialised).
std::map<ValueId, FusedPad> plan_pad_fusion(const Graph& graph, std::span<const NodeId> segment,
                                            const std::set<ValueId>& needed_outside);

}  // namespace odin::vk

#include "backends/vulkan/vk_fuse.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace odin::vk {
namespace {

// The PAD's [rank, 2] paddings, or empty if they are not a constant.
std::vector<int64_t> paddings(const Graph& g, const Node& pad) {
  const Value& p = g.value(pad.inputs[1]);
  if (!p.is_constant() || (p.dtype != DType::kI32 && p.dtype != DType::kI64)) return {};
  std::vector<int64_t> out(static_cast<size_t>(p.shape.num_elements()));
  for (size_t i = 0; i < out.size(); ++i) {
    if (p.dtype == DType::kI32) {
      int32_t v;
      std::memcpy(&v, p.data + 4 * i, 4);
      out[i] = v;
    } else {
      std::memcpy(&out[i], p.data + 8 * i, 8);
    }
  }
  return out;
}

bool fusable_into(const Graph& g, const Node& consumer, ValueId padded,
                  const std::vector<int64_t>& pads) {
  const Shape& in = g.value(padded).shape;
  switch (consumer.op) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
      // Spatial zero padding is what the conv does at its borders anyway.
      return consumer.inputs[0] == padded && in.rank() == 4 && pads[0] == 0 && pads[1] == 0 &&
             pads[6] == 0 && pads[7] == 0 &&
             std::count(consumer.inputs.begin(), consumer.inputs.end(), padded) == 1;
    ODIN_CASE_BINARY_OPS:
      return consumer.inputs.size() == 2 && consumer.inputs[0] != consumer.inputs[1] &&
             in.rank() <= 4 && g.value(consumer.outputs[0]).shape == in;
    default:
      return false;
  }
}

}  // namespace

std::map<ValueId, FusedPad> plan_pad_fusion(const Graph& g, std::span<const NodeId> segment,
                                            const std::set<ValueId>& needed_outside) {
  std::map<ValueId, std::vector<NodeId>> readers;  // within the segment
  for (NodeId n : segment)
    for (ValueId v : g.node(n).inputs)
      if (v != kNoValue) readers[v].push_back(n);
  std::map<ValueId, FusedPad> fused;
  for (NodeId n : segment) {
    const Node& pad = g.node(n);
    if (pad.op != OpType::kPad || pad.inputs.size() < 2 || pad.outputs.size() != 1) continue;
    const ValueId out = pad.outputs[0];
    const Value& src = g.value(pad.inputs[0]);
    if (src.is_constant() || needed_outside.count(out) || src.shape.rank() > 4) continue;
    const auto it = readers.find(out);
    if (it == readers.end() || it->second.size() != 1) continue;
    const std::vector<int64_t> pads = paddings(g, pad);
    if (pads.size() != 2 * src.shape.rank()) continue;
    if (!fusable_into(g, g.node(it->second[0]), out, pads)) continue;
    FusedPad f;
    f.source = pad.inputs[0];
    const size_t rank = src.shape.rank();
    for (size_t d = 0; d < rank; ++d) f.before[4 - rank + d] = pads[2 * d];
    fused[out] = f;
  }
  return fused;
}

}  // namespace odin::vk

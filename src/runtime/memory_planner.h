// Lifetime-based activation arena: every non-constant value gets an offset in
// one buffer; values whose lifetimes do not overlap share bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/graph.h"

namespace odin {

struct MemoryPlan {
  static constexpr size_t kNoOffset = SIZE_MAX;
  std::vector<size_t> offsets;  // per value; kNoOffset for constants/unused
  size_t arena_bytes = 0;
  int in_place = 0;  // values that reuse a dying input's bytes
};

// Alignment of every arena offset (fits AVX-512 loads).
constexpr size_t kArenaAlignment = 64;

// Elementwise ops whose output may take over the bytes of an input that dies
// at that node (same shape and dtype): every kernel reads element i before it
// writes element i, so updating in place is safe.
bool may_alias_input(OpType op);

// Graph inputs live for the whole run (and keep their bytes between runs),
// graph outputs to the end. Greedy
// best-fit by size, largest first (as TFLite's arena planner does), with two
// rules on top:
//  - in place: an elementwise node's output shares the bytes of an input
//    that dies there (may_alias_input), never of a graph input (they must
//    survive repeated runs);
//  - a PAD whose only reader passes may_fold_pad keeps its input alive until
//    that reader, so a backend may fold the padding into the reader and read
//    the unpadded input there.
Result<MemoryPlan> plan_memory(const Graph& graph);

// Whether a backend may fold the PAD producing `pad_output` into `reader`
// (its only reader): a CONV_2D / DEPTHWISE_CONV_2D reading it as the image,
// or an ADD (a residual branch padded with zero channels).
bool may_fold_pad(const Node& reader, ValueId pad_output);

}  // namespace odin

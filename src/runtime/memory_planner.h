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
  int in_place = 0;  // values that reuse an input's bytes
};

// Alignment of every arena offset (fits AVX-512 loads).
constexpr size_t kArenaAlignment = 64;

// Graph inputs live for the whole run (and keep their bytes between runs),
// graph outputs to the end. Values are placed by core/arena_plan (greedy
// best fit, largest first), after two sharing rules from the ops'
// definitions (OpDef::output_reuse):
//  - elementwise: the output takes over the bytes of an input of the same
//    dtype and shape that dies at the node, never of a graph input (they
//    must survive repeated runs);
//  - view (RESHAPE, SQUEEZE): the output is its input's bytes, so the
//    kernel's copy is a no-op.
// `off_host` (per value, or empty): persistent state a backend keeps in
// memory of its own (Backend::keeps_state); it gets no arena bytes.
Result<MemoryPlan> plan_memory(const Graph& graph, const std::vector<bool>& off_host = {});

}  // namespace odin

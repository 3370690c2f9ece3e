// What a GPU backend needs to know about a segment before it plans device
// memory, whatever the API: which values come in (read here, made
// elsewhere), which go out (made here, read elsewhere or graph outputs), and
// each buffer's lifetime in steps, where a value that aliases another
// (RESHAPE) shares its root's buffer. The Vulkan and OpenCL executables plan
// their arenas from it (core/arena_plan.h).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "core/graph.h"

namespace odin {

struct SegmentValues {
  std::vector<ValueId> inputs;   // in first-use order
  std::vector<ValueId> outputs;  // in node order
  // Root value -> first and last step using it, inclusive: inputs from step
  // -1 (written before the first node), outputs until step segment.size().
  std::map<ValueId, std::pair<int32_t, int32_t>> life;
};

// The value whose memory `v` shares (itself when it aliases none).
ValueId alias_root(const std::map<ValueId, ValueId>& alias_of, ValueId v);

// used[s]: the values step s (segment[s]) reads or writes on the device;
// alias_of: output -> the input whose memory it shares.
SegmentValues segment_values(const Graph& graph, std::span<const NodeId> segment,
                             const std::vector<std::vector<ValueId>>& used,
                             const std::map<ValueId, ValueId>& alias_of);

}  // namespace odin

// Assigns every node to a backend in the user's preference order, records
// why each preferred backend declined it, and groups contiguous nodes of one
// backend into segments.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "core/graph.h"

namespace odin {

struct Segment {
  Backend* backend = nullptr;
  std::vector<NodeId> nodes;
};

struct Schedule {
  std::vector<Backend*> node_backend;      // per node
  std::vector<std::string> node_fallback;  // per node: why earlier backends declined ("" if none)
  std::vector<Segment> segments;           // in execution order
  std::vector<std::string> notes;          // e.g. "vulkan: skipped, no device"
};

// An empty preference means the build's default order. Unknown names are an
// error; unavailable backends are skipped with a note.
Result<Schedule> schedule_graph(const Graph& graph, std::span<const std::string> preference);

// Splits "vulkan,cpu" into names.
std::vector<std::string> parse_backend_list(const std::string& list);

}  // namespace odin

// Assigns every node to a backend in the user's preference order, records
// why each preferred backend declined it, and groups contiguous nodes of one
// backend into segments.
//
// Rules, in order:
//  1. First fit: a node goes to the first available backend (in preference
//     order) whose supports() accepts it; the reasons of those that declined
//     are kept per node and shown on fallback. Backends decline only for
//     capability (op, dtype, attribute, driver bug), never for cost, so a
//     small node stranded between two GPU segments (a RESHAPE, an ADD)
//     already stays on the GPU whenever the GPU can run it; when the GPU
//     declines it must fall back, and does. A node with a placement (Node::
//     placement, one of the requested backends) tries that backend first.
//  2. Constant-only nodes are normally gone by then: constant folding
//     computed them (passes/fold_constants.cpp). Those left (folding off, or
//     over its byte budget) GPU backends decline, with the weights they feed,
//     and the CPU runs them.
// Segments exchange tensors through the session's host arena: a value
// crossing a boundary is written there once by its producer's segment and
// read once by each consuming segment. A segment waits only for the
// segments it reads from (Executable::start/finish), so a GPU segment's
// queued work overlaps the CPU segments after it that do not need it.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/graph.h"
#include "runtime/backend.h"

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

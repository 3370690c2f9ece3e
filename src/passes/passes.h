// Graph rewrites run when a session is created, before scheduling: each pass
// lives in its own file; this is the list and its order.
#pragma once

#include "core/graph.h"

namespace odin {

struct PassOptions {
  bool optimize = true;  // false: run the graph exactly as imported
};

Status run_passes(Graph& graph, const PassOptions& options);

}  // namespace odin

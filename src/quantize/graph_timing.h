// Per-node latency of a rewritten graph on this machine, from a session's
// profile (Session::node_times_ms), attributed to the prepared graph's nodes.
#pragma once

#include <vector>

#include "core/graph.h"
#include "quantize/output_error.h"
#include "runtime/session.h"

namespace odin {

struct GraphTiming {
  double total_ms = 0;          // the fastest run, wall clock, not profiled
  std::vector<double> node_ms;  // per node of `prepared`: its fastest time
  double conversion_ms = 0;     // the conversions the rewrite added, together
};

// Runs `built` (a build_mixed_graph of `prepared`) `runs` times after one
// warm-up; the least time of each node is kept, as the least disturbed by
// the rest of the machine. The conversions the rewrite added (QUANTIZE /
// DEQUANTIZE) are summed apart. Nodes the session's passes removed take 0:
// a PAD folded into a convolution, an ADD fused into the convolution that
// computes one operand (passes/fuse_add.cpp), whose whole time, addition
// included, goes to the convolution (source_nodes): the node whose
// precision decides whether the fusion happens (float32 only) and which
// does the work.
Result<GraphTiming> time_graph(const Graph& prepared, const Graph& built, const Sample& sample,
                               SessionOptions options, int runs);

}  // namespace odin

// A Session runs one graph: it owns the activation arena, takes inputs, runs
// every node and exposes outputs. One session is used by one thread at a
// time; many sessions may share one (immutable) source graph.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"
#include "runtime/backend.h"
#include "runtime/memory_planner.h"
#include "runtime/scheduler.h"

namespace odin {

struct SessionOptions {
  // Backend preference ("vulkan", "cpu"); empty = the build's default.
  std::vector<std::string> backends;
  int num_threads = 1;
  bool allow_reduced_precision = false;
  // Run the fusion passes and optimized kernels; false runs the imported
  // graph on the reference kernels (the oracle).
  bool optimize = true;
  // Compute constant-only nodes (DEQUANTIZE of fp16 weights, ...) once at
  // creation; bit-identical to computing them per run. GPU backends need
  // constant weights, so with this off they run less of a model.
  bool fold_constants = true;
  bool profile = true;  // record per-node times on each run
  // A model whose activations need more than this is refused at creation,
  // so a hostile file cannot make the app allocate gigabytes.
  size_t max_arena_bytes = size_t{2} << 30;
};

// What a session's creation freed: constant bytes nothing reads any more.
struct ReleaseStats {
  size_t unused_bytes = 0;  // constants no node reads after the passes (e.g. fp16 sources)
  size_t copied_bytes = 0;  // constants every reading backend copied or repacked
};

class Session {
 public:
  // Copies `graph`'s structure (constants stay borrowed from its storage).
  static Result<std::unique_ptr<Session>> create(const Graph& graph,
                                                 const SessionOptions& options = {});
  ~Session();

  size_t num_inputs() const { return graph_.inputs().size(); }
  size_t num_outputs() const { return graph_.outputs().size(); }
  const Value& input_info(size_t i) const { return graph_.value(graph_.inputs()[i]); }
  const Value& output_info(size_t i) const { return graph_.value(graph_.outputs()[i]); }

  // Changes input i's shape; shapes are re-inferred, the passes rerun and
  // memory re-planned. Inputs set before must be set again.
  Status resize_input(size_t i, const Shape& shape);
  // Copies `bytes` bytes of input i (must equal its size, in its dtype).
  Status set_input(size_t i, const void* data, size_t bytes);
  // Runs the graph. Fails if an input was never set.
  Status run();
  // Valid until the next run, resize or the session's end.
  ConstTensorView output(size_t i) const;

  // The graph as it runs (after the passes).
  const Graph& graph() const { return graph_; }
  size_t arena_bytes() const { return plan_.arena_bytes; }
  const ReleaseStats& release_stats() const { return released_; }
  // Weights the backends keep in their own form (repacked, uploaded).
  size_t backend_weight_bytes() const;
  // Milliseconds per node in the last run (empty if profiling is off).
  const std::vector<double>& node_times_ms() const { return node_ms_; }
  // The backend that runs node n, and why earlier backends declined it.
  std::string_view node_backend(size_t n) const { return schedule_.node_backend[n]->name(); }
  const std::string& node_fallback(size_t n) const { return schedule_.node_fallback[n]; }
  const Schedule& schedule() const { return schedule_; }
  // Dispatch and submit counts of the last run.
  const RunStats& run_stats() const { return stats_; }

 private:
  class Bindings;
  class Release;
  Session() = default;
  Status build();
  Status prepare();
  Status compile();
  ConstTensorView view(ValueId v) const;
  TensorView mutable_view(ValueId v);

  Graph source_;  // as given (inputs resized): the passes start from it on every build
  Graph graph_;   // as it runs
  SessionOptions options_;
  MemoryPlan plan_;
  Schedule schedule_;
  std::vector<std::unique_ptr<Executable>> executables_;  // one per segment
  RunStats stats_;
  ReleaseStats released_;
  std::shared_ptr<uint8_t> arena_;
  std::vector<bool> input_set_;
  std::vector<double> node_ms_;
};

}  // namespace odin

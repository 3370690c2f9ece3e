// A Session runs one graph: it owns the activation arena, takes inputs, runs
// every node and exposes outputs. One session is used by one thread at a
// time; many sessions may share one (immutable) source graph.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"
#include "passes/passes.h"
#include "runtime/backend.h"
#include "runtime/memory_planner.h"
#include "runtime/scheduler.h"
#include "runtime/shared_weights.h"

namespace odin {

struct SessionOptions {
  // Backend preference ("vulkan", "cpu"); empty = the build's default.
  std::vector<std::string> backends;
  int num_threads = 1;
  bool allow_reduced_precision = false;
  // Int8 layers requantize with TFLite's reference fixed-point arithmetic,
  // bit for bit (slower). Off (the default): in float32 as XNNPACK, TFLite's
  // default CPU path, so a few elements per layer land one int8 step from
  // the reference.
  bool exact_int8 = false;
  // Let backends rearrange weights into layouts of their own at creation
  // (faster kernels; the file's pages of them are then dropped). Off: they
  // read the weights where they lie, for the quickest load and the least
  // memory (an LLM's quantized matrices: about 1.5x slower decoding).
  bool repack_weights = true;
  // Repacked weights are kept here and shared with every session created
  // with the same object (null: this session packs its own). Entries are
  // found by the constants' addresses: use one object for the sessions of
  // one source graph (one model), and let it die with that graph.
  std::shared_ptr<SharedWeights> shared_weights;
  // Run the fusion passes and optimized kernels; false runs the imported
  // graph on the reference kernels (the oracle).
  bool optimize = true;
  // Compute constant-only nodes (DEQUANTIZE of fp16 weights, ...) once at
  // creation; bit-identical to computing them per run. GPU backends need
  // constant weights, so with this off they run less of a model.
  bool fold_constants = true;
  // Record per-node times on each run (node_times_ms). Off by default: on a
  // GPU it records timestamp queries or profiling events around every node.
  bool profile = false;
  // GPU kernels' tile and work-group choices (runtime/kernel_tuning.h):
  // kCached uses the winners `odin tune` stored for this device, kMissing
  // measures the layer shapes not stored yet at creation, kAll all of them.
  TuneMode tune = TuneMode::kCached;
  int tune_candidate = -1;  // CompileOptions::tune_candidate (tests)
  // A model whose activations need more than this is refused at creation,
  // so a hostile file cannot make the app allocate gigabytes.
  size_t max_arena_bytes = size_t{2} << 30;
  // Constant folding stops at this many bytes of folded constants; nodes
  // past it run per inference (a schedule note says so).
  size_t max_fold_bytes = kDefaultMaxFoldBytes;
  // Block-wise weight loading (runtime/weight_blocks.h): with a budget, at
  // most about this many bytes of weights are resident at once: each run
  // loads the blocks of nodes in turn and frees them after, so a model
  // bigger than the budget still runs (slower: every run packs its weights
  // again). 0: every weight stays resident (the default).
  size_t max_weight_bytes = 0;
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

  size_t num_inputs() const { return graph().inputs().size(); }
  size_t num_outputs() const { return graph().outputs().size(); }
  const Value& input_info(size_t i) const { return graph().value(graph().inputs()[i]); }
  const Value& output_info(size_t i) const { return graph().value(graph().outputs()[i]); }

  // Changes input i's shape; shapes are re-inferred, the passes rerun and
  // memory re-planned. Inputs set before must be set again. On failure the
  // session keeps running with its previous shapes (safely), and remembers
  // the requested one: resizing another input may then make them agree.
  Status resize_input(size_t i, const Shape& shape);
  // Sets the size of dim symbol `name` (Graph::dim_symbols) for the next
  // runs: 1 to its maximum; no planning happens. Set it before the inputs,
  // whose sizes follow it. Every symbol starts at its maximum.
  Status set_dim(std::string_view name, int64_t value);
  int64_t dim(std::string_view name) const;
  // Copies `bytes` bytes of input i (must equal its size, in its dtype, at
  // the current dim sizes).
  Status set_input(size_t i, const void* data, size_t bytes);
  // Runs the graph. Fails if an input was never set.
  Status run();
  // Valid until the next run, resize or the session's end.
  ConstTensorView output(size_t i) const;
  // Value v's shape in this run (its planned shape with dim symbols set).
  Shape run_shape(ValueId v) const;

  // The graph as it runs (after the passes).
  const Graph& graph() const { return *built_.graph; }
  size_t arena_bytes() const { return built_.plan.arena_bytes; }
  const ReleaseStats& release_stats() const { return built_.released; }
  // Weights the backends keep in their own form (repacked, uploaded).
  size_t backend_weight_bytes() const;
  // The storage precision the segments run in: "fp32", "fp16" (every
  // segment), or "fp16+fp32" (some, e.g. a GPU's beside the CPU's).
  std::string precision() const;
  // Milliseconds per node in the last run (empty if profiling is off).
  const std::vector<double>& node_times_ms() const { return node_ms_; }
  // The backend that runs node n, and why earlier backends declined it.
  std::string_view node_backend(size_t n) const { return built_.schedule.node_backend[n]->name(); }
  const std::string& node_fallback(size_t n) const { return built_.schedule.node_fallback[n]; }
  const Schedule& schedule() const { return built_.schedule; }
  // Dispatch and submit counts of the last run.
  const RunStats& run_stats() const { return stats_; }

 private:
  class Bindings;
  class Release;
  // Everything made from the source graph; built whole, then swapped in.
  struct Built {
    std::unique_ptr<Graph> graph;  // as it runs; executables refer to it
    MemoryPlan plan;
    std::shared_ptr<uint8_t> arena;
    Schedule schedule;
    ReleaseStats released;
    std::vector<std::unique_ptr<Executable>> executables;  // one per segment
    // Per segment, the earlier segments whose outputs it reads: it waits
    // for those (a device's queued work) and overlaps the others.
    std::vector<std::vector<size_t>> reads_from;
    bool blockwise = false;  // max_weight_bytes: segments are compiled per run
  };
  Status run_blockwise(HostBindings& io);
  Status run_overlapped(HostBindings& io);
  CompileOptions compile_options(ConstantTracker* constants) const;
  Session() = default;
  Result<Built> build(const Graph& source) const;
  void commit(Built built);
  ConstTensorView view(ValueId v) const;
  TensorView mutable_view(ValueId v);

  Graph source_;  // as given (inputs resized): the passes start from it on every build
  SessionOptions options_;
  Built built_;
  RunStats stats_;
  std::vector<bool> input_set_;
  std::vector<int64_t> dim_values_;  // per graph().dim_symbols()
  std::vector<double> node_ms_;
};

}  // namespace odin

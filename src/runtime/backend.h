// The backend interface: a backend says per node whether it can run it, and
// compiles a contiguous segment of nodes into an Executable. Building and
// compiling do no model math; Executable::run does.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"
#include "runtime/shared_weights.h"

namespace odin {

// Whether a backend can run a node; why_not is shown to users on fallback
// ("vulkan: PRELU with per-element alpha not supported").
struct Support {
  bool ok = true;
  std::string why_not;
  static Support yes() { return {}; }
  static Support no(std::string why) { return {false, std::move(why)}; }
};

// Hears from a backend's compile which constants it copied into memory of
// its own (repacked, uploaded), so the session can free the graph's bytes of
// a constant once no compiled node reads them at run time.
class ConstantTracker {
 public:
  virtual ~ConstantTracker() = default;
  // `node`'s compiled form keeps its own copy of constant input `value` and
  // will not read the graph's bytes of it again. Call it after the last read.
  virtual void copied(NodeId node, ValueId value) = 0;
};

// Per-device kernel tuning (runtime/kernel_tuning.h): whether compiling
// measures tile and work-group candidates, or only reads the tuning cache.
enum class TuneMode : uint8_t {
  kCached,   // use the cached winners, defaults elsewhere; measures nothing
  kMissing,  // measure the layer shapes the cache lacks, then use the winners
  kAll,      // measure every layer shape again
};

struct CompileOptions {
  int num_threads = 1;
  bool allow_reduced_precision = false;     // fp16 storage/arithmetic allowed
  bool exact_int8 = false;                  // SessionOptions::exact_int8
  bool repack_weights = true;               // SessionOptions::repack_weights
  SharedWeights* shared_weights = nullptr;  // SessionOptions::shared_weights
  bool optimize = true;  // false: the plain reference kernels only (SessionOptions::optimize)
  ConstantTracker* constants = nullptr;  // may be null
  TuneMode tune = TuneMode::kCached;     // SessionOptions::tune
  // >= 0: every tunable kernel uses its candidate of this index (the last
  // when it has fewer), whatever the cache says; for tests and tuning.
  int tune_candidate = -1;
};

// Host memory of every value in the session's arena (and constants).
class HostBindings {
 public:
  virtual ~HostBindings() = default;
  virtual ConstTensorView input(ValueId v) const = 0;
  virtual TensorView output(ValueId v) = 0;
};

struct RunStats {
  int dispatches = 0;  // kernels launched (GPU) or nodes run (CPU)
  int submits = 0;     // queue submissions (GPU)
};

class Executable {
 public:
  virtual ~Executable() = default;
  // Reads the segment's inputs from `io` and writes its outputs there.
  // node_ms, when not empty, has one slot per segment node for its time.
  virtual Status run(HostBindings& io, std::span<double> node_ms, RunStats& stats) = 0;
  // run() in two halves, so the session can overlap a device's work with
  // the host's: start() reads the inputs and queues the work, finish()
  // waits for it and writes the outputs. Between the two, the session runs
  // only segments that do not read this one's outputs (the memory plan
  // keeps those bytes live until their readers, so nothing else writes
  // them). A backend that computes on the calling thread runs whole in
  // start(); each start() is followed by one finish() before the next.
  virtual Status start(HostBindings& io, RunStats& stats) { return run(io, {}, stats); }
  virtual Status finish(HostBindings& /*io*/) { return Status(); }
  // Bytes of weights the executable keeps in memory of its own (repacked
  // on the host, or uploaded to a device).
  virtual size_t weight_bytes() const { return 0; }
  // Whether it stores values in fp16 (reduced precision was allowed and
  // the backend took it); its arithmetic may still be fp32.
  virtual bool reduced_precision() const { return false; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  // Lazy; a missing driver or device is `false` (with a reason), never a crash.
  virtual bool available() = 0;
  virtual std::string unavailable_reason() const { return {}; }
  virtual Support supports(const Graph& graph, const Node& node) const = 0;
  // The backend keeps the persistent state `node` reads and writes
  // (Value::persistent: an LLM's KV cache) in memory of its own across
  // runs, and no other node uses it: the session's host arena holds none
  // of it. Asked only of nodes the backend supports.
  virtual bool keeps_state(const Graph& /*graph*/, const Node& /*node*/) const { return false; }
  // `segment`: node ids in execution order, all supported by this backend.
  virtual Result<std::unique_ptr<Executable>> compile(const Graph& graph,
                                                      std::span<const NodeId> segment,
                                                      const CompileOptions& options) = 0;
};

// The process-wide instance of a backend by name ("cpu", "vulkan"), or null
// if odin was built without it. Instances are created on first use.
Backend* find_backend(std::string_view name);
// Names of the backends this build has, in default preference order.
std::vector<std::string> built_backends();
// Adds a backend of the application's (a plugin, or a test's deliberately
// broken one) under its name(), for find_backend and SessionOptions::
// backends; it lives as long as the process. Refused: a built-in's name or
// one registered already.
Status register_backend(std::unique_ptr<Backend> backend);

// The backends compiled into this build, in default preference order (GPU
// backends first, CPU last). Defined by the backends layer
// (backends/builtin_backends.cpp), the one place that lists them: the
// runtime knows backends only through this interface and never includes one.
struct BackendEntry {
  const char* name;
  std::unique_ptr<Backend> (*make)();
};
std::span<const BackendEntry> builtin_backend_entries();

}  // namespace odin

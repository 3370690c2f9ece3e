// A compiled OpenCL segment: one device buffer of the storage type holding
// the weights (uploaded once, at compile) and then the activation arena
// (planned by lifetimes, core/arena_plan.h), one int32 buffer laid out the
// same way for int32 constants and run-time values (indices, token ids:
// int32 whatever the storage), one byte buffer likewise for byte constants
// and int8/uint8 values (cl_quant.h), one parameter buffer for every launch, and
// one kernel object per launch with its arguments set at compile. start()
// copies the inputs to host staging, enqueues their writes, the launches
// and the output reads on the context's in-order queue and flushes it
// without waiting; finish() waits for the last read's event. run() is the
// two; a profiled run uses the context's profiling queue and times each
// launch by its event.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "backends/opencl/cl_context.h"
#include "runtime/backend.h"
#include "runtime/kernel_tuning.h"

namespace odin::cl {

// Counts fixed at compile (the same every run).
struct ExecutableStats {
  int launches = 0;       // kernels enqueued per run
  int aliased_nodes = 0;  // RESHAPE-like nodes that cost nothing
  uint64_t arena_bytes = 0, weight_bytes = 0;
  bool fp16 = false;                 // binary16 storage (reduced precision allowed)
  std::vector<std::string> kernels;  // each launch's kernel, in order
};

class OpenCLExecutable final : public Executable {
 public:
  static Result<std::unique_ptr<OpenCLExecutable>> compile(Context& ctx, const Graph& graph,
                                                           std::span<const NodeId> segment,
                                                           const CompileOptions& options,
                                                           TuneChooser& chooser);
  ~OpenCLExecutable() override;
  Status run(HostBindings& io, std::span<double> node_ms, RunStats& stats) override;
  Status start(HostBindings& io, RunStats& stats) override;
  Status finish(HostBindings& io) override;
  const ExecutableStats& stats() const { return stats_; }
  size_t weight_bytes() const override { return stats_.weight_bytes; }
  bool reduced_precision() const override { return stats_.fp16; }

 private:
  // The buffer a value lives in: the memory buffer (floats, in the storage
  // precision), the int32 buffer, or the byte buffer (int8/uint8).
  enum class Store : uint8_t { kMemory, kInts, kBytes };
  // A segment input or output: its bytes at `offset` in its store and at
  // `staging` in the host staging of its direction (both in the storage
  // precision; the host's are float32); int32 and int8/uint8 values are
  // copied as they are.
  struct Transfer {
    ValueId value;
    size_t offset = 0, bytes = 0, staging = 0, elems = 0;
    Store store = Store::kMemory;
    bool floats() const { return store == Store::kMemory; }
  };
  struct Enqueued {
    cl_kernel kernel;
    size_t global, local;  // global: work items rounded up to whole groups
    size_t node;           // its node's index in the segment
  };
  class Builder;  // the steps of compile() (cl_executable.cpp)

  explicit OpenCLExecutable(Context& ctx) : ctx_(ctx) {}
  // Enqueues one run on `q` (launch i's event to launch_events[i] when not
  // empty) and flushes it; done_ is the last command's event.
  Status start(HostBindings& io, cl_command_queue q, std::span<cl_event> launch_events,
               RunStats& stats);
  Status enqueue(HostBindings& io, cl_command_queue q, std::span<cl_event> launch_events);
  cl_mem buffer(Store store) const;

  Context& ctx_;
  cl_mem memory_ = nullptr, ints_ = nullptr, bytes_ = nullptr, params_ = nullptr;
  std::vector<Enqueued> launches_;
  std::vector<Transfer> inputs_, outputs_;
  // The inputs' bytes, copied at start(): the session may reuse the host
  // memory before the queued writes read it. Outputs are read straight
  // into the host's memory, which stays theirs until their readers.
  // With fp16 storage the inputs are converted into it and the outputs
  // read into staging_out_, converted to float32 at finish().
  std::vector<uint8_t> staging_in_, staging_out_;
  cl_event done_ = nullptr;          // the started run's last command; null: none in flight
  std::vector<double> node_weight_;  // share of the segment's time per node
  ExecutableStats stats_;
};

}  // namespace odin::cl

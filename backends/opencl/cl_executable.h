// A compiled OpenCL segment: one device buffer holding the weights
// (uploaded once, at compile) and then the activation arena (planned by
// lifetimes, core/arena_plan.h), one parameter buffer for every launch, and
// one kernel object per launch with its arguments set at compile. A run
// enqueues the input writes, the launches and the output reads on the
// context's in-order queue and waits once (clFinish); a profiled run uses
// the context's profiling queue and times each launch by its event.
#pragma once

#include <memory>
#include <span>
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
};

class OpenCLExecutable final : public Executable {
 public:
  static Result<std::unique_ptr<OpenCLExecutable>> compile(Context& ctx, const Graph& graph,
                                                           std::span<const NodeId> segment,
                                                           const CompileOptions& options,
                                                           TuneChooser& chooser);
  ~OpenCLExecutable() override;
  Status run(HostBindings& io, std::span<double> node_ms, RunStats& stats) override;
  const ExecutableStats& stats() const { return stats_; }
  size_t weight_bytes() const override { return stats_.weight_bytes; }

 private:
  // A segment input or output: its bytes at `offset` in the memory buffer.
  struct Transfer {
    ValueId value;
    size_t offset, bytes;
  };
  struct Enqueued {
    cl_kernel kernel;
    size_t global, local;  // global: work items rounded up to whole groups
    size_t node;           // its node's index in the segment
  };
  class Builder;  // the steps of compile() (cl_executable.cpp)

  explicit OpenCLExecutable(Context& ctx) : ctx_(ctx) {}

  Context& ctx_;
  cl_mem memory_ = nullptr, params_ = nullptr;
  std::vector<Enqueued> launches_;
  std::vector<Transfer> inputs_, outputs_;
  std::vector<double> node_weight_;  // share of the segment's time per node
  ExecutableStats stats_;
};

}  // namespace odin::cl

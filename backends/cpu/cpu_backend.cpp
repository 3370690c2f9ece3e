#include "backends/cpu/cpu_backend.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <unordered_map>

#include "backends/cpu/cpu_op.h"
#include "backends/cpu/cpu_shared_weights.h"
#include "core/thread_pool.h"
#include "kernels/cpu/aligned_buffer.h"
#include "ops/op_def.h"

namespace odin {
namespace {

struct Step {
  NodeId node = -1;
  std::unique_ptr<CpuOp> op;  // null: the reference kernel
};

class CpuExecutable final : public Executable {
 public:
  // Starts the workers and picks each node's kernel (weights repacked into
  // this executable, on the workers). Reference kernels are single-threaded:
  // no workers when no node has an optimized kernel.
  CpuExecutable(const Graph& graph, std::span<const NodeId> segment, const CompileOptions& options)
      : graph_(graph) {
    steps_.resize(segment.size());
    for (size_t i = 0; i < segment.size(); ++i) steps_[i].node = segment[i];
    const int threads = std::max(1, options.num_threads);
    pool_ = std::make_unique<ThreadPool>(options.optimize ? threads : 1);
    CpuOpContext ctx{graph_, threads, &arena_, &scratch_, options.repack_weights, pool_.get()};
    ctx.exact_int8 = options.exact_int8;
    if (options.shared_weights)
      ctx.shared = &options.shared_weights->state<CpuSharedWeights>("cpu");
    bool any_optimized = false;
    for (Step& step : steps_) {
      if (!options.optimize) break;
      // Empty outputs go to run_reference, which skips them.
      if (writes_no_elements(graph_, graph_.node(step.node))) continue;
      step.op = make_cpu_op(ctx, graph_.node(step.node));
      if (!step.op) continue;
      any_optimized = true;
      if (options.constants)
        for (ValueId v : step.op->copied_constants) options.constants->copied(step.node, v);
    }
    if (!any_optimized) pool_ = std::make_unique<ThreadPool>(1);  // no idle workers
  }

  size_t weight_bytes() const override { return arena_.bytes(); }

  Status run(HostBindings& io, std::span<double> node_ms, RunStats& stats) override {
    for (size_t i = 0; i < steps_.size(); ++i) {
      const Step& step = steps_[i];
      const auto t0 = std::chrono::steady_clock::now();
      if (step.op) {
        ins_.clear();
        outs_.clear();
        for (ValueId v : step.op->reads) ins_.push_back(io.input(v));
        for (ValueId v : step.op->writes) outs_.push_back(io.output(v));
        step.op->run(ins_, outs_, *pool_);
      } else {
        const Node& node = graph_.node(step.node);
        ins_.clear();
        outs_.clear();
        for (ValueId v : node.inputs)
          ins_.push_back(v == kNoValue ? ConstTensorView{} : io.input(v));
        for (ValueId v : node.outputs) outs_.push_back(io.output(v));
        Status s = run_reference(graph_, node, ins_, outs_);
        if (!s.ok()) return s.with_context(graph_.describe_node(step.node));
      }
      if (!node_ms.empty())
        node_ms[i] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
      ++stats.dispatches;
    }
    return Status();
  }

 private:
  const Graph& graph_;          // owned by the session, outlives this executable
  cpu::WeightArena arena_;      // the steps' repacked weights
  cpu::SharedScratch scratch_;  // per-run scratch the steps share
  std::vector<Step> steps_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<ConstTensorView> ins_;
  std::vector<TensorView> outs_;
};

class CpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }
  bool available() override { return true; }
  Support supports(const Graph&, const Node&) const override { return Support::yes(); }
  Result<std::unique_ptr<Executable>> compile(const Graph& graph, std::span<const NodeId> segment,
                                              const CompileOptions& options) override {
    return std::unique_ptr<Executable>(new CpuExecutable(graph, segment, options));
  }
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() {
  return std::make_unique<CpuBackend>();
}

}  // namespace odin

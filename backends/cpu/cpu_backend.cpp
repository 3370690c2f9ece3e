#include "backends/cpu/cpu_backend.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <unordered_map>

#include "backends/cpu/cpu_op.h"
#include "core/thread_pool.h"
#include "kernels/cpu/aligned_buffer.h"
#include "kernels/reference/reference.h"
#include "runtime/memory_planner.h"

namespace odin {
namespace {

struct Step {
  NodeId node = -1;
  std::unique_ptr<CpuOp> op;  // null: the reference kernel
  bool folded = false;        // a PAD folded into the conv that reads it
};

class CpuExecutable final : public Executable {
 public:
  CpuExecutable(const Graph& graph, std::unique_ptr<cpu::WeightArena> arena,
                std::vector<Step> steps, int num_threads)
      : graph_(graph), arena_(std::move(arena)), steps_(std::move(steps)), pool_(num_threads) {}

  Status run(HostBindings& io, std::span<double> node_ms, RunStats& stats) override {
    for (size_t i = 0; i < steps_.size(); ++i) {
      const Step& step = steps_[i];
      if (step.folded) {
        if (!node_ms.empty()) node_ms[i] = 0.0;
        continue;
      }
      const auto t0 = std::chrono::steady_clock::now();
      if (step.op) {
        in_ptrs_.clear();
        out_ptrs_.clear();
        for (ValueId v : step.op->reads) in_ptrs_.push_back(io.input(v).data);
        for (ValueId v : step.op->writes) out_ptrs_.push_back(io.output(v).data);
        step.op->run(in_ptrs_, out_ptrs_, pool_);
      } else {
        const Node& node = graph_.node(step.node);
        ins_.clear();
        outs_.clear();
        for (ValueId v : node.inputs)
          ins_.push_back(v == kNoValue ? ConstTensorView{} : io.input(v));
        for (ValueId v : node.outputs) outs_.push_back(io.output(v));
        Status s = ref::run_node(graph_, node, ins_, outs_);
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
  const Graph& graph_;                       // owned by the session, outlives this executable
  std::unique_ptr<cpu::WeightArena> arena_;  // the steps' repacked weights
  std::vector<Step> steps_;
  ThreadPool pool_;
  std::vector<ConstTensorView> ins_;
  std::vector<TensorView> outs_;
  std::vector<const void*> in_ptrs_;
  std::vector<void*> out_ptrs_;
};

// Readers of every value (node inputs, counted per use) and graph outputs.
std::vector<int> reader_counts(const Graph& graph) {
  std::vector<int> readers(graph.num_values(), 0);
  for (const Node& n : graph.nodes())
    for (ValueId v : n.inputs)
      if (v != kNoValue) ++readers[static_cast<size_t>(v)];
  for (ValueId v : graph.outputs()) ++readers[static_cast<size_t>(v)];
  return readers;
}

std::vector<Step> plan_steps(const Graph& graph, std::span<const NodeId> segment,
                             const CompileOptions& options, cpu::WeightArena* arena) {
  std::vector<Step> steps(segment.size());
  for (size_t i = 0; i < segment.size(); ++i) steps[i].node = segment[i];
  if (!options.optimize) return steps;

  const CpuOpContext ctx{graph, std::max(1, options.num_threads), arena};
  std::unordered_map<ValueId, size_t> pad_step;  // PAD output -> its step
  const std::vector<int> readers = reader_counts(graph);
  for (size_t i = 0; i < segment.size(); ++i) {
    const Node& node = graph.node(segment[i]);
    if (node.op == OpType::kPad && node.outputs.size() == 1 && readers[node.outputs[0]] == 1)
      pad_step[node.outputs[0]] = i;
  }
  // The PAD step (in this segment) whose output `reader` may read unpadded.
  auto foldable_pad = [&](const Node& reader) -> std::optional<size_t> {
    for (ValueId v : reader.inputs) {
      auto it = pad_step.find(v);
      if (it != pad_step.end() && may_fold_pad(reader, v)) return it->second;
    }
    return std::nullopt;
  };
  for (size_t i = 0; i < segment.size(); ++i) {
    const Node& node = graph.node(segment[i]);
    // A PAD whose only reader is a conv or an ADD is folded into it; the
    // memory planner keeps the PAD's input alive until that reader
    // (may_fold_pad) for exactly this.
    if (const auto p = foldable_pad(node)) {
      const Node& pad_node = graph.node(segment[*p]);
      FoldedPad pad;
      if (node.op == OpType::kAdd)
        steps[i].op = make_channel_pad_add_op(ctx, node, pad_node);
      else if (spatial_pad_of(graph, pad_node, &pad))
        steps[i].op = make_conv_op(ctx, node, &pad);
      if (steps[i].op) {
        steps[*p].folded = true;
        steps[*p].op.reset();
        continue;
      }
    }
    steps[i].op = make_cpu_op(ctx, node);
  }
  return steps;
}

class CpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }
  bool available() override { return true; }
  Support supports(const Graph&, const Node&) const override { return Support::yes(); }
  Result<std::unique_ptr<Executable>> compile(const Graph& graph, std::span<const NodeId> segment,
                                              const CompileOptions& options) override {
    auto arena = std::make_unique<cpu::WeightArena>();
    std::vector<Step> steps = plan_steps(graph, segment, options, arena.get());
    // Reference kernels are single-threaded: no workers without optimized ops.
    const bool any_op =
        std::any_of(steps.begin(), steps.end(), [](const Step& s) { return !!s.op; });
    return std::unique_ptr<Executable>(new CpuExecutable(
        graph, std::move(arena), std::move(steps), any_op ? std::max(1, options.num_threads) : 1));
  }
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() {
  return std::make_unique<CpuBackend>();
}

}  // namespace odin

#include "backends/cpu/cpu_backend.h"

#include <chrono>

#include "kernels/reference/reference.h"

namespace odin {
namespace {

class CpuExecutable final : public Executable {
 public:
  CpuExecutable(const Graph& graph, std::vector<NodeId> nodes)
      : graph_(graph), nodes_(std::move(nodes)) {}

  Status run(HostBindings& io, std::span<double> node_ms, RunStats& stats) override {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node& node = graph_.node(nodes_[i]);
      ins_.clear();
      outs_.clear();
      for (ValueId v : node.inputs) ins_.push_back(v == kNoValue ? ConstTensorView{} : io.input(v));
      for (ValueId v : node.outputs) outs_.push_back(io.output(v));
      const auto t0 = std::chrono::steady_clock::now();
      Status s = ref::run_node(graph_, node, ins_, outs_);
      if (!s.ok()) return s.with_context(graph_.describe_node(nodes_[i]));
      if (!node_ms.empty())
        node_ms[i] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
      ++stats.dispatches;
    }
    return Status();
  }

 private:
  const Graph& graph_;  // owned by the session, outlives this executable
  std::vector<NodeId> nodes_;
  std::vector<ConstTensorView> ins_;
  std::vector<TensorView> outs_;
};

class CpuBackend final : public Backend {
 public:
  std::string_view name() const override { return "cpu"; }
  bool available() override { return true; }
  Support supports(const Graph&, const Node&) const override { return Support::yes(); }
  Result<std::unique_ptr<Executable>> compile(const Graph& graph, std::span<const NodeId> segment,
                                              const CompileOptions&) override {
    return std::unique_ptr<Executable>(
        new CpuExecutable(graph, std::vector<NodeId>(segment.begin(), segment.end())));
  }
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() {
  return std::make_unique<CpuBackend>();
}

}  // namespace odin

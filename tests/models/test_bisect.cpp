// `bisect_model` (odin bisect) finds a deliberately broken kernel: a test
// backend whose ADD adds 0.5 too much runs BlazeFace's ADDs (everything else
// falls back to the CPU); the first ADD is reported, ran on that backend,
// and is wrong alone. The CPU backend, against the same reference, is clean.
#include <gtest/gtest.h>

#include <memory>

#include "bench/bisect.h"
#include "format/tflite/tflite_importer.h"
#include "runtime/backend.h"
#include "test_util.h"

namespace odin {
namespace {

constexpr const char* kBroken = "test_broken_add";

class BrokenAdd final : public Executable {
 public:
  BrokenAdd(const Graph& g, std::span<const NodeId> segment)
      : g_(g), nodes_(segment.begin(), segment.end()) {}
  Status run(HostBindings& io, std::span<double>, RunStats& stats) override {
    for (NodeId id : nodes_) {
      const Node& n = g_.node(id);
      const ConstTensorView a = io.input(n.inputs[0]), b = io.input(n.inputs[1]);
      const TensorView y = io.output(n.outputs[0]);
      for (int64_t i = 0; i < y.num_elements(); ++i)
        y.as<float>()[i] = a.as<float>()[i] + b.as<float>()[i] + 0.5f;  // the bug
      ++stats.dispatches;
    }
    return Status();
  }

 private:
  const Graph& g_;
  std::vector<NodeId> nodes_;
};

class BrokenAddBackend final : public Backend {
 public:
  std::string_view name() const override { return kBroken; }
  bool available() override { return true; }
  Support supports(const Graph& g, const Node& n) const override {
    if (n.op != OpType::kAdd || n.inputs.size() != 2) return Support::no("only ADD");
    const auto* attrs = std::get_if<BinaryAttrs>(&n.attrs);
    if (!attrs || attrs->activation != Activation::kNone || attrs->operand_pad.active())
      return Support::no("only a plain ADD");
    const Value &a = g.value(n.inputs[0]), &b = g.value(n.inputs[1]), &y = g.value(n.outputs[0]);
    if (a.dtype != DType::kF32 || a.shape != y.shape || b.shape != y.shape || b.dtype != a.dtype)
      return Support::no("only same-shape float32");
    return Support::yes();
  }
  Result<std::unique_ptr<Executable>> compile(const Graph& g, std::span<const NodeId> segment,
                                              const CompileOptions&) override {
    return std::unique_ptr<Executable>(std::make_unique<BrokenAdd>(g, segment));
  }
};

Graph blazeface() {
  auto g = load_tflite_file(test::model_path("face_detection_short_range"));
  EXPECT_TRUE(g.ok()) << g.status().to_string() << " (fetch the models: tools/fetch_models.py)";
  return g.ok() ? std::move(*g) : Graph{};
}

TEST(Bisect, FindsADeliberatelyBrokenKernel) {
  static const bool registered = register_backend(std::make_unique<BrokenAddBackend>()).ok();
  ASSERT_TRUE(registered);
  const Graph g = blazeface();
  ASSERT_GT(g.num_nodes(), 0u);
  NodeId first_add = -1;
  for (size_t n = 0; n < g.num_nodes() && first_add < 0; ++n)
    if (g.node(static_cast<NodeId>(n)).op == OpType::kAdd) first_add = static_cast<NodeId>(n);
  ASSERT_GE(first_add, 0);
  BisectOptions options;
  options.backend = kBroken;
  auto r = bisect_model(g, options);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  ASSERT_TRUE(r->found);
  EXPECT_EQ(r->node, first_add);
  EXPECT_EQ(r->op, "ADD");
  EXPECT_EQ(r->ran_on, kBroken);
  EXPECT_TRUE(r->wrong_alone);
  EXPECT_NEAR(r->max_abs, 0.5, 1e-3);
  ASSERT_EQ(r->want.size(), r->got.size());
  ASSERT_FALSE(r->want.empty());
}

TEST(Bisect, TheCpuBackendIsClean) {
  BisectOptions options;
  options.backend = "cpu";
  auto r = bisect_model(blazeface(), options);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_FALSE(r->found) << "node " << r->node << " " << r->op << " rel_range " << r->rel_range;
  EXPECT_GT(r->nodes, 50u);
}

TEST(Bisect, RegisteringABuiltInNameIsRefused) {
  struct Named final : public Backend {
    std::string_view name() const override { return "cpu"; }
    bool available() override { return true; }
    Support supports(const Graph&, const Node&) const override { return Support::no("none"); }
    Result<std::unique_ptr<Executable>> compile(const Graph&, std::span<const NodeId>,
                                                const CompileOptions&) override {
      return make_error(StatusCode::kInternal, "never");
    }
  };
  const Status s = register_backend(std::make_unique<Named>());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("built-in"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace odin

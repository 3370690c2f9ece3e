// A session overlaps a device's queued work with the host's: it waits for a
// segment (Executable::finish) only before a segment that reads its outputs.
// A test backend acts as a device: it computes ADD at start() into memory
// of its own and writes the output only at finish(), so a session that read
// too early would see stale bytes. Node placement picks the backend first.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "graph_builder.h"
#include "runtime/backend.h"
#include "runtime/session.h"

namespace odin {
namespace {

constexpr const char* kDeferred = "test_deferred_add";

std::vector<std::string>& events() {
  static std::vector<std::string> log;
  return log;
}

class DeferredAdd final : public Executable {
 public:
  DeferredAdd(const Graph& g, std::span<const NodeId> segment)
      : g_(g), nodes_(segment.begin(), segment.end()) {}
  Status run(HostBindings& io, std::span<double>, RunStats& stats) override {
    ODIN_RETURN_IF_ERROR(start(io, stats));
    return finish(io);
  }
  Status start(HostBindings& io, RunStats& stats) override {
    events().push_back(str_cat("start ", g_.node(nodes_.front()).name));
    results_.clear();
    for (NodeId id : nodes_) {
      const Node& n = g_.node(id);
      const ConstTensorView a = io.input(n.inputs[0]), b = io.input(n.inputs[1]);
      std::vector<float> y(static_cast<size_t>(a.num_elements()));
      for (size_t i = 0; i < y.size(); ++i) y[i] = a.as<float>()[i] + b.as<float>()[i];
      results_.push_back(std::move(y));
      ++stats.dispatches;
    }
    return Status();
  }
  Status finish(HostBindings& io) override {
    events().push_back(str_cat("finish ", g_.node(nodes_.front()).name));
    for (size_t k = 0; k < nodes_.size(); ++k) {
      const TensorView y = io.output(g_.node(nodes_[k]).outputs[0]);
      std::copy(results_[k].begin(), results_[k].end(), y.as<float>());
    }
    return Status();
  }

 private:
  const Graph& g_;
  std::vector<NodeId> nodes_;
  std::vector<std::vector<float>> results_;
};

class DeferredAddBackend final : public Backend {
 public:
  std::string_view name() const override { return kDeferred; }
  bool available() override { return true; }
  Support supports(const Graph& g, const Node& n) const override {
    if (n.op != OpType::kAdd) return Support::no("only ADD");
    const Value &a = g.value(n.inputs[0]), &b = g.value(n.inputs[1]);
    if (a.shape != b.shape || a.is_constant() || b.is_constant())
      return Support::no("only same-shape activations");
    return Support::yes();
  }
  Result<std::unique_ptr<Executable>> compile(const Graph& g, std::span<const NodeId> segment,
                                              const CompileOptions&) override {
    return std::unique_ptr<Executable>(std::make_unique<DeferredAdd>(g, segment));
  }
};

void register_deferred() {
  static const bool registered = register_backend(std::make_unique<DeferredAddBackend>()).ok();
  ASSERT_TRUE(registered);
}

// a = x + x (device), m = x * x (host), b = m + m (device), y = a * b (host).
Graph two_device_parts() {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape{1, 8});
  const ValueId a = m.node(OpType::kAdd, {x, x}, BinaryAttrs{});
  const ValueId sq = m.node(OpType::kMul, {x, x}, BinaryAttrs{});
  const ValueId b = m.node(OpType::kAdd, {sq, sq}, BinaryAttrs{});
  const ValueId y = m.node(OpType::kMul, {a, b}, BinaryAttrs{});
  Graph g = m.finish({y});
  const char* names[] = {"a", "m", "b", "y"};
  for (size_t n = 0; n < g.num_nodes(); ++n) g.mutable_nodes()[n].name = names[n];
  return g;
}

std::unique_ptr<Session> session_of(const Graph& g) {
  SessionOptions o;
  o.backends = {kDeferred, "cpu"};
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  return s.ok() ? std::move(s).value() : nullptr;
}

std::vector<float> run(Session& s, const std::vector<float>& x) {
  EXPECT_TRUE(s.set_input(0, x.data(), x.size() * sizeof(float)).ok());
  const Status st = s.run();
  EXPECT_TRUE(st.ok()) << st.to_string();
  const ConstTensorView y = s.output(0);
  return {y.as<float>(), y.as<float>() + y.num_elements()};
}

TEST(SessionOverlap, WaitsOnlyForTheSegmentsASegmentReads) {
  register_deferred();
  const Graph g = two_device_parts();
  std::unique_ptr<Session> s = session_of(g);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->schedule().segments.size(), 4u);
  EXPECT_EQ(s->node_backend(0), kDeferred);
  EXPECT_EQ(s->node_backend(1), "cpu");
  events().clear();
  const std::vector<float> x = {1, -2, 3, 0.5f, -1, 2, 4, -3};
  const std::vector<float> y = run(*s, x);
  ASSERT_EQ(y.size(), x.size());
  for (size_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(y[i], (x[i] + x[i]) * (2 * x[i] * x[i]));
  // a's work stays queued while the host computes m and b is started: only
  // y reads a, so a is finished just before y.
  const std::vector<std::string> expected = {"start a", "start b", "finish a", "finish b"};
  EXPECT_EQ(events(), expected);

  // A profiled run times each segment alone: start and finish together.
  SessionOptions o;
  o.backends = {kDeferred, "cpu"};
  o.profile = true;
  auto profiled = Session::create(g, o);
  ASSERT_TRUE(profiled.ok()) << profiled.status().to_string();
  events().clear();
  EXPECT_EQ(run(**profiled, x), y);
  const std::vector<std::string> in_turn = {"start a", "finish a", "start b", "finish b"};
  EXPECT_EQ(events(), in_turn);
}

TEST(SessionOverlap, PlacementIsTriedFirst) {
  register_deferred();
  Graph g = two_device_parts();
  g.mutable_nodes()[2].placement = "cpu";      // b: the CPU, though listed second
  g.mutable_nodes()[3].placement = kDeferred;  // y: MUL, which that backend declines
  g.mutable_nodes()[0].placement = "vulkan_absent";
  std::unique_ptr<Session> s = session_of(g);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->node_backend(0), kDeferred);  // not requested: first fit
  EXPECT_NE(s->node_fallback(0).find("placed on vulkan_absent"), std::string::npos)
      << s->node_fallback(0);
  EXPECT_EQ(s->node_backend(2), "cpu");
  EXPECT_EQ(s->node_backend(3), "cpu");
  EXPECT_NE(s->node_fallback(3).find("only ADD"), std::string::npos) << s->node_fallback(3);
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<float> y = run(*s, x);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(y[i], (x[i] + x[i]) * (2 * x[i] * x[i]));
}

}  // namespace
}  // namespace odin

#include "vk_test_util.h"

#include <cstring>

#ifdef ODIN_HAVE_VULKAN
#include "backends/vulkan/vulkan_backend.h"
#endif
#include "ops/op_def.h"
#include "quant/fp16.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin::test {
#ifdef ODIN_HAVE_VULKAN
namespace {

class NamedVulkanBackend final : public Backend {
 public:
  NamedVulkanBackend(std::string name, std::unique_ptr<Backend> vk)
      : name_(std::move(name)), vk_(std::move(vk)) {}
  std::string_view name() const override { return name_; }
  bool available() override { return vk_->available(); }
  std::string unavailable_reason() const override { return vk_->unavailable_reason(); }
  Support supports(const Graph& g, const Node& n) const override { return vk_->supports(g, n); }
  bool keeps_state(const Graph& g, const Node& n) const override { return vk_->keeps_state(g, n); }
  Result<std::unique_ptr<Executable>> compile(const Graph& g, std::span<const NodeId> segment,
                                              const CompileOptions& o) override {
    return vk_->compile(g, segment, o);
  }
  Backend& inner() { return *vk_; }

 private:
  std::string name_;
  std::unique_ptr<Backend> vk_;
};

}  // namespace

Status register_vulkan_backend(const std::string& name, const vk::ContextOptions& options) {
  return register_backend(
      std::make_unique<NamedVulkanBackend>(name, vk::make_vulkan_backend(options)));
}

Backend* vulkan_of(Backend& b) {
  auto* named = dynamic_cast<NamedVulkanBackend*>(&b);
  return named ? &named->inner() : &b;
}
#endif  // ODIN_HAVE_VULKAN

RunResult run_graph(const Graph& graph, std::vector<std::string> backends, bool fp16,
                    bool optimize) {
  RunResult r;
  SessionOptions options;
  options.backends = std::move(backends);
  options.allow_reduced_precision = fp16;
  options.optimize = optimize;
  auto session = Session::create(graph, options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  if (!session.ok()) return r;
  Session& s = **session;
  for (size_t i = 0; i < s.num_inputs(); ++i) {
    const Value& v = s.input_info(i);
    const auto n = static_cast<size_t>(v.shape.num_elements());
    if (v.dtype == DType::kF32) {
      const std::vector<float> x = splitmix_values(n, 7 + i, -2.0f, 2.0f);
      EXPECT_TRUE(s.set_input(i, x.data(), n * 4).ok());
    } else {
      const std::vector<int32_t> x(n, 0);
      EXPECT_TRUE(s.set_input(i, x.data(), n * 4).ok());
    }
  }
  const Status st = s.run();
  EXPECT_TRUE(st.ok()) << st.to_string();
  for (size_t i = 0; i < s.num_outputs(); ++i) {
    const ConstTensorView t = s.output(i);
    r.outputs.emplace_back(t.as<float>(), t.as<float>() + t.num_elements());
  }
  for (size_t n = 0; n < s.graph().num_nodes(); ++n) {
    r.node_backend.emplace_back(s.node_backend(n));
    r.node_fallback.push_back(s.node_fallback(n));
  }
  r.segments = s.schedule().segments.size();
  r.stats = s.run_stats();
  return r;
}

}  // namespace odin::test

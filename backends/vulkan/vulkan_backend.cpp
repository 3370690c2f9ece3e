#include "backends/vulkan/vulkan_backend.h"

#include <mutex>
#include <vector>

#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vk_executable.h"
#include "backends/vulkan/vk_lower.h"
#include "backends/vulkan/vk_pipelines.h"
#include "backends/vulkan/vk_support.h"
#include "ops/q8_gpu.h"

namespace odin {
namespace vk {
namespace {

class VulkanBackend final : public Backend {
 public:
  VulkanBackend(ContextOptions options, bool lives_until_exit)
      : options_(std::move(options)), lives_until_exit_(lives_until_exit) {}

  ~VulkanBackend() override {
    // The process-wide backend is destroyed by static destructors at exit,
    // when the driver (and the LLVM inside CPU drivers) may already be
    // tearing itself down: keep its device instead of destroying it there.
    // The intentionally kept pointer stays reachable, so leak checkers (and
    // the driver's own bookkeeping) see nothing lost.
    if (lives_until_exit_ && ctx_) {
      static std::vector<Context*>* kept = new std::vector<Context*>();
      kept->push_back(ctx_.release());
    }
  }

  std::string_view name() const override { return "vulkan"; }

  bool available() override { return context() != nullptr; }

  std::string unavailable_reason() const override {
    context();
    return reason_;
  }

  Support supports(const Graph& graph, const Node& node) const override {
    const Context* ctx = context();
    if (!ctx) return Support::no("vulkan: " + reason_);
    return vulkan_supports(graph, node, &ctx->workarounds(), &ctx->info());
  }

  // ATTENTION's KV cache lives in the executable's device buffers
  // (VkOp::device_state).
  bool keeps_state(const Graph& graph, const Node& node) const override {
    const VkOp* op = find_vk_op(node.op, is_quantized_node(graph, node));
    return op && op->device_state;
  }

  Result<std::unique_ptr<Executable>> compile(const Graph& graph, std::span<const NodeId> segment,
                                              const CompileOptions& options) override {
    Context* ctx = context();
    if (!ctx) return make_error(StatusCode::kUnsupported, "vulkan: ", reason_);
    for (NodeId n : segment)
      if (Support s = vulkan_supports(graph, graph.node(n), &ctx->workarounds(), &ctx->info());
          !s.ok)
        return make_error(StatusCode::kUnsupported, graph.describe_node(n), ": ", s.why_not);
    TuningTable table = TuningTable::load("vulkan", ctx->tuning_key());
    auto exe = compile_tuned(
        graph, segment, options, table,
        [&](TuneChooser& chooser, const CompileOptions& o) -> Result<std::unique_ptr<Executable>> {
          ODIN_ASSIGN_OR_RETURN(auto e,
                                VulkanExecutable::compile(*ctx, graph, segment, o, chooser));
          return std::unique_ptr<Executable>(std::move(e));
        });
    if (!exe.ok()) return exe.status();
    // Keep new pipelines for the next process; a failed write only costs time.
    (void)ctx->pipelines().save();
    return std::move(exe).value();
  }

  Context* context() const {
    std::call_once(once_, [this] {
      auto ctx = Context::create(options_);
      if (ctx.ok())
        ctx_ = std::move(ctx).value();
      else
        reason_ = ctx.status().message();
    });
    return ctx_.get();
  }

 private:
  ContextOptions options_;
  bool lives_until_exit_ = false;
  mutable std::once_flag once_;
  mutable std::unique_ptr<Context> ctx_;
  mutable std::string reason_;
};

}  // namespace

std::unique_ptr<Backend> make_vulkan_backend(const ContextOptions& options) {
  return std::make_unique<VulkanBackend>(options, false);
}

Context* backend_context(Backend& backend) {
  auto* vb = dynamic_cast<VulkanBackend*>(&backend);
  return vb ? vb->context() : nullptr;
}

}  // namespace vk

std::unique_ptr<Backend> make_vulkan_backend() {
  return std::make_unique<vk::VulkanBackend>(vk::ContextOptions{}, true);
}

}  // namespace odin

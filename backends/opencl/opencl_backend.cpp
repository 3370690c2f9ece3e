#include "backends/opencl/opencl_backend.h"

#include <mutex>
#include <vector>

#include "backends/opencl/cl_context.h"
#include "backends/opencl/cl_executable.h"
#include "backends/opencl/cl_lower.h"

namespace odin {
namespace cl {
namespace {

class OpenCLBackend final : public Backend {
 public:
  explicit OpenCLBackend(const ContextOptions& options) : options_(options) {}
  ~OpenCLBackend() override {
    // Destroyed by static destructors at exit, when the ICD (and the LLVM
    // inside CPU drivers such as PoCL) may already be tearing itself down:
    // keep the context instead of releasing it there. The kept pointer
    // stays reachable, so leak checkers see nothing lost.
    if (ctx_) {
      static std::vector<Context*>* kept = new std::vector<Context*>();
      kept->push_back(ctx_.release());
    }
  }

  std::string_view name() const override { return "opencl"; }

  bool available() override { return context() != nullptr; }

  std::string unavailable_reason() const override {
    context();
    return reason_;
  }

  Support supports(const Graph& graph, const Node& node) const override {
    if (!context()) return Support::no("opencl: " + reason_);
    return opencl_supports(graph, node);
  }

  Result<std::unique_ptr<Executable>> compile(const Graph& graph, std::span<const NodeId> segment,
                                              const CompileOptions& options) override {
    Context* ctx = context();
    if (!ctx) return make_error(StatusCode::kUnsupported, "opencl: ", reason_);
    for (NodeId n : segment)
      if (Support s = opencl_supports(graph, graph.node(n)); !s.ok)
        return make_error(StatusCode::kUnsupported, graph.describe_node(n), ": ", s.why_not);
    TuningTable table = TuningTable::load("opencl", ctx->tuning_key());
    return compile_tuned(
        graph, segment, options, table,
        [&](TuneChooser& chooser, const CompileOptions& o) -> Result<std::unique_ptr<Executable>> {
          ODIN_ASSIGN_OR_RETURN(auto e,
                                OpenCLExecutable::compile(*ctx, graph, segment, o, chooser));
          return std::unique_ptr<Executable>(std::move(e));
        });
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
  mutable std::once_flag once_;
  mutable std::unique_ptr<Context> ctx_;
  mutable std::string reason_;
};

}  // namespace

Context* backend_context(Backend& backend) {
  auto* b = dynamic_cast<OpenCLBackend*>(&backend);
  return b ? b->context() : nullptr;
}

}  // namespace cl

std::unique_ptr<Backend> make_opencl_backend() {
  return make_opencl_backend(cl::ContextOptions{});
}

std::unique_ptr<Backend> make_opencl_backend(const cl::ContextOptions& options) {
  return std::make_unique<cl::OpenCLBackend>(options);
}

}  // namespace odin

#include "runtime/session.h"

#include <cstdlib>
#include <cstring>

#include "ops/registry.h"
#include "passes/passes.h"

namespace odin {

class Session::Bindings final : public HostBindings {
 public:
  explicit Bindings(Session& s) : s_(s) {}
  ConstTensorView input(ValueId v) const override { return s_.view(v); }
  TensorView output(ValueId v) override { return s_.mutable_view(v); }

 private:
  Session& s_;
};

Result<std::unique_ptr<Session>> Session::create(const Graph& graph,
                                                 const SessionOptions& options) {
  std::unique_ptr<Session> s(new Session());
  s->graph_ = graph;
  s->options_ = options;
  PassOptions po;
  po.optimize = options.optimize;
  ODIN_RETURN_IF_ERROR(run_passes(s->graph_, po));
  ODIN_RETURN_IF_ERROR(s->prepare());
  ODIN_RETURN_IF_ERROR(s->compile());
  return s;
}

Status Session::prepare() {
  ODIN_ASSIGN_OR_RETURN(plan_, plan_memory(graph_));
  if (plan_.arena_bytes > options_.max_arena_bytes)
    return make_error(StatusCode::kOutOfRange, "activations need a ", plan_.arena_bytes,
                      "-byte arena, over the session limit of ", options_.max_arena_bytes,
                      " bytes (SessionOptions::max_arena_bytes)");
  const size_t bytes = std::max<size_t>(plan_.arena_bytes, kArenaAlignment);
  void* p = std::aligned_alloc(kArenaAlignment, bytes);
  if (!p)
    return make_error(StatusCode::kOutOfRange, "cannot allocate a ", bytes,
                      "-byte activation arena");
  std::memset(p, 0, bytes);
  arena_ = std::unique_ptr<uint8_t, void (*)(void*)>(static_cast<uint8_t*>(p), std::free);
  input_set_.assign(graph_.inputs().size(), false);
  return Status();
}

Status Session::compile() {
  ODIN_ASSIGN_OR_RETURN(schedule_, schedule_graph(graph_, options_.backends));
  CompileOptions co;
  co.num_threads = options_.num_threads;
  co.allow_reduced_precision = options_.allow_reduced_precision;
  co.optimize = options_.optimize;
  executables_.clear();
  for (const Segment& seg : schedule_.segments) {
    auto exe = seg.backend->compile(graph_, seg.nodes, co);
    if (!exe.ok()) return exe.status().with_context(str_cat(seg.backend->name(), " backend"));
    executables_.push_back(std::move(exe).value());
  }
  return Status();
}

Status Session::resize_input(size_t i, const Shape& shape) {
  if (i >= num_inputs())
    return make_error(StatusCode::kOutOfRange, "input index ", i, " out of range (model has ",
                      num_inputs(), " inputs)");
  if (!shape.is_static() || shape.num_elements() < 0)
    return make_error(StatusCode::kInvalidArgument, "input shape ", shape.str(),
                      " must be fully known and not too large");
  graph_.value(graph_.inputs()[i]).shape = shape;
  // Drop inferred (non-constant) shapes so inference does not compare
  // against the stale ones.
  for (const Node& n : graph_.nodes())
    for (ValueId v : n.outputs) graph_.value(v).shape = Shape();
  ODIN_RETURN_IF_ERROR(infer_graph(graph_));
  ODIN_RETURN_IF_ERROR(prepare());
  return compile();
}

Status Session::set_input(size_t i, const void* data, size_t bytes) {
  if (i >= num_inputs())
    return make_error(StatusCode::kOutOfRange, "input index ", i, " out of range (model has ",
                      num_inputs(), " inputs)");
  const Value& v = input_info(i);
  const size_t need = static_cast<size_t>(v.shape.num_elements()) * dtype_size(v.dtype);
  if (bytes != need)
    return make_error(StatusCode::kInvalidArgument, "input ", i, " '", v.name, "' needs ", need,
                      " bytes (", dtype_name(v.dtype), " ", v.shape.str(), "), got ", bytes);
  if (!data && bytes)
    return make_error(StatusCode::kInvalidArgument, "input ", i, ": data is null");
  if (bytes) std::memcpy(arena_.get() + plan_.offsets[graph_.inputs()[i]], data, bytes);
  input_set_[i] = true;
  return Status();
}

ConstTensorView Session::view(ValueId v) const {
  const Value& val = graph_.value(v);
  if (val.is_constant()) return {val.dtype, val.shape, val.data};
  return {val.dtype, val.shape, arena_.get() + plan_.offsets[v]};
}

TensorView Session::mutable_view(ValueId v) {
  const Value& val = graph_.value(v);
  return {val.dtype, val.shape, arena_.get() + plan_.offsets[v]};
}

Status Session::run() {
  for (size_t i = 0; i < input_set_.size(); ++i)
    if (!input_set_[i])
      return make_error(StatusCode::kInvalidArgument, "input ", i, " '", input_info(i).name,
                        "' was not set before run");
  node_ms_.assign(options_.profile ? graph_.num_nodes() : 0, 0.0);
  stats_ = RunStats();
  Bindings io(*this);
  for (size_t i = 0; i < executables_.size(); ++i) {
    const Segment& seg = schedule_.segments[i];
    std::span<double> times;
    if (options_.profile)
      times = std::span<double>(node_ms_.data() + seg.nodes.front(), seg.nodes.size());
    ODIN_RETURN_IF_ERROR(executables_[i]->run(io, times, stats_));
  }
  return Status();
}

ConstTensorView Session::output(size_t i) const {
  if (i >= num_outputs()) return {};
  return view(graph_.outputs()[i]);
}

}  // namespace odin

#include "runtime/session.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "core/memory.h"
#include "ops/op_def.h"
#include "passes/passes.h"
#include "runtime/dim_binding.h"
#include "runtime/weight_blocks.h"

namespace odin {

class Session::Bindings final : public HostBindings {
 public:
  explicit Bindings(Session& s) : s_(s) {}
  ConstTensorView input(ValueId v) const override { return s_.view(v); }
  TensorView output(ValueId v) override { return s_.mutable_view(v); }

 private:
  Session& s_;
};

// Frees a constant's bytes once every node reading it was compiled into a
// form with its own copy (ConstantTracker), so repacked weights do not stay
// in memory twice.
class Session::Release final : public ConstantTracker {
 public:
  explicit Release(Graph& g) : g_(g), readers_(g.num_values(), 0) {
    for (ValueId v : g.outputs()) ++readers_[static_cast<size_t>(v)];  // the host reads it
    for (size_t n = 0; n < g.num_nodes(); ++n) {
      const std::set<ValueId> read(g.node(static_cast<NodeId>(n)).inputs.begin(),
                                   g.node(static_cast<NodeId>(n)).inputs.end());
      for (ValueId v : read)
        if (v != kNoValue) ++readers_[static_cast<size_t>(v)];
    }
  }
  // Constants nobody reads (sources of folded values): freed right away.
  size_t release_unread() {
    size_t bytes = 0;
    for (size_t v = 0; v < readers_.size(); ++v)
      if (readers_[v] == 0 && g_.value(static_cast<ValueId>(v)).is_constant())
        bytes += g_.release_constant_data(static_cast<ValueId>(v));
    return bytes;
  }
  void copied(NodeId node, ValueId v) override {
    if (v < 0 || static_cast<size_t>(v) >= readers_.size() || !seen_.insert({node, v}).second)
      return;
    if (--readers_[static_cast<size_t>(v)] == 0) bytes_ += g_.release_constant_data(v);
  }
  size_t copied_bytes() const { return bytes_; }

 private:
  Graph& g_;
  std::vector<int> readers_;  // distinct nodes (and the host) reading each value's bytes
  std::set<std::pair<NodeId, ValueId>> seen_;
  size_t bytes_ = 0;
};

namespace {

// Nodes whose inputs are all constants (left unfolded).
size_t constant_only_nodes(const Graph& g) {
  size_t n = 0;
  for (const Node& node : g.nodes()) {
    bool all = !node.inputs.empty();
    for (ValueId v : node.inputs) all = all && (v == kNoValue || g.value(v).is_constant());
    n += all;
  }
  return n;
}

// Per segment, the earlier segments that produce a value it reads.
std::vector<std::vector<size_t>> segment_dependencies(const Graph& g,
                                                      const std::vector<Segment>& segments) {
  std::vector<int64_t> producer(g.num_values(), -1);
  std::vector<std::vector<size_t>> reads_from(segments.size());
  for (size_t s = 0; s < segments.size(); ++s) {
    std::set<size_t> from;
    for (NodeId n : segments[s].nodes)
      for (ValueId v : g.node(n).inputs)
        if (v != kNoValue && producer[static_cast<size_t>(v)] >= 0 &&
            static_cast<size_t>(producer[static_cast<size_t>(v)]) != s)
          from.insert(static_cast<size_t>(producer[static_cast<size_t>(v)]));
    for (NodeId n : segments[s].nodes)
      for (ValueId v : g.node(n).outputs)
        producer[static_cast<size_t>(v)] = static_cast<int64_t>(s);
    reads_from[s].assign(from.begin(), from.end());
  }
  return reads_from;
}

}  // namespace

Session::~Session() {
  built_.executables.clear();  // before the graph they refer to
}

Result<std::unique_ptr<Session>> Session::create(const Graph& graph,
                                                 const SessionOptions& options) {
  std::unique_ptr<Session> s(new Session());
  s->source_ = graph;
  s->options_ = options;
  ODIN_ASSIGN_OR_RETURN(Built built, s->build(s->source_));
  s->commit(std::move(built));
  return s;
}

// From a source graph to compiled executables: passes, memory plan,
// scheduling and compilation; constants nothing reads any more are freed.
Result<Session::Built> Session::build(const Graph& source) const {
  Built b;
  b.graph = std::make_unique<Graph>(source);
  Graph& g = *b.graph;
  ODIN_RETURN_IF_ERROR(bind_dim_symbols(g));
  // Under a weight budget nothing starts resident: the pages of the model
  // file its importer touched (the kernel maps whole page-cache folios, up
  // to 2 MiB, around each table it read) are read back when used.
  if (options_.max_weight_bytes > 0)
    for (size_t v = 0; v < g.num_values(); ++v) g.drop_constant_pages(static_cast<ValueId>(v));
  PassOptions po;
  po.optimize = options_.optimize;
  po.fold_constants = options_.fold_constants;
  po.max_fold_bytes = options_.max_fold_bytes;
  // Under a weight budget, folded weights go to a scratch file as they are
  // made (the graph keeps the mappings).
  WeightSpill spill;
  if (options_.max_weight_bytes > 0)
    po.folded = [&spill](Graph& graph, const Node& n) { return spill.folded(graph, n); };
  ODIN_RETURN_IF_ERROR(run_passes(g, po));

  ODIN_ASSIGN_OR_RETURN(b.schedule, schedule_graph(g, options_.backends));
  // State a backend keeps on its device (a KV cache) needs no host bytes.
  std::vector<bool> off_host(g.num_values(), false);
  for (const Segment& seg : b.schedule.segments)
    for (NodeId n : seg.nodes)
      if (seg.backend->keeps_state(g, g.node(n)))
        for (ValueId v : g.node(n).inputs)
          if (v != kNoValue && g.value(v).persistent) off_host[static_cast<size_t>(v)] = true;
  ODIN_ASSIGN_OR_RETURN(b.plan, plan_memory(g, off_host));
  if (b.plan.arena_bytes > options_.max_arena_bytes)
    return make_error(StatusCode::kOutOfRange, "activations need a ", b.plan.arena_bytes,
                      "-byte arena, over the session limit of ", options_.max_arena_bytes,
                      " bytes (SessionOptions::max_arena_bytes)");
  b.arena = allocate_shared_buffer(std::max<size_t>(b.plan.arena_bytes, kArenaAlignment));
  if (!b.arena)
    return make_error(StatusCode::kOutOfRange, "cannot allocate a ", b.plan.arena_bytes,
                      "-byte activation arena");

  if (const size_t left = constant_only_nodes(g); left > 0)
    b.schedule.notes.push_back(str_cat(
        left, " node(s) computed only from constants run per inference (constant folding is ",
        options_.fold_constants ? "over SessionOptions::max_fold_bytes" : "off", ")"));
  Release release(g);
  b.released.unused_bytes = release.release_unread();
  b.blockwise = options_.max_weight_bytes > 0;
  if (b.blockwise) {
    ODIN_RETURN_IF_ERROR(spill_owned_constants(g, spill).status());
    if (const size_t spilled = spill.bytes(); spilled > 0)
      b.schedule.notes.push_back(str_cat(spilled,
                                         " bytes of computed weights moved to a scratch file so "
                                         "they load per block too"));
    b.schedule.segments =
        split_by_weight_bytes(g, b.schedule.segments, options_.max_weight_bytes, &b.schedule.notes);
    b.schedule.notes.push_back(str_cat(b.schedule.segments.size(),
                                       " weight blocks loaded per run (a budget of ",
                                       options_.max_weight_bytes, " bytes of weights)"));
  }
  // Block-wise, constants stay where they are (the next run reads them
  // again; their pages are dropped once packed); each block is compiled once
  // here so errors surface at creation, and freed before the next.
  DropCopiedPages drop(g);
  const CompileOptions co =
      compile_options(b.blockwise ? static_cast<ConstantTracker*>(&drop) : &release);
  for (const Segment& seg : b.schedule.segments) {
    auto exe = seg.backend->compile(g, seg.nodes, co);
    if (!exe.ok()) {
      b.executables.clear();  // before the graph they refer to
      return exe.status().with_context(str_cat(seg.backend->name(), " backend"));
    }
    if (b.blockwise) {
      exe.value().reset();
      for (NodeId n : seg.nodes)
        for (ValueId v : g.node(n).inputs)
          if (v != kNoValue && g.value(v).is_constant()) g.drop_constant_pages(v);
      return_freed_memory();  // the block's packing buffers, before the next
      continue;
    }
    b.executables.push_back(std::move(exe).value());
  }
  b.released.copied_bytes = release.copied_bytes();
  b.reads_from = segment_dependencies(g, b.schedule.segments);
  return b;
}

CompileOptions Session::compile_options(ConstantTracker* constants) const {
  CompileOptions co;
  co.num_threads = options_.num_threads;
  co.allow_reduced_precision = options_.allow_reduced_precision;
  co.exact_int8 = options_.exact_int8;
  co.repack_weights = options_.repack_weights;
  // Block-wise, packed weights must not outlive their block.
  co.shared_weights = options_.max_weight_bytes > 0 ? nullptr : options_.shared_weights.get();
  co.optimize = options_.optimize;
  co.constants = constants;
  co.tune = options_.tune;
  co.tune_candidate = options_.tune_candidate;
  return co;
}

void Session::commit(Built built) {
  built_.executables.clear();  // before the graph they refer to
  built_ = std::move(built);
  input_set_.assign(built_.graph->inputs().size(), false);
  dim_values_.clear();
  for (const DimSymbol& s : built_.graph->dim_symbols()) dim_values_.push_back(s.max);
}

Status Session::set_dim(std::string_view name, int64_t value) {
  const std::vector<DimSymbol>& symbols = graph().dim_symbols();
  for (size_t i = 0; i < symbols.size(); ++i) {
    if (symbols[i].name != name) continue;
    if (value < 1 || value > symbols[i].max)
      return make_error(StatusCode::kOutOfRange, "dim '", name, "' = ", value, " is outside 1..",
                        symbols[i].max, " (the session's maximum)");
    dim_values_[i] = value;
    return Status();
  }
  return make_error(StatusCode::kNotFound, "the graph has no dim symbol '", name, "'");
}

int64_t Session::dim(std::string_view name) const {
  const std::vector<DimSymbol>& symbols = graph().dim_symbols();
  for (size_t i = 0; i < symbols.size(); ++i)
    if (symbols[i].name == name) return dim_values_[i];
  return -1;
}

Shape Session::run_shape(ValueId v) const {
  const Shape& planned = graph().value(v).shape;
  if (!planned.has_symbols()) return planned;
  return odin::run_shape(planned, graph().dim_symbols(), dim_values_);
}

size_t Session::backend_weight_bytes() const {
  size_t total = 0;
  for (const auto& exe : built_.executables) total += exe->weight_bytes();
  return total;
}

std::string Session::precision() const {
  size_t fp16 = 0;
  for (const auto& exe : built_.executables) fp16 += exe->reduced_precision() ? 1 : 0;
  if (fp16 == 0) return "fp32";
  return fp16 == built_.executables.size() ? "fp16" : "fp16+fp32";
}

Status Session::resize_input(size_t i, const Shape& shape) {
  if (i >= num_inputs())
    return make_error(StatusCode::kOutOfRange, "input index ", i, " out of range (model has ",
                      num_inputs(), " inputs)");
  if (!shape.is_static() || shape.num_elements() < 0)
    return make_error(StatusCode::kInvalidArgument, "input shape ", shape.str(),
                      " must be fully known and not too large");
  // The requested shape is kept even if the graph cannot take it yet: with
  // several inputs, the next resize may make the shapes agree again.
  source_.value(source_.inputs()[i]).shape = shape;
  Graph source = source_;
  // Drop inferred (non-constant) shapes so inference does not compare
  // against the stale ones.
  for (const Node& n : source.nodes())
    for (ValueId v : n.outputs) source.value(v).shape = Shape();
  ODIN_RETURN_IF_ERROR(infer_graph(source));
  ODIN_ASSIGN_OR_RETURN(Built built, build(source));
  source_ = std::move(source);
  commit(std::move(built));
  return Status();
}

Status Session::set_input(size_t i, const void* data, size_t bytes) {
  if (i >= num_inputs())
    return make_error(StatusCode::kOutOfRange, "input index ", i, " out of range (model has ",
                      num_inputs(), " inputs)");
  const Value& v = input_info(i);
  const Shape shape = run_shape(graph().inputs()[i]);
  const size_t need = static_cast<size_t>(tensor_bytes(v.dtype, shape));
  if (bytes != need)
    return make_error(StatusCode::kInvalidArgument, "input ", i, " '", v.name, "' needs ", need,
                      " bytes (", dtype_name(v.dtype), " ", shape.str(), "), got ", bytes);
  if (!data && bytes)
    return make_error(StatusCode::kInvalidArgument, "input ", i, ": data is null");
  if (bytes)
    std::memcpy(built_.arena.get() + built_.plan.offsets[graph().inputs()[i]], data, bytes);
  input_set_[i] = true;
  return Status();
}

ConstTensorView Session::view(ValueId v) const {
  const Value& val = graph().value(v);
  if (val.is_constant()) return {val.dtype, val.shape, val.data};
  // State kept on a device (Backend::keeps_state) has no host bytes.
  if (built_.plan.offsets[v] == MemoryPlan::kNoOffset) return {val.dtype, run_shape(v), nullptr};
  return {val.dtype, run_shape(v), built_.arena.get() + built_.plan.offsets[v]};
}

TensorView Session::mutable_view(ValueId v) {
  const Value& val = graph().value(v);
  // State kept on a device (Backend::keeps_state) has no host bytes.
  if (built_.plan.offsets[v] == MemoryPlan::kNoOffset) return {val.dtype, run_shape(v), nullptr};
  return {val.dtype, run_shape(v), built_.arena.get() + built_.plan.offsets[v]};
}

Status Session::run() {
  for (size_t i = 0; i < input_set_.size(); ++i)
    if (!input_set_[i])
      return make_error(StatusCode::kInvalidArgument, "input ", i, " '", input_info(i).name,
                        "' was not set before run");
  node_ms_.assign(options_.profile ? graph().num_nodes() : 0, 0.0);
  stats_ = RunStats();
  Bindings io(*this);
  if (built_.blockwise) return run_blockwise(io);
  if (!options_.profile) return run_overlapped(io);
  for (size_t i = 0; i < built_.executables.size(); ++i) {
    const Segment& seg = built_.schedule.segments[i];
    std::span<double> times;
    if (options_.profile)
      times = std::span<double>(node_ms_.data() + seg.nodes.front(), seg.nodes.size());
    ODIN_RETURN_IF_ERROR(built_.executables[i]->run(io, times, stats_));
  }
  return Status();
}

// Segments start in order; one waits for the running segments it reads
// from, so a device's queued work overlaps the host's segments that do not
// need it (a GPU's share of a step beside the CPU's).
Status Session::run_overlapped(HostBindings& io) {
  std::vector<size_t> running;  // started, not finished, in start order
  Status status;
  auto finish = [&](size_t s) {
    Status done = built_.executables[s]->finish(io);
    if (status.ok()) status = std::move(done);
  };
  for (size_t i = 0; i < built_.executables.size() && status.ok(); ++i) {
    const std::vector<size_t>& needs = built_.reads_from[i];
    for (auto it = running.begin(); it != running.end();) {
      if (std::find(needs.begin(), needs.end(), *it) == needs.end()) {
        ++it;
        continue;
      }
      finish(*it);
      it = running.erase(it);
    }
    if (!status.ok()) break;
    status = built_.executables[i]->start(io, stats_);
    if (status.ok()) running.push_back(i);
  }
  for (size_t s : running) finish(s);  // also after a failure: nothing stays queued
  return status;
}

// Each block: compiled (its weights loaded and packed), run, freed, and its
// constants' file pages dropped, so about one block's weights are resident.
Status Session::run_blockwise(HostBindings& io) {
  const Graph& g = *built_.graph;
  DropCopiedPages drop(g);
  const CompileOptions co = compile_options(&drop);
  for (const Segment& seg : built_.schedule.segments) {
    ODIN_ASSIGN_OR_RETURN(std::unique_ptr<Executable> exe, seg.backend->compile(g, seg.nodes, co));
    std::span<double> times;
    if (options_.profile)
      times = std::span<double>(node_ms_.data() + seg.nodes.front(), seg.nodes.size());
    ODIN_RETURN_IF_ERROR(exe->run(io, times, stats_));
    exe.reset();
    for (NodeId n : seg.nodes)
      for (ValueId v : g.node(n).inputs)
        if (v != kNoValue && g.value(v).is_constant()) built_.graph->drop_constant_pages(v);
    return_freed_memory();
  }
  return Status();
}

ConstTensorView Session::output(size_t i) const {
  if (i >= num_outputs()) return {};
  return view(graph().outputs()[i]);
}

}  // namespace odin

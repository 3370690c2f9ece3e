#include "backends/opencl/cl_executable.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <utility>

#include "backends/opencl/cl_lower.h"
#include "core/arena_plan.h"
#include "ops/op_def.h"
#include "ops/q8_gpu.h"
#include "quant/fp16.h"
#include "runtime/device_segment.h"

namespace odin::cl {
namespace {

constexpr uint64_t kAlignElems = 16;  // 64 bytes between regions
constexpr size_t kGroupSize = 64;     // work items per group, unless a kernel allows fewer

uint64_t round_up(uint64_t n, uint64_t a) {
  return (n + a - 1) / a * a;
}

// Lowering's view of the graph: weights collected for one upload.
class Lowering final : public LowerContext {
 public:
  Lowering(const Graph& g, const DeviceInfo& device, TuneChooser& chooser)
      : graph_(g), device_(device), chooser_(chooser) {}
  const Graph& graph() const override { return graph_; }
  int32_t add_weights(std::vector<float> values) override {
    blobs.push_back(std::move(values));
    return static_cast<int32_t>(blobs.size() - 1);
  }
  int32_t add_int_weights(std::vector<int32_t> values) override {
    int_blobs.push_back(std::move(values));
    return static_cast<int32_t>(int_blobs.size() - 1);
  }
  int32_t add_bytes(std::vector<uint8_t> values) override {
    byte_blobs.push_back(std::move(values));
    return static_cast<int32_t>(byte_blobs.size() - 1);
  }
  TuneParams tune(const std::string& shape, std::span<const TuneParams> candidates) override {
    return chooser_.choose(node, shape, candidates);
  }
  uint64_t local_memory_bytes() const override { return device_.local_mem_bytes; }
  size_t max_group_size() const override { return device_.max_group_size; }
  std::vector<std::vector<float>> blobs;
  std::vector<std::vector<int32_t>> int_blobs;
  std::vector<std::vector<uint8_t>> byte_blobs;
  size_t node = 0;  // the segment node being lowered

 private:
  const Graph& graph_;
  const DeviceInfo& device_;
  TuneChooser& chooser_;
};

}  // namespace

// compile() step by step: lower the nodes, find the segment's boundary and
// lifetimes, lay out the memory buffer, then create the buffers, upload the
// weights and set every kernel's arguments.
class OpenCLExecutable::Builder {
 public:
  Builder(OpenCLExecutable& exe, const Graph& g, std::span<const NodeId> segment, bool fp16,
          TuneChooser& chooser)
      : exe_(exe),
        ctx_(exe.ctx_),
        api_(exe.ctx_.api()),
        g_(g),
        segment_(segment),
        lowering_(g, exe.ctx_.info(), chooser),
        elem_bytes_(fp16 ? 2 : 4) {
    exe_.stats_.fp16 = fp16;
  }

  Status build() {
    ODIN_RETURN_IF_ERROR(lower_nodes());
    find_boundary();
    ODIN_RETURN_IF_ERROR(lay_out());
    ODIN_RETURN_IF_ERROR(create_buffers());
    ODIN_RETURN_IF_ERROR(create_kernels());
    for (NodeId id : segment_)
      exe_.node_weight_.push_back(
          1.0 + static_cast<double>(std::max<int64_t>(node_work(g_, g_.node(id)), 0)));
    return Status();
  }

 private:
  Status lower_nodes() {
    for (NodeId id : segment_) {
      lowering_.node = lowered_.size();
      const Node& node = g_.node(id);
      const ClOp* op = find_cl_op(node.op, is_quantized_node(g_, node));
      if (!op)
        return make_error(StatusCode::kInternal, "opencl: no lowering for ", op_type_name(node.op));
      LoweredNode& ln = lowered_.emplace_back();
      if (Status s = op->lower(lowering_, node, &ln); !s.ok())
        return s.with_context(g_.describe_node(id));
      if (ln.alias_of != kNoValue) {
        alias_[node.outputs[0]] = ln.alias_of;
        ++exe_.stats_.aliased_nodes;
      }
    }
    return Status();
  }

  // The segment's inputs, outputs and buffer lifetimes (runtime/device_segment.h).
  void find_boundary() {
    std::vector<std::vector<ValueId>> used(segment_.size());
    for (size_t s = 0; s < segment_.size(); ++s) {
      const LoweredNode& ln = lowered_[s];
      if (ln.alias_of != kNoValue) used[s] = {ln.alias_of, g_.node(segment_[s]).outputs[0]};
      for (const Launch& l : ln.launches)
        for (const Operand& op : l.operands)
          if (op.kind == Operand::Kind::kValue) used[s].push_back(op.id);
    }
    SegmentValues values = segment_values(g_, segment_, used, alias_);
    for (ValueId v : values.inputs) exe_.inputs_.push_back({v});
    for (ValueId v : values.outputs) exe_.outputs_.push_back({v});
    life_ = std::move(values.life);
  }

  // Each buffer (the memory buffer of elem_bytes_ elements, the int32
  // buffer, the byte buffer) holds its blobs first, then its arena of the
  // values of its dtype; offsets in elements of that buffer.
  Status lay_out() {
    ODIN_ASSIGN_OR_RETURN(memory_elems_,
                          lay_out_buffer(lowering_.blobs, Store::kMemory, &weight_offset_));
    ODIN_ASSIGN_OR_RETURN(int_elems_,
                          lay_out_buffer(lowering_.int_blobs, Store::kInts, &int_weight_offset_));
    ODIN_ASSIGN_OR_RETURN(
        byte_elems_, lay_out_buffer(lowering_.byte_blobs, Store::kBytes, &byte_weight_offset_));
    for (auto* list : {&exe_.inputs_, &exe_.outputs_}) {
      size_t staging = 0;
      for (Transfer& t : *list) {
        t.store = store_of(t.value);
        t.elems = elems(t.value);
        t.offset = value_offset_.at(root(t.value)) * bytes_of(t.value);
        t.bytes = t.elems * bytes_of(t.value);
        // Read straight into the host's memory.
        if (!t.floats() && list == &exe_.outputs_) continue;
        t.staging = staging;
        staging += t.bytes;
      }
      // fp32 outputs are read straight into the host's memory.
      if (list == &exe_.inputs_) exe_.staging_in_.resize(staging);
      if (list == &exe_.outputs_ && exe_.stats_.fp16) exe_.staging_out_.resize(staging);
    }
    return Status();
  }

  // One buffer's layout: `blobs` at *blob_offset, then the arena of the
  // values it stores. Returns its size in elements.
  template <typename T>
  Result<uint64_t> lay_out_buffer(const std::vector<std::vector<T>>& blobs, Store store,
                                  std::vector<uint64_t>* blob_offset) {
    const uint64_t bytes = store_bytes(store);
    uint64_t weights = 0;
    for (const std::vector<T>& blob : blobs) {
      blob_offset->push_back(weights);
      weights = round_up(weights + std::max<size_t>(blob.size(), 1), kAlignElems);
    }
    std::vector<ValueId> roots;
    std::vector<ArenaRequest> requests;
    for (const auto& [r, life] : life_) {
      if (store_of(r) != store) continue;
      roots.push_back(r);
      requests.push_back({life.first, life.second, elems(r) * bytes});
    }
    const ArenaPlan plan = plan_arena(requests, kAlignElems * bytes);
    for (size_t i = 0; i < roots.size(); ++i)
      value_offset_[roots[i]] = weights + plan.offsets[i] / bytes;
    exe_.stats_.weight_bytes += weights * bytes;
    exe_.stats_.arena_bytes += plan.bytes;
    const uint64_t total = std::max<uint64_t>(weights + plan.bytes / bytes, kAlignElems);
    if (total > INT32_MAX || total * bytes > ctx_.info().max_alloc_bytes)
      return make_error(StatusCode::kUnsupported, "opencl: the segment needs ", total * bytes,
                        " bytes in its ",
                        store == Store::kMemory ? "memory"
                        : store == Store::kInts ? "int32"
                                                : "byte",
                        " buffer, over the device's limit of ", ctx_.info().max_alloc_bytes);
    return total;
  }

  Status create_buffers() {
    cl_int err = CL_SUCCESS;
    exe_.memory_ = api_.clCreateBuffer(ctx_.context(), CL_MEM_READ_WRITE,
                                       memory_elems_ * elem_bytes_, nullptr, &err);
    ODIN_CL_CHECK(err, "clCreateBuffer (weights and arena)");
    exe_.ints_ =
        api_.clCreateBuffer(ctx_.context(), CL_MEM_READ_WRITE, int_elems_ * 4, nullptr, &err);
    ODIN_CL_CHECK(err, "clCreateBuffer (int32 constants and values)");
    exe_.bytes_ =
        api_.clCreateBuffer(ctx_.context(), CL_MEM_READ_WRITE, byte_elems_, nullptr, &err);
    ODIN_CL_CHECK(err, "clCreateBuffer (byte constants and int8 values)");
    for (size_t i = 0; i < lowering_.byte_blobs.size(); ++i) {
      const std::vector<uint8_t>& blob = lowering_.byte_blobs[i];
      if (blob.empty()) continue;
      ODIN_CL_CHECK(
          api_.clEnqueueWriteBuffer(ctx_.queue(), exe_.bytes_, CL_TRUE, byte_weight_offset_[i],
                                    blob.size(), blob.data(), 0, nullptr, nullptr),
          "clEnqueueWriteBuffer (byte constants)");
    }
    for (size_t i = 0; i < lowering_.int_blobs.size(); ++i) {
      const std::vector<int32_t>& blob = lowering_.int_blobs[i];
      if (blob.empty()) continue;
      ODIN_CL_CHECK(
          api_.clEnqueueWriteBuffer(ctx_.queue(), exe_.ints_, CL_TRUE, int_weight_offset_[i] * 4,
                                    blob.size() * 4, blob.data(), 0, nullptr, nullptr),
          "clEnqueueWriteBuffer (int32 constants)");
    }
    // Blocking writes: the blobs are freed when compile returns.
    std::vector<uint8_t> halves;
    for (size_t i = 0; i < lowering_.blobs.size(); ++i) {
      const std::vector<float>& blob = lowering_.blobs[i];
      if (blob.empty()) continue;
      const void* data = blob.data();
      if (exe_.stats_.fp16) {
        halves.resize(blob.size() * 2);
        fp32_to_fp16(blob.data(), halves.data(), blob.size());
        data = halves.data();
      }
      ODIN_CL_CHECK(api_.clEnqueueWriteBuffer(ctx_.queue(), exe_.memory_, CL_TRUE,
                                              weight_offset_[i] * elem_bytes_,
                                              blob.size() * elem_bytes_, data, 0, nullptr, nullptr),
                    "clEnqueueWriteBuffer (weights)");
    }
    uint64_t offset = 0;
    for (const LoweredNode& ln : lowered_)
      for (const Launch& l : ln.launches) {
        launch_base_.push_back(static_cast<int32_t>(params_.size()));
        for (const Operand& op : l.operands) {
          const auto blob = static_cast<size_t>(op.id);
          switch (op.kind) {
            case Operand::Kind::kValue:
              offset = value_offset_.at(root(op.id));
              break;
            case Operand::Kind::kWeights:
              offset = weight_offset_[blob];
              break;
            case Operand::Kind::kIntWeights:
              offset = int_weight_offset_[blob];
              break;
            case Operand::Kind::kBytes:
              offset = byte_weight_offset_[blob];
              break;
          }
          params_.push_back(static_cast<int32_t>(offset));
        }
        params_.insert(params_.end(), l.args.begin(), l.args.end());
      }
    params_.resize(std::max<size_t>(params_.size(), 1));
    exe_.params_ = api_.clCreateBuffer(ctx_.context(), CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                                       params_.size() * 4, params_.data(), &err);
    ODIN_CL_CHECK(err, "clCreateBuffer (parameters)");
    return Status();
  }

  Status create_kernels() {
    size_t i = 0;
    for (size_t node = 0; node < lowered_.size(); ++node)
      for (const Launch& l : lowered_[node].launches) {
        // The half-storage program is its own build (its -D), as a tuned
        // variant is.
        const std::string options =
            exe_.stats_.fp16 ? "-D ODIN_HALF=1" + (l.options.empty() ? "" : " " + l.options)
                             : l.options;
        ODIN_ASSIGN_OR_RETURN(cl_program program, ctx_.program(options));
        cl_int err = CL_SUCCESS;
        cl_kernel k = api_.clCreateKernel(program, l.kernel.c_str(), &err);
        ODIN_CL_CHECK(err, "clCreateKernel " + l.kernel);
        size_t local = kGroupSize;
        ODIN_CL_CHECK(
            api_.clGetKernelWorkGroupInfo(k, ctx_.info().device, CL_KERNEL_WORK_GROUP_SIZE,
                                          sizeof(local), &local, nullptr),
            "clGetKernelWorkGroupInfo");
        if (l.exact_group && local < l.group)
          return make_error(StatusCode::kUnsupported, "opencl: ", l.kernel,
                            " needs work groups of ", l.group,
                            ", the device runs it in groups of at most ", local);
        local = std::clamp<size_t>(local, 1, l.group != 0 ? l.group : kGroupSize);
        const auto n = static_cast<size_t>(l.work_items);
        exe_.launches_.push_back({k, (n + local - 1) / local * local, local, node});
        const cl_int base = launch_base_[i++], items = static_cast<cl_int>(n);
        ODIN_CL_CHECK(api_.clSetKernelArg(k, 0, sizeof(cl_mem), &exe_.memory_), "clSetKernelArg");
        ODIN_CL_CHECK(api_.clSetKernelArg(k, 1, sizeof(cl_mem), &exe_.params_), "clSetKernelArg");
        ODIN_CL_CHECK(api_.clSetKernelArg(k, 2, sizeof(cl_int), &base), "clSetKernelArg");
        ODIN_CL_CHECK(api_.clSetKernelArg(k, 3, sizeof(cl_int), &items), "clSetKernelArg");
        ODIN_CL_CHECK(api_.clSetKernelArg(k, 4, sizeof(cl_mem), &exe_.ints_), "clSetKernelArg");
        ODIN_CL_CHECK(api_.clSetKernelArg(k, 5, sizeof(cl_mem), &exe_.bytes_), "clSetKernelArg");
        ++exe_.stats_.launches;
        exe_.stats_.kernels.push_back(l.kernel);
      }
    return Status();
  }

  ValueId root(ValueId v) const { return alias_root(alias_, v); }
  uint64_t elems(ValueId v) const {
    return static_cast<uint64_t>(g_.value(v).shape.num_elements());
  }
  // int32 values live in the int32 buffer, 4 bytes each; int8/uint8 ones in
  // the byte buffer.
  Store store_of(ValueId v) const {
    const DType t = g_.value(v).dtype;
    return t == DType::kI32 ? Store::kInts : is_affine_dtype(t) ? Store::kBytes : Store::kMemory;
  }
  uint64_t store_bytes(Store s) const {
    return s == Store::kInts ? 4 : s == Store::kBytes ? 1 : elem_bytes_;
  }
  uint64_t bytes_of(ValueId v) const { return store_bytes(store_of(v)); }

  OpenCLExecutable& exe_;
  Context& ctx_;
  const Api& api_;
  const Graph& g_;
  std::span<const NodeId> segment_;
  Lowering lowering_;
  std::vector<LoweredNode> lowered_;                     // per segment node
  std::map<ValueId, ValueId> alias_;                     // RESHAPE output -> its input
  std::map<ValueId, std::pair<int32_t, int32_t>> life_;  // root -> first, last step
  std::map<ValueId, uint64_t> value_offset_;             // per root, in elements
  std::vector<uint64_t> weight_offset_;                  // per blob, in elements
  std::vector<uint64_t> int_weight_offset_;              // per int32 blob, in int32s
  std::vector<uint64_t> byte_weight_offset_;             // per byte blob, in bytes
  uint64_t elem_bytes_;                                  // 4 (float32) or 2 (binary16 storage)
  uint64_t memory_elems_ = 0, int_elems_ = 0, byte_elems_ = 0;  // the buffers' sizes
  std::vector<int32_t> params_, launch_base_;
};

OpenCLExecutable::~OpenCLExecutable() {
  const Api& api = ctx_.api();
  if (done_) {  // started but never finished (a failed run)
    api.clWaitForEvents(1, &done_);
    api.clReleaseEvent(done_);
  }
  for (const Enqueued& e : launches_) api.clReleaseKernel(e.kernel);
  if (params_) api.clReleaseMemObject(params_);
  if (ints_) api.clReleaseMemObject(ints_);
  if (bytes_) api.clReleaseMemObject(bytes_);
  if (memory_) api.clReleaseMemObject(memory_);
}

Result<std::unique_ptr<OpenCLExecutable>> OpenCLExecutable::compile(Context& ctx,
                                                                    const Graph& graph,
                                                                    std::span<const NodeId> segment,
                                                                    const CompileOptions& options,
                                                                    TuneChooser& chooser) {
  std::unique_ptr<OpenCLExecutable> exe(new OpenCLExecutable(ctx));
  // Reduced precision: binary16 storage on every device (the kernels' LD
  // and ST are core OpenCL, cl_khr_fp16 or not), float32 arithmetic.
  ODIN_RETURN_IF_ERROR(
      Builder(*exe, graph, segment, options.allow_reduced_precision, chooser).build());
  // Constants the lowering read were uploaded; one that comes in as a
  // segment input is read from the host at run time.
  if (options.constants)
    for (NodeId id : segment)
      for (ValueId v : graph.node(id).inputs) {
        if (v == kNoValue || !graph.value(v).is_constant()) continue;
        if (std::none_of(exe->inputs_.begin(), exe->inputs_.end(),
                         [&](const Transfer& t) { return t.value == v; }))
          options.constants->copied(id, v);
      }
  return exe;
}

namespace {

// One profiling event per launch, released however the run ends.
class LaunchEvents {
 public:
  LaunchEvents(const Api& api, size_t n) : api_(api), events_(n, nullptr) {}
  ~LaunchEvents() {
    for (cl_event e : events_)
      if (e) api_.clReleaseEvent(e);
  }
  LaunchEvents(const LaunchEvents&) = delete;
  LaunchEvents& operator=(const LaunchEvents&) = delete;
  // One slot per launch; empty when not profiling.
  std::span<cl_event> slots() { return events_; }
  // Milliseconds between launch i's start and end on the device.
  Result<double> ms(size_t i) const {
    cl_ulong start = 0, end = 0;
    ODIN_CL_CHECK(api_.clGetEventProfilingInfo(events_[i], CL_PROFILING_COMMAND_START,
                                               sizeof(start), &start, nullptr),
                  "clGetEventProfilingInfo");
    ODIN_CL_CHECK(api_.clGetEventProfilingInfo(events_[i], CL_PROFILING_COMMAND_END, sizeof(end),
                                               &end, nullptr),
                  "clGetEventProfilingInfo");
    return end > start ? static_cast<double>(end - start) * 1e-6 : 0.0;
  }

 private:
  const Api& api_;
  std::vector<cl_event> events_;
};

}  // namespace

cl_mem OpenCLExecutable::buffer(Store store) const {
  return store == Store::kMemory ? memory_ : store == Store::kInts ? ints_ : bytes_;
}

Status OpenCLExecutable::start(HostBindings& io, RunStats& stats) {
  return start(io, ctx_.queue(), {}, stats);
}

Status OpenCLExecutable::start(HostBindings& io, cl_command_queue q,
                               std::span<cl_event> launch_events, RunStats& stats) {
  if (done_) return make_error(StatusCode::kInternal, "opencl: start() before finish()");
  Status s = enqueue(io, q, launch_events);
  if (!s.ok()) {  // nothing stays queued that reads the staging or writes the host
    ctx_.api().clFinish(q);
    if (done_) ctx_.api().clReleaseEvent(std::exchange(done_, nullptr));
    return s;
  }
  stats.dispatches += stats_.launches;
  stats.submits += done_ ? 1 : 0;
  return Status();
}

Status OpenCLExecutable::enqueue(HostBindings& io, cl_command_queue q,
                                 std::span<cl_event> launch_events) {
  const Api& api = ctx_.api();
  for (const Transfer& t : inputs_) {
    const void* src = io.input(t.value).data;
    if (stats_.fp16 && t.floats())
      fp32_to_fp16(static_cast<const float*>(src), staging_in_.data() + t.staging, t.elems);
    else
      std::memcpy(staging_in_.data() + t.staging, src, t.bytes);
  }
  // The last command carries the event finish() waits for: in order, it
  // completes after every command before it.
  const size_t commands = inputs_.size() + launches_.size() + outputs_.size();
  size_t enqueued = 0;
  auto last = [&]() -> cl_event* { return ++enqueued == commands ? &done_ : nullptr; };
  for (const Transfer& t : inputs_)
    ODIN_CL_CHECK(api.clEnqueueWriteBuffer(q, buffer(t.store), CL_FALSE, t.offset, t.bytes,
                                           staging_in_.data() + t.staging, 0, nullptr, last()),
                  "clEnqueueWriteBuffer");
  for (size_t i = 0; i < launches_.size(); ++i) {
    const Enqueued& e = launches_[i];
    cl_event* done = last();
    // A profiled launch keeps its own event; the last one is also done_.
    ODIN_CL_CHECK(
        api.clEnqueueNDRangeKernel(q, e.kernel, 1, nullptr, &e.global, &e.local, 0, nullptr,
                                   launch_events.empty() ? done : &launch_events[i]),
        "clEnqueueNDRangeKernel");
    if (done && !launch_events.empty()) {
      ODIN_CL_CHECK(api.clRetainEvent(launch_events[i]), "clRetainEvent");
      done_ = launch_events[i];
    }
  }
  for (const Transfer& t : outputs_)
    ODIN_CL_CHECK(
        api.clEnqueueReadBuffer(
            q, buffer(t.store), CL_FALSE, t.offset, t.bytes,
            stats_.fp16 && t.floats() ? staging_out_.data() + t.staging : io.output(t.value).data,
            0, nullptr, last()),
        "clEnqueueReadBuffer");
  ODIN_CL_CHECK(api.clFlush(q), "clFlush");
  return Status();
}

Status OpenCLExecutable::finish(HostBindings& io) {
  if (!done_) return Status();
  const cl_event done = std::exchange(done_, nullptr);
  const cl_int err = ctx_.api().clWaitForEvents(1, &done);
  ctx_.api().clReleaseEvent(done);
  ODIN_CL_CHECK(err, "clWaitForEvents");
  if (stats_.fp16)
    for (const Transfer& t : outputs_)
      if (t.floats())
        fp16_to_fp32(staging_out_.data() + t.staging, static_cast<float*>(io.output(t.value).data),
                     t.elems);
  return Status();
}

Status OpenCLExecutable::run(HostBindings& io, std::span<double> node_ms, RunStats& stats) {
  const auto t0 = std::chrono::steady_clock::now();
  // Profiled runs go to the profiling queue with an event per launch; plain
  // runs create no events but the last command's.
  const bool profiled = !node_ms.empty() && !launches_.empty();
  cl_command_queue q = ctx_.queue();
  if (profiled) {
    ODIN_ASSIGN_OR_RETURN(q, ctx_.profiling_queue());
  }
  LaunchEvents events(ctx_.api(), profiled ? launches_.size() : 0);
  Status started = start(io, q, events.slots(), stats);
  // Whatever was enqueued is waited for before the events go.
  Status finished = finish(io);
  ODIN_RETURN_IF_ERROR(started);
  ODIN_RETURN_IF_ERROR(finished);
  if (profiled) {
    std::fill(node_ms.begin(), node_ms.end(), 0.0);
    for (size_t i = 0; i < launches_.size(); ++i) {
      ODIN_ASSIGN_OR_RETURN(const double ms, events.ms(i));
      if (launches_[i].node < node_ms.size()) node_ms[launches_[i].node] += ms;
    }
  } else if (!node_ms.empty()) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    double total = 0;
    for (double w : node_weight_) total += w;
    for (size_t i = 0; i < node_ms.size() && i < node_weight_.size(); ++i)
      node_ms[i] = ms * node_weight_[i] / total;
  }
  return Status();
}

}  // namespace odin::cl

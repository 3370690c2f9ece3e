#include "backends/vulkan/vk_executable.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>

#include "backends/vulkan/vk_lower.h"
#include "backends/vulkan/vk_record.h"
#include "core/arena_plan.h"
#include "ops/op_def.h"
#include "ops/q8_gpu.h"
#include "quant/affine.h"
#include "quant/fp16.h"
#include "runtime/device_segment.h"

namespace odin::vk {
namespace {

uint64_t align_up(uint64_t n, uint64_t a) {
  return (n + a - 1) / a * a;
}

// Lowering's view of the graph: weights are collected (in the run
// precision) for one upload.
class Lowering final : public LowerContext {
 public:
  Lowering(const Graph& g, bool fp16, bool cpu, bool subgroups, uint32_t shared_memory,
           uint32_t max_group, TuneChooser& chooser)
      : graph_(g),
        fp16_(fp16),
        cpu_(cpu),
        subgroups_(subgroups),
        shared_memory_(shared_memory),
        max_group_(max_group),
        chooser_(chooser) {}
  bool cpu_device() const override { return cpu_; }
  bool subgroups() const override { return subgroups_; }
  uint32_t shared_memory_bytes() const override { return shared_memory_; }
  const Graph& graph() const override { return graph_; }
  int32_t add_weights(std::vector<float> values) override {
    std::vector<uint8_t>& blob = blobs.emplace_back();
    if (fp16_) {
      blob.resize(values.size() * 2);
      for (size_t i = 0; i < values.size(); ++i) {
        const uint16_t h = fp32_to_fp16(values[i]);
        std::memcpy(blob.data() + 2 * i, &h, 2);
      }
    } else {
      blob.resize(values.size() * 4);
      std::memcpy(blob.data(), values.data(), blob.size());
    }
    return static_cast<int32_t>(blobs.size() - 1);
  }
  int32_t add_bytes(std::vector<uint8_t> bytes) override {
    blobs.push_back(std::move(bytes));
    return static_cast<int32_t>(blobs.size() - 1);
  }

  std::vector<int32_t> blobs_of(ValueId v, const std::string& form) const override {
    const auto it = derived_.find({v, form});
    return it != derived_.end() ? it->second : std::vector<int32_t>();
  }
  void remember_blobs(ValueId v, const std::string& form, std::vector<int32_t> blobs) override {
    derived_[{v, form}] = std::move(blobs);
  }

  // Candidates of work groups larger than the device allows are dropped
  // (a pipeline of one would not compile); group 0 is the default, 64.
  TuneParams tune(const std::string& shape, std::span<const TuneParams> candidates) override {
    std::vector<TuneParams> fit;
    for (const TuneParams& t : candidates)
      if (max_group_ == 0 || static_cast<uint32_t>(t.group) <= max_group_) fit.push_back(t);
    if (fit.empty()) fit.push_back(candidates[0]);
    return chooser_.choose(node, shape, fit);
  }

  std::vector<std::vector<uint8_t>> blobs;
  size_t node = 0;  // the segment node being lowered

 private:
  const Graph& graph_;
  bool fp16_;
  bool cpu_;
  bool subgroups_;
  uint32_t shared_memory_;
  uint32_t max_group_;  // maxComputeWorkGroupInvocations (0: unknown)
  TuneChooser& chooser_;
  std::map<std::pair<ValueId, std::string>, std::vector<int32_t>> derived_;
};

// The index in graph.dim_symbols() of the symbol a dim of v follows.
std::optional<size_t> symbol_of(const Graph& g, ValueId v) {
  const Shape& shape = g.value(v).shape;
  for (size_t i = 0; i < shape.rank(); ++i) {
    if (shape.symbol(i).empty()) continue;
    for (size_t s = 0; s < g.dim_symbols().size(); ++s)
      if (g.dim_symbols()[s].name == shape.symbol(i)) return s;
  }
  return std::nullopt;
}

// `groups` workgroups over x, then y (the kernels flatten them).
void split_groups(const Context& ctx, uint64_t groups, Command& c) {
  const uint32_t max_x = std::max<uint32_t>(ctx.info().max_workgroup_count[0], 1);
  c.groups_x = static_cast<uint32_t>(std::min<uint64_t>(groups, max_x));
  c.groups_y = c.groups_x == 0 ? 1 : static_cast<uint32_t>((groups + c.groups_x - 1) / c.groups_x);
}

}  // namespace

// compile() step by step: lower the nodes, find the segment's boundary,
// plan device memory, resolve dispatches and transfers into commands, then
// upload the weights and record the command buffer.
class VulkanExecutable::Builder {
 public:
  Builder(VulkanExecutable& exe, std::span<const NodeId> segment, const CompileOptions& options,
          TuneChooser& chooser)
      : exe_(exe),
        ctx_(exe.ctx_),
        g_(exe.graph_),
        segment_(segment),
        fp16_(options.allow_reduced_precision && ctx_.fp16_enabled()),
        elem_(fp16_ ? 2 : 4),
        alignment_(std::max<uint64_t>(64, ctx_.info().min_storage_buffer_offset_alignment)),
        lowering_(g_, fp16_, ctx_.info().kind == DeviceKind::kCpu, ctx_.subgroups_enabled(),
                  ctx_.info().max_shared_memory, ctx_.info().max_workgroup_invocations, chooser) {}

  Status build() {
    exe_.stats_.fp16 = fp16_;
    ODIN_RETURN_IF_ERROR(lower_nodes());
    find_boundary();
    ODIN_RETURN_IF_ERROR(plan_memory());
    ODIN_RETURN_IF_ERROR(make_commands());
    ODIN_RETURN_IF_ERROR(record());
    share_time_by_work();
    return Status();
  }

 private:
  // 1. Every node to its dispatches (or an alias of its input).
  Status lower_nodes() {
    for (NodeId id : segment_) {
      lowering_.node = lowered_.size();
      const Node& node = g_.node(id);
      const VkOp* op = find_vk_op(node.op, is_quantized_node(g_, node));
      if (!op)
        return make_error(StatusCode::kInternal, "vulkan: no lowering for ", op_type_name(node.op));
      LoweredNode& ln = lowered_.emplace_back();
      Status s = op->lower(lowering_, node, &ln);
      if (!s.ok()) return s.with_context(g_.describe_node(id));
      if (ln.alias_of != kNoValue) {
        alias_[node.outputs[0]] = ln.alias_of;
        ++exe_.stats_.aliased_nodes;
      }
    }
    return Status();
  }

  // 2. The segment's inputs, outputs and buffer lifetimes (runtime/device_segment.h).
  void find_boundary() {
    std::vector<std::vector<ValueId>> used(segment_.size());
    for (size_t s = 0; s < segment_.size(); ++s) {
      const LoweredNode& ln = lowered_[s];
      if (ln.alias_of != kNoValue) used[s] = {ln.alias_of, g_.node(segment_[s]).outputs[0]};
      for (const Dispatch& d : ln.dispatches)
        for (const Operand& op : d.bindings) {
          if (op.kind != Operand::Kind::kValue) continue;
          if (g_.value(op.id).persistent)
            exe_.state_.try_emplace(op.id);  // device memory of its own, not the arena's
          else
            used[s].push_back(op.id);
        }
    }
    SegmentValues values = segment_values(g_, segment_, used, alias_);
    seg_inputs_ = std::move(values.inputs);
    seg_outputs_ = std::move(values.outputs);
    life_ = std::move(values.life);
  }

  // 3. The device arena, the weight buffer and the staging buffers.
  Status plan_memory() {
    std::vector<ValueId> roots;
    std::vector<ArenaRequest> requests;
    for (const auto& [r, fl] : life_) {
      roots.push_back(r);
      requests.push_back({fl.first, fl.second, value_bytes(r)});
    }
    const ArenaPlan plan = plan_arena(requests, alignment_);
    for (size_t i = 0; i < roots.size(); ++i) arena_offset_[roots[i]] = plan.offsets[i];
    exe_.stats_.arena_bytes = plan.bytes;
    constexpr VkBufferUsageFlags kStorage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
    ODIN_ASSIGN_OR_RETURN(exe_.arena_, Buffer::create(ctx_, std::max<uint64_t>(plan.bytes, 64),
                                                      kStorage | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                                          VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                                      MemoryUse::kDeviceLocal));
    // Persistent state: a device buffer each, kept across runs.
    for (auto& [v, buffer] : exe_.state_) {
      const int64_t bytes = tensor_bytes(g_.value(v).dtype, g_.value(v).shape);
      if (bytes <= 0)
        return make_error(StatusCode::kInvalidArgument, "vulkan: state ", g_.value(v).name,
                          " has no byte size");
      ODIN_ASSIGN_OR_RETURN(buffer, Buffer::create(ctx_, align_up(static_cast<uint64_t>(bytes), 4),
                                                   kStorage, MemoryUse::kDeviceLocal));
      exe_.stats_.state_bytes += align_up(static_cast<uint64_t>(bytes), 4);
    }
    // Weights: one device-local buffer, filled once through a staging copy.
    for (const auto& blob : lowering_.blobs) {
      weight_offset_.push_back(weight_bytes_);
      weight_bytes_ = align_up(weight_bytes_ + std::max<size_t>(blob.size(), 4), alignment_);
    }
    exe_.stats_.weight_bytes = weight_bytes_;
    ODIN_ASSIGN_OR_RETURN(exe_.weights_, Buffer::create(ctx_, std::max<uint64_t>(weight_bytes_, 64),
                                                        kStorage | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                                        MemoryUse::kDeviceLocal));
    // Staging for the segment's inputs and outputs, as the host has them (fp32, int8).
    const uint64_t in_bytes = layout_staging(seg_inputs_, exe_.inputs_);
    const uint64_t out_bytes = layout_staging(seg_outputs_, exe_.outputs_);
    exe_.stats_.staging_bytes = in_bytes + out_bytes;
    ODIN_ASSIGN_OR_RETURN(
        exe_.staging_in_,
        Buffer::create(ctx_, in_bytes, kStorage | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                       MemoryUse::kUpload));
    ODIN_ASSIGN_OR_RETURN(
        exe_.staging_out_,
        Buffer::create(ctx_, out_bytes, kStorage | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                       MemoryUse::kReadback));
    return Status();
  }

  // 4. Every dispatch and transfer as a command with bound buffers.
  Status make_commands() {
    for (size_t i = 0; i < exe_.inputs_.size(); ++i)
      ODIN_RETURN_IF_ERROR(add_transfer(exe_.inputs_[i], static_cast<int32_t>(i), true));
    // Profiled runs stamp the time before the first node and after each one.
    exe_.node_marks_.push_back(exe_.commands_.size());
    for (const LoweredNode& ln : lowered_) {
      for (const Dispatch& d : ln.dispatches) ODIN_RETURN_IF_ERROR(add_dispatch(d));
      exe_.node_marks_.push_back(exe_.commands_.size());
    }
    for (size_t i = 0; i < exe_.outputs_.size(); ++i)
      ODIN_RETURN_IF_ERROR(add_transfer(exe_.outputs_[i], static_cast<int32_t>(i), false));
    return Status();
  }

  // 5. Command pool, the weight upload, descriptor sets, the recording.
  Status record() {
    const DeviceApi& api = ctx_.api();
    auto cpi = make_info<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
    cpi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;  // re-recorded after the upload
    cpi.queueFamilyIndex = ctx_.queue_family();
    ODIN_VK_CHECK(api.vkCreateCommandPool(ctx_.device(), &cpi, nullptr, &exe_.command_pool_),
                  "vkCreateCommandPool");
    auto cai =
        make_info<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
    cai.commandPool = exe_.command_pool_;
    cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    cai.commandBufferCount = 1;
    ODIN_VK_CHECK(api.vkAllocateCommandBuffers(ctx_.device(), &cai, &exe_.command_buffer_),
                  "vkAllocateCommandBuffers");
    auto fci = make_info<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
    ODIN_VK_CHECK(api.vkCreateFence(ctx_.device(), &fci, nullptr, &exe_.fence_), "vkCreateFence");
    ODIN_RETURN_IF_ERROR(upload_weights());
    ODIN_ASSIGN_OR_RETURN(exe_.sets_,
                          make_descriptor_sets(ctx_, exe_.commands_, &exe_.descriptor_pool_));
    ODIN_ASSIGN_OR_RETURN(exe_.stats_.barriers,
                          record_commands(ctx_, exe_.command_buffer_, exe_.commands_, exe_.sets_));
    exe_.count_launched();
    return Status();
  }

  // 6. Without device timestamps a submit has no per-node times: the run's
  //    time is then shared by estimated work.
  void share_time_by_work() {
    for (size_t s = 0; s < segment_.size(); ++s) {
      const double w = lowered_[s].dispatches.empty()
                           ? 0.0
                           : 1.0 + static_cast<double>(
                                       std::max<int64_t>(node_work(g_, g_.node(segment_[s])), 0));
      exe_.node_weight_.push_back(w);
    }
  }

  ValueId root(ValueId v) const { return alias_root(alias_, v); }
  // Bytes per element in the arena: int8/uint8 stay one byte (four to a
  // 32-bit word, vk_quant.h); floats take the run precision's size.
  // int32 values (token ids, positions) stay 4 bytes.
  uint64_t elem_bytes(ValueId v) const {
    const DType t = g_.value(v).dtype;
    return is_affine_dtype(t) ? 1 : t == DType::kI32 ? 4 : elem_;
  }
  uint64_t value_bytes(ValueId v) const {
    return align_up(static_cast<uint64_t>(g_.value(v).shape.num_elements()) * elem_bytes(v), 4);
  }
  uint64_t layout_staging(const std::vector<ValueId>& values, std::vector<Transfer>& out) const {
    uint64_t off = 0;
    for (ValueId v : values) {
      const Value& val = g_.value(v);
      const size_t bytes = static_cast<size_t>(val.shape.num_elements()) * dtype_size(val.dtype);
      out.push_back({v, off, bytes});
      off = align_up(off + bytes, alignment_);
    }
    return std::max<uint64_t>(off, 64);
  }

  BoundBuffer bind(const Operand& op) const {
    BoundBuffer bb;
    uint64_t elem = elem_;
    switch (op.kind) {
      case Operand::Kind::kValue:
        if (const auto st = exe_.state_.find(op.id); st != exe_.state_.end()) {
          bb.buffer = st->second.handle();
          bb.range = st->second.size();
          elem = 1;  // touched whole
          break;
        }
        elem = elem_bytes(op.id);
        bb.buffer = exe_.arena_.handle();
        bb.offset = arena_offset_.at(root(op.id));
        bb.range = value_bytes(op.id);
        break;
      case Operand::Kind::kWeights:
        bb.buffer = exe_.weights_.handle();
        bb.offset = weight_offset_[static_cast<size_t>(op.id)];
        bb.range =
            std::max<uint64_t>(align_up(lowering_.blobs[static_cast<size_t>(op.id)].size(), 4), 4);
        bb.tracked = false;  // read-only after the upload
        break;
      case Operand::Kind::kStagingIn:
      case Operand::Kind::kStagingOut: {
        const bool in = op.kind == Operand::Kind::kStagingIn;
        const Transfer& t = in ? exe_.inputs_[static_cast<size_t>(op.id)]
                               : exe_.outputs_[static_cast<size_t>(op.id)];
        bb.buffer = in ? exe_.staging_in_.handle() : exe_.staging_out_.handle();
        bb.offset = t.staging_offset;
        bb.range = t.host_bytes;
        elem = 4;
        break;
      }
    }
    bb.touch_offset = bb.offset;
    bb.touch_size = bb.range;
    if (op.count >= 0) {
      bb.touch_offset = bb.offset + static_cast<uint64_t>(op.first) * elem;
      bb.touch_size = static_cast<uint64_t>(op.count) * elem;
    }
    return bb;
  }

  Status add_dispatch(const Dispatch& d) {
    Command c;
    PipelineKey key{d.kernel, fp16_, d.spec, static_cast<uint32_t>(d.bindings.size()), d.group};
    ODIN_ASSIGN_OR_RETURN(c.pipeline, ctx_.pipelines().get(key));
    if (d.push.size() * 4 > kPushConstantBytes)
      return make_error(StatusCode::kInternal, "vulkan: ", d.kernel, " pushes too many constants");
    c.push = d.push;
    for (const Operand& op : d.bindings) {
      c.bindings.push_back(bind(op));
      if (c.bindings.back().range > ctx_.info().max_storage_buffer_range)
        return make_error(StatusCode::kUnsupported, "vulkan: ", d.kernel, " binds ",
                          c.bindings.back().range,
                          " bytes, over the device's storage buffer limit of ",
                          ctx_.info().max_storage_buffer_range);
    }
    const uint64_t group = d.group != 0 ? d.group : 64;
    if (group > ctx_.info().max_workgroup_invocations)
      return make_error(StatusCode::kUnsupported, "vulkan: ", d.kernel, " workgroup of ", group,
                        " over the device's limit");
    const uint64_t groups = (d.invocations + group - 1) / group;
    split_groups(ctx_, groups, c);
    if (c.groups_y > ctx_.info().max_workgroup_count[1])
      return make_error(StatusCode::kUnsupported, "vulkan: ", d.kernel,
                        " needs too many workgroups");
    // The value it writes (a to_host conversion: reads) may follow a dim symbol.
    ValueId sized = d.follows;
    for (const Operand& op : d.bindings)
      if (sized == kNoValue && op.kind == Operand::Kind::kValue) sized = op.id;
    const std::optional<size_t> sym =
        sized != kNoValue ? symbol_of(g_, sized) : std::optional<size_t>();
    // A dispatch for other rows than the planned ones: none when the rows
    // never change, else recorded without workgroups until a run needs it.
    if (d.rows > 0 && (d.rows < d.min_rows || d.rows > d.max_rows)) {
      if (!sym) return Status();
      c.groups_x = c.groups_y = 0;
    }
    if (sym) {
      RunScaled r{exe_.commands_.size(), *sym, d.invocations, static_cast<uint32_t>(group)};
      r.rows = d.rows;
      r.min_rows = d.min_rows;
      r.max_rows = d.max_rows;
      r.row_tile = d.row_tile;
      if (d.row_tile > 0 && d.rows > 0)
        r.tile_groups = groups / static_cast<uint64_t>((d.rows + d.row_tile - 1) / d.row_tile);
      exe_.run_scaled_.push_back(r);
    }
    exe_.commands_.push_back(std::move(c));
    ++exe_.stats_.dispatches;
    exe_.stats_.kernels.push_back(d.kernel);
    return Status();
  }

  // fp32 arenas and int8 values take plain copies; fp16 ones convert in a kernel.
  Status add_transfer(const Transfer& t, int32_t index, bool to_device) {
    const int64_t n = g_.value(t.value).shape.num_elements();
    const DType dtype = g_.value(t.value).dtype;
    if (!fp16_ || is_affine_dtype(dtype) || dtype == DType::kI32) {
      Command c;
      c.kind = Command::Kind::kCopy;
      const VkDeviceSize arena_off = arena_offset_.at(root(t.value));
      c.src = to_device ? exe_.staging_in_.handle() : exe_.arena_.handle();
      c.dst = to_device ? exe_.arena_.handle() : exe_.staging_out_.handle();
      c.region = {to_device ? t.staging_offset : arena_off,
                  to_device ? arena_off : t.staging_offset, t.host_bytes};
      if (const auto sym = symbol_of(g_, t.value))
        exe_.run_scaled_.push_back({exe_.commands_.size(), *sym, t.host_bytes, 0});
      exe_.commands_.push_back(std::move(c));
      ++exe_.stats_.copies;
      return Status();
    }
    Dispatch d;
    d.kernel = to_device ? "to_device" : "to_host";
    d.push_int(n);
    const Operand staging{to_device ? Operand::Kind::kStagingIn : Operand::Kind::kStagingOut,
                          index};
    d.bindings = to_device ? std::vector<Operand>{Operand::value(t.value), staging}
                           : std::vector<Operand>{staging, Operand::value(t.value)};
    set_invocations(d, n);
    return add_dispatch(d);
  }

  Status upload_weights() {
    if (weight_bytes_ == 0) return Status();
    ODIN_ASSIGN_OR_RETURN(
        Buffer upload,
        Buffer::create(ctx_, weight_bytes_, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUse::kUpload));
    for (size_t i = 0; i < lowering_.blobs.size(); ++i)
      std::memcpy(upload.mapped() + weight_offset_[i], lowering_.blobs[i].data(),
                  lowering_.blobs[i].size());
    Command copy;
    copy.kind = Command::Kind::kCopy;
    copy.src = upload.handle();
    copy.dst = exe_.weights_.handle();
    copy.region = {0, 0, weight_bytes_};
    ODIN_RETURN_IF_ERROR(
        record_commands(ctx_, exe_.command_buffer_, std::span(&copy, 1), {}).status());
    return ctx_.submit_and_wait(exe_.command_buffer_, exe_.fence_);
  }

  VulkanExecutable& exe_;
  Context& ctx_;
  const Graph& g_;
  std::span<const NodeId> segment_;
  const bool fp16_;
  const uint64_t elem_;       // bytes per arena element
  const uint64_t alignment_;  // of every buffer region we bind
  Lowering lowering_;
  std::vector<LoweredNode> lowered_;                     // per segment node
  std::map<ValueId, ValueId> alias_;                     // RESHAPE output -> its input
  std::map<ValueId, std::pair<int32_t, int32_t>> life_;  // root -> first, last step
  std::vector<ValueId> seg_inputs_, seg_outputs_;
  std::map<ValueId, uint64_t> arena_offset_;  // per root value
  std::vector<uint64_t> weight_offset_;       // per blob
  uint64_t weight_bytes_ = 0;
};

VulkanExecutable::~VulkanExecutable() {
  const DeviceApi& api = ctx_.api();
  if (in_flight_) (void)ctx_.wait(fence_);  // started but never finished (a failed run)
  if (fence_ != VK_NULL_HANDLE) api.vkDestroyFence(ctx_.device(), fence_, nullptr);
  for (VkCommandBuffer cb : {command_buffer_, profiled_buffer_})
    if (cb != VK_NULL_HANDLE) api.vkFreeCommandBuffers(ctx_.device(), command_pool_, 1, &cb);
  if (query_pool_ != VK_NULL_HANDLE) api.vkDestroyQueryPool(ctx_.device(), query_pool_, nullptr);
  if (command_pool_ != VK_NULL_HANDLE)
    api.vkDestroyCommandPool(ctx_.device(), command_pool_, nullptr);
  if (descriptor_pool_ != VK_NULL_HANDLE)
    api.vkDestroyDescriptorPool(ctx_.device(), descriptor_pool_, nullptr);
}

Result<std::unique_ptr<VulkanExecutable>> VulkanExecutable::compile(Context& ctx,
                                                                    const Graph& graph,
                                                                    std::span<const NodeId> segment,
                                                                    const CompileOptions& options,
                                                                    TuneChooser& chooser) {
  std::unique_ptr<VulkanExecutable> exe(new VulkanExecutable(ctx, graph));
  exe->nodes_.assign(segment.begin(), segment.end());
  for (const DimSymbol& d : graph.dim_symbols()) exe->recorded_dims_.push_back(d.max);
  ODIN_RETURN_IF_ERROR(Builder(*exe, segment, options, chooser).build());
  // Constants the lowering read (weights, paddings, axes) were copied; one
  // bound as a segment input would be read from the host at run time.
  if (options.constants)
    for (NodeId id : segment)
      for (ValueId v : graph.node(id).inputs) {
        if (v == kNoValue || !graph.value(v).is_constant()) continue;
        const bool staged = std::any_of(exe->inputs_.begin(), exe->inputs_.end(),
                                        [&](const Transfer& t) { return t.value == v; });
        if (!staged) options.constants->copied(id, v);
      }
  return exe;
}

namespace {

// A value whose dims are set per run is a prefix of its planned bytes.
template <typename View>
size_t run_bytes(size_t planned, const View& v) {
  return std::min<size_t>(
      planned, static_cast<size_t>(std::max<int64_t>(tensor_bytes(v.dtype, v.shape), 0)));
}

}  // namespace

Status VulkanExecutable::run(HostBindings& io, std::span<double> node_ms, RunStats& stats) {
  const auto t0 = std::chrono::steady_clock::now();
  // Device timestamps when profiling and the queue has them; else the
  // plain recording, which costs nothing extra.
  const bool stamped = !node_ms.empty() && device_work() && ctx_.timestamp_bits() > 0;
  ODIN_RETURN_IF_ERROR(start(io, stamped, stats));
  ODIN_RETURN_IF_ERROR(finish(io));
  if (stamped) return read_node_times(node_ms);
  if (!node_ms.empty()) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    double total = 0;
    for (double w : node_weight_) total += w;
    for (size_t i = 0; i < node_ms.size() && i < node_weight_.size(); ++i)
      node_ms[i] = total > 0 ? ms * node_weight_[i] / total : 0.0;
  }
  return Status();
}

Status VulkanExecutable::start(HostBindings& io, RunStats& stats) {
  return start(io, false, stats);
}

Status VulkanExecutable::start(HostBindings& io, bool stamped, RunStats& stats) {
  if (!run_scaled_.empty())
    if (std::vector<int64_t> dims = run_dims(io); dims != recorded_dims_)
      ODIN_RETURN_IF_ERROR(rerecord(dims));
  for (const Transfer& t : inputs_) {
    const ConstTensorView v = io.input(t.value);
    std::memcpy(staging_in_.mapped() + t.staging_offset, v.data, run_bytes(t.host_bytes, v));
  }
  if (stamped) ODIN_RETURN_IF_ERROR(prepare_profiled());
  if (device_work()) {
    ODIN_RETURN_IF_ERROR(ctx_.submit(stamped ? profiled_buffer_ : command_buffer_, fence_));
    in_flight_ = true;
  }
  stats.dispatches += launched_;
  stats.submits += device_work() ? 1 : 0;
  return Status();
}

Status VulkanExecutable::finish(HostBindings& io) {
  if (in_flight_) {
    in_flight_ = false;
    ODIN_RETURN_IF_ERROR(ctx_.wait(fence_));
  }
  for (const Transfer& t : outputs_) {
    const TensorView v = io.output(t.value);
    std::memcpy(v.data, staging_out_.mapped() + t.staging_offset, run_bytes(t.host_bytes, v));
  }
  return Status();
}

std::vector<int64_t> VulkanExecutable::run_dims(HostBindings& io) const {
  std::vector<int64_t> dims = recorded_dims_;
  for (size_t s = 0; s < dims.size(); ++s) dims[s] = graph_.dim_symbols()[s].max;
  for (const Transfer& t : inputs_) {
    const Shape& planned = graph_.value(t.value).shape;
    const Shape run = io.input(t.value).shape;
    if (run.rank() != planned.rank()) continue;
    for (size_t i = 0; i < planned.rank(); ++i) {
      if (planned.symbol(i).empty()) continue;
      for (size_t s = 0; s < dims.size(); ++s)
        if (graph_.dim_symbols()[s].name == planned.symbol(i))
          dims[s] = std::clamp<int64_t>(run[i], 0, graph_.dim_symbols()[s].max);
    }
  }
  return dims;
}

Status VulkanExecutable::rerecord(const std::vector<int64_t>& dims) {
  for (const RunScaled& r : run_scaled_) {
    const auto max =
        static_cast<uint64_t>(std::max<int64_t>(graph_.dim_symbols()[r.symbol].max, 1));
    const auto n = static_cast<uint64_t>(dims[r.symbol]);
    const uint64_t amount = (r.planned * n + max - 1) / max;
    Command& c = commands_[r.command];
    if (r.rows > 0) {  // a kernel for some row counts, or row-tiled
      const auto rows = static_cast<int64_t>((static_cast<uint64_t>(r.rows) * n + max - 1) / max);
      if (rows < r.min_rows || rows > r.max_rows) {
        c.groups_x = c.groups_y = 0;  // another dispatch of the node runs
        continue;
      }
      if (r.row_tile > 0) {
        split_groups(
            ctx_, static_cast<uint64_t>((rows + r.row_tile - 1) / r.row_tile) * r.tile_groups, c);
        continue;
      }
    }
    if (r.group == 0)
      c.region.size = std::max<uint64_t>(amount, 1);  // a copy of no bytes is invalid
    else
      split_groups(ctx_, (amount + r.group - 1) / r.group, c);
  }
  ODIN_RETURN_IF_ERROR(record_commands(ctx_, command_buffer_, commands_, sets_).status());
  count_launched();
  if (profiled_buffer_ != VK_NULL_HANDLE) {  // recorded again on the next profiled run
    ctx_.api().vkFreeCommandBuffers(ctx_.device(), command_pool_, 1, &profiled_buffer_);
    profiled_buffer_ = VK_NULL_HANDLE;
  }
  recorded_dims_ = dims;
  return Status();
}

void VulkanExecutable::count_launched() {
  launched_ =
      static_cast<int>(std::count_if(commands_.begin(), commands_.end(), [](const Command& c) {
        return c.kind == Command::Kind::kDispatch && c.groups_x > 0 && c.groups_y > 0;
      }));
}

// A second recording of the same commands with timestamps, made on the
// first profiled run so that runs without profiling never pay for it.
Status VulkanExecutable::prepare_profiled() {
  if (profiled_buffer_ != VK_NULL_HANDLE) return Status();
  const DeviceApi& api = ctx_.api();
  auto qpi = make_info<VkQueryPoolCreateInfo>(VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO);
  qpi.queryType = VK_QUERY_TYPE_TIMESTAMP;
  qpi.queryCount = static_cast<uint32_t>(node_marks_.size());
  if (query_pool_ == VK_NULL_HANDLE)
    ODIN_VK_CHECK(api.vkCreateQueryPool(ctx_.device(), &qpi, nullptr, &query_pool_),
                  "vkCreateQueryPool");
  auto cai = make_info<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
  cai.commandPool = command_pool_;
  cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cai.commandBufferCount = 1;
  ODIN_VK_CHECK(api.vkAllocateCommandBuffers(ctx_.device(), &cai, &profiled_buffer_),
                "vkAllocateCommandBuffers");
  const TimestampMarks stamps{query_pool_, node_marks_};
  return record_commands(ctx_, profiled_buffer_, commands_, sets_, &stamps).status();
}

// Node s ran between timestamps s and s + 1 (wrapping at the valid bits).
Status VulkanExecutable::read_node_times(std::span<double> node_ms) const {
  std::vector<uint64_t> ticks(node_marks_.size());
  ODIN_VK_CHECK(ctx_.api().vkGetQueryPoolResults(
                    ctx_.device(), query_pool_, 0, static_cast<uint32_t>(ticks.size()),
                    ticks.size() * sizeof(uint64_t), ticks.data(), sizeof(uint64_t),
                    VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT),
                "vkGetQueryPoolResults");
  const uint32_t bits = ctx_.timestamp_bits();
  const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  const double ns_per_tick = ctx_.info().timestamp_period_ns;
  for (size_t i = 0; i < node_ms.size() && i + 1 < ticks.size(); ++i) {
    const bool ran = node_marks_[i + 1] > node_marks_[i];
    node_ms[i] =
        ran ? static_cast<double>((ticks[i + 1] - ticks[i]) & mask) * ns_per_tick * 1e-6 : 0.0;
  }
  return Status();
}

}  // namespace odin::vk

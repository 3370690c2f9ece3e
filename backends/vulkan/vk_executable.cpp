#include "backends/vulkan/vk_executable.h"

#include <chrono>
#include <cstring>
#include <map>
#include <set>

#include "backends/vulkan/vk_arena.h"
#include "backends/vulkan/vk_fold.h"
#include "backends/vulkan/vk_fuse.h"
#include "backends/vulkan/vk_lower.h"
#include "backends/vulkan/vk_record.h"
#include "backends/vulkan/vk_support.h"
#include "ops/cost.h"
#include "quant/fp16.h"

namespace odin::vk {
namespace {

uint64_t align_up(uint64_t n, uint64_t a) {
  return (n + a - 1) / a * a;
}

// Lowering's view of the graph: constants come from the folder, weights are
// collected (in the run precision) for one upload.
class Lowering final : public LowerContext {
 public:
  Lowering(const Graph& g, ConstantFolder& folder, const std::map<ValueId, FusedPad>& pads,
           bool fp16)
      : graph_(g), folder_(folder), pads_(pads), fp16_(fp16) {}
  const Graph& graph() const override { return graph_; }
  ConstTensorView constant(ValueId v) const override {
    auto r = folder_.get(v);
    if (!r.ok()) {
      if (status_.ok()) status_ = r.status();
      return {};
    }
    return *r;
  }
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
  const FusedPad* fused_pad(ValueId v) const override {
    auto it = pads_.find(v);
    return it == pads_.end() ? nullptr : &it->second;
  }
  const Status& status() const { return status_; }

  std::vector<std::vector<uint8_t>> blobs;

 private:
  const Graph& graph_;
  ConstantFolder& folder_;
  const std::map<ValueId, FusedPad>& pads_;
  bool fp16_;
  mutable Status status_;
};

}  // namespace

// Compile-time state shared by the steps of compile().
struct VulkanExecutable::Build {
  bool fp16 = false;
  uint64_t elem = 4;                         // bytes per arena element
  uint64_t alignment = 64;                   // of every buffer region we bind
  std::vector<LoweredNode> lowered;          // per segment node (empty for folded ones)
  std::vector<bool> folded;                  // per segment node
  std::map<ValueId, ValueId> alias;          // RESHAPE output -> its input
  std::map<ValueId, uint64_t> arena_offset;  // per root value
  std::vector<uint64_t> weight_offset;       // per blob

  ValueId root(ValueId v) const {
    for (auto it = alias.find(v); it != alias.end(); it = alias.find(v)) v = it->second;
    return v;
  }
  uint64_t value_bytes(const Graph& g, ValueId v) const {
    return align_up(static_cast<uint64_t>(g.value(v).shape.num_elements()) * elem, 4);
  }
};

VulkanExecutable::~VulkanExecutable() {
  const DeviceApi& api = ctx_.api();
  if (fence_ != VK_NULL_HANDLE) api.vkDestroyFence(ctx_.device(), fence_, nullptr);
  if (commands_ != VK_NULL_HANDLE)
    api.vkFreeCommandBuffers(ctx_.device(), command_pool_, 1, &commands_);
  if (command_pool_ != VK_NULL_HANDLE)
    api.vkDestroyCommandPool(ctx_.device(), command_pool_, nullptr);
  if (descriptor_pool_ != VK_NULL_HANDLE)
    api.vkDestroyDescriptorPool(ctx_.device(), descriptor_pool_, nullptr);
}

Result<std::unique_ptr<VulkanExecutable>> VulkanExecutable::compile(Context& ctx,
                                                                    const Graph& graph,
                                                                    std::span<const NodeId> segment,
                                                                    const CompileOptions& options) {
  std::unique_ptr<VulkanExecutable> exe(new VulkanExecutable(ctx, graph));
  exe->nodes_.assign(segment.begin(), segment.end());
  const DeviceApi& api = ctx.api();
  Build b;
  b.fp16 = options.allow_reduced_precision && ctx.fp16_enabled();
  b.elem = b.fp16 ? 2 : 4;
  b.alignment = std::max<uint64_t>(64, ctx.info().min_storage_buffer_offset_alignment);
  exe->stats_.fp16 = b.fp16;

  // Values read outside the segment (they must exist in host memory).
  const std::set<NodeId> in_segment(segment.begin(), segment.end());
  std::set<ValueId> needed_outside(graph.outputs().begin(), graph.outputs().end());
  for (size_t n = 0; n < graph.num_nodes(); ++n)
    if (!in_segment.count(static_cast<NodeId>(n)))
      for (ValueId v : graph.node(static_cast<NodeId>(n)).inputs)
        if (v != kNoValue) needed_outside.insert(v);

  // 1. Fold constant nodes, fuse PADs into their readers, lower the rest.
  ConstantFolder folder(graph);
  // optimize=false runs the graph as imported: no cross-node fusion.
  const std::map<ValueId, FusedPad> fused_pads =
      options.optimize ? plan_pad_fusion(graph, segment, needed_outside)
                       : std::map<ValueId, FusedPad>{};
  Lowering lowering(graph, folder, fused_pads, b.fp16);
  std::set<ValueId> produced;  // by lowered (device) nodes of this segment
  for (NodeId id : segment) {
    const Node& node = graph.node(id);
    bool constant = true;
    for (ValueId v : node.inputs) constant = constant && is_constant_foldable(graph, v);
    b.folded.push_back(constant);
    b.lowered.emplace_back();
    if (constant) {
      for (ValueId o : node.outputs) ODIN_RETURN_IF_ERROR(folder.get(o).status());
      ++exe->stats_.folded_nodes;
      continue;
    }
    if (node.op == OpType::kPad && fused_pads.count(node.outputs[0])) {
      ++exe->stats_.fused_nodes;  // its reader does the padding
      continue;
    }
    Status s = lower_node(lowering, node, &b.lowered.back());
    if (s.ok()) s = lowering.status();
    if (!s.ok()) return s.with_context(graph.describe_node(id));
    if (b.lowered.back().alias_of != kNoValue) {
      b.alias[node.outputs[0]] = b.lowered.back().alias_of;
      ++exe->stats_.aliased_nodes;
    }
    for (ValueId o : node.outputs) produced.insert(o);
  }

  // 2. Segment boundary: values read here but made elsewhere come in;
  //    values made here and read elsewhere (or graph outputs) go out.
  std::vector<ValueId> seg_inputs, seg_outputs;
  std::map<ValueId, std::pair<int32_t, int32_t>> life;  // root -> first, last step
  const auto steps = static_cast<int32_t>(segment.size());
  auto touch = [&](ValueId v, int32_t step) {
    const ValueId r = b.root(v);
    auto [it, fresh] = life.try_emplace(r, step, step);
    if (!fresh) {
      it->second.first = std::min(it->second.first, step);
      it->second.second = std::max(it->second.second, step);
    }
  };
  for (int32_t s = 0; s < steps; ++s) {
    const LoweredNode& ln = b.lowered[static_cast<size_t>(s)];
    std::vector<ValueId> used;
    if (ln.alias_of != kNoValue)
      used = {ln.alias_of, graph.node(segment[static_cast<size_t>(s)]).outputs[0]};
    for (const Dispatch& d : ln.dispatches)
      for (const Operand& op : d.bindings)
        if (op.kind == Operand::Kind::kValue) used.push_back(op.id);
    for (ValueId v : used) {
      touch(v, s);
      if (!produced.count(v) &&
          std::find(seg_inputs.begin(), seg_inputs.end(), v) == seg_inputs.end())
        seg_inputs.push_back(v);
    }
  }
  for (ValueId v : seg_inputs) touch(v, -1);
  for (size_t s = 0; s < segment.size(); ++s)
    for (ValueId o : graph.node(segment[s]).outputs) {
      if (!needed_outside.count(o)) continue;
      if (b.folded[s]) {
        ODIN_ASSIGN_OR_RETURN(ConstTensorView t, folder.get(o));
        const auto* p = static_cast<const uint8_t*>(t.data);
        exe->folded_outputs_.emplace_back(
            o, std::vector<uint8_t>(
                   p, p + t.num_elements() * static_cast<int64_t>(dtype_size(t.dtype))));
      } else {
        seg_outputs.push_back(o);
        touch(o, steps);
      }
    }

  // 3. The device arena.
  std::vector<ValueId> roots;
  std::vector<ArenaRequest> requests;
  for (const auto& [r, fl] : life) {
    roots.push_back(r);
    requests.push_back({fl.first, fl.second, b.value_bytes(graph, r)});
  }
  const ArenaPlan plan = plan_arena(requests, b.alignment);
  for (size_t i = 0; i < roots.size(); ++i) b.arena_offset[roots[i]] = plan.offsets[i];
  exe->stats_.arena_bytes = plan.bytes;
  constexpr VkBufferUsageFlags kStorage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  ODIN_ASSIGN_OR_RETURN(exe->arena_, Buffer::create(ctx, std::max<uint64_t>(plan.bytes, 64),
                                                    kStorage | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                                        VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                                    MemoryUse::kDeviceLocal));

  // 4. Weights: one device-local buffer, filled once through a staging copy.
  uint64_t weight_bytes = 0;
  for (const auto& blob : lowering.blobs) {
    b.weight_offset.push_back(weight_bytes);
    weight_bytes = align_up(weight_bytes + std::max<size_t>(blob.size(), 4), b.alignment);
  }
  exe->stats_.weight_bytes = weight_bytes;
  ODIN_ASSIGN_OR_RETURN(exe->weights_, Buffer::create(ctx, std::max<uint64_t>(weight_bytes, 64),
                                                      kStorage | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                                      MemoryUse::kDeviceLocal));

  // 5. Staging for the segment's inputs and outputs (fp32, as the host has them).
  auto layout_staging = [&](const std::vector<ValueId>& values, std::vector<Transfer>& out) {
    uint64_t off = 0;
    for (ValueId v : values) {
      const size_t bytes = static_cast<size_t>(graph.value(v).shape.num_elements()) * 4;
      out.push_back({v, off, bytes});
      off = align_up(off + bytes, b.alignment);
    }
    return std::max<uint64_t>(off, 64);
  };
  const uint64_t in_bytes = layout_staging(seg_inputs, exe->inputs_);
  const uint64_t out_bytes = layout_staging(seg_outputs, exe->outputs_);
  exe->stats_.staging_bytes = in_bytes + out_bytes;
  ODIN_ASSIGN_OR_RETURN(exe->staging_in_,
                        Buffer::create(ctx, in_bytes, kStorage | VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
                                       MemoryUse::kUpload));
  ODIN_ASSIGN_OR_RETURN(exe->staging_out_,
                        Buffer::create(ctx, out_bytes, kStorage | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                       MemoryUse::kReadback));

  // 6. Resolve every dispatch and transfer into a command.
  auto bind = [&](const Operand& op) -> BoundBuffer {
    BoundBuffer bb;
    uint64_t elem = b.elem;
    switch (op.kind) {
      case Operand::Kind::kValue:
        bb.buffer = exe->arena_.handle();
        bb.offset = b.arena_offset.at(b.root(op.id));
        bb.range = b.value_bytes(graph, op.id);
        break;
      case Operand::Kind::kWeights:
        bb.buffer = exe->weights_.handle();
        bb.offset = b.weight_offset[static_cast<size_t>(op.id)];
        bb.range =
            std::max<uint64_t>(align_up(lowering.blobs[static_cast<size_t>(op.id)].size(), 4), 4);
        bb.tracked = false;  // read-only after the upload
        break;
      case Operand::Kind::kStagingIn:
      case Operand::Kind::kStagingOut: {
        const Transfer& t = op.kind == Operand::Kind::kStagingIn
                                ? exe->inputs_[static_cast<size_t>(op.id)]
                                : exe->outputs_[static_cast<size_t>(op.id)];
        bb.buffer = op.kind == Operand::Kind::kStagingIn ? exe->staging_in_.handle()
                                                         : exe->staging_out_.handle();
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
  };
  const uint32_t max_x = std::max<uint32_t>(ctx.info().max_workgroup_count[0], 1);
  std::vector<Command> commands;
  auto add_dispatch = [&](const Dispatch& d) -> Status {
    Command c;
    PipelineKey key{d.kernel, b.fp16, d.spec, static_cast<uint32_t>(d.bindings.size())};
    ODIN_ASSIGN_OR_RETURN(c.pipeline, ctx.pipelines().get(key));
    if (d.push.size() * 4 > kPushConstantBytes)
      return make_error(StatusCode::kInternal, "vulkan: ", d.kernel, " pushes too many constants");
    c.push = d.push;
    for (const Operand& op : d.bindings) {
      c.bindings.push_back(bind(op));
      if (c.bindings.back().range > ctx.info().max_storage_buffer_range)
        return make_error(StatusCode::kUnsupported, "vulkan: ", d.kernel, " binds ",
                          c.bindings.back().range,
                          " bytes, over the device's storage buffer limit of ",
                          ctx.info().max_storage_buffer_range);
    }
    const uint64_t groups = (d.invocations + 63) / 64;
    c.groups_x = static_cast<uint32_t>(std::min<uint64_t>(groups, max_x));
    c.groups_y = static_cast<uint32_t>((groups + c.groups_x - 1) / c.groups_x);
    if (c.groups_y > ctx.info().max_workgroup_count[1])
      return make_error(StatusCode::kUnsupported, "vulkan: ", d.kernel,
                        " needs too many workgroups");
    commands.push_back(std::move(c));
    ++exe->stats_.dispatches;
    return Status();
  };
  // fp32 arenas take plain copies; fp16 ones convert in a kernel.
  auto add_transfer = [&](const Transfer& t, int32_t index, bool to_device) -> Status {
    const int64_t n = graph.value(t.value).shape.num_elements();
    if (!b.fp16) {
      Command c;
      c.kind = Command::Kind::kCopy;
      const VkDeviceSize arena_off = b.arena_offset.at(b.root(t.value));
      c.src = to_device ? exe->staging_in_.handle() : exe->arena_.handle();
      c.dst = to_device ? exe->arena_.handle() : exe->staging_out_.handle();
      c.region = {to_device ? t.staging_offset : arena_off,
                  to_device ? arena_off : t.staging_offset, t.host_bytes};
      commands.push_back(std::move(c));
      ++exe->stats_.copies;
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
  };
  for (size_t i = 0; i < exe->inputs_.size(); ++i)
    ODIN_RETURN_IF_ERROR(add_transfer(exe->inputs_[i], static_cast<int32_t>(i), true));
  for (const LoweredNode& ln : b.lowered)
    for (const Dispatch& d : ln.dispatches) ODIN_RETURN_IF_ERROR(add_dispatch(d));
  for (size_t i = 0; i < exe->outputs_.size(); ++i)
    ODIN_RETURN_IF_ERROR(add_transfer(exe->outputs_[i], static_cast<int32_t>(i), false));

  // 7. Command pool, the weight upload, descriptor sets, the recording.
  auto cpi = make_info<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  cpi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;  // re-recorded after the upload
  cpi.queueFamilyIndex = ctx.queue_family();
  ODIN_VK_CHECK(api.vkCreateCommandPool(ctx.device(), &cpi, nullptr, &exe->command_pool_),
                "vkCreateCommandPool");
  auto cai = make_info<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
  cai.commandPool = exe->command_pool_;
  cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cai.commandBufferCount = 1;
  ODIN_VK_CHECK(api.vkAllocateCommandBuffers(ctx.device(), &cai, &exe->commands_),
                "vkAllocateCommandBuffers");
  auto fci = make_info<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
  ODIN_VK_CHECK(api.vkCreateFence(ctx.device(), &fci, nullptr, &exe->fence_), "vkCreateFence");

  if (weight_bytes > 0) {
    ODIN_ASSIGN_OR_RETURN(
        Buffer upload,
        Buffer::create(ctx, weight_bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, MemoryUse::kUpload));
    for (size_t i = 0; i < lowering.blobs.size(); ++i)
      std::memcpy(upload.mapped() + b.weight_offset[i], lowering.blobs[i].data(),
                  lowering.blobs[i].size());
    Command copy;
    copy.kind = Command::Kind::kCopy;
    copy.src = upload.handle();
    copy.dst = exe->weights_.handle();
    copy.region = {0, 0, weight_bytes};
    ODIN_RETURN_IF_ERROR(record_commands(ctx, exe->commands_, std::span(&copy, 1), {}).status());
    ODIN_RETURN_IF_ERROR(ctx.submit_and_wait(exe->commands_, exe->fence_));
  }
  ODIN_ASSIGN_OR_RETURN(std::vector<VkDescriptorSet> sets,
                        make_descriptor_sets(ctx, commands, &exe->descriptor_pool_));
  ODIN_ASSIGN_OR_RETURN(exe->stats_.barriers, record_commands(ctx, exe->commands_, commands, sets));

  // Per-node share of the measured segment time, by estimated work.
  for (size_t s = 0; s < segment.size(); ++s) {
    const double w = b.lowered[s].dispatches.empty()
                         ? 0.0
                         : 1.0 + static_cast<double>(std::max<int64_t>(
                                     node_macs(graph, graph.node(segment[s])), 0));
    exe->node_weight_.push_back(w);
  }
  return exe;
}

Status VulkanExecutable::run(HostBindings& io, std::span<double> node_ms, RunStats& stats) {
  const auto t0 = std::chrono::steady_clock::now();
  for (const Transfer& t : inputs_) {
    const ConstTensorView v = io.input(t.value);
    std::memcpy(staging_in_.mapped() + t.staging_offset, v.data, t.host_bytes);
  }
  // A segment of constants only (all folded) has nothing to submit.
  const bool device_work = stats_.dispatches > 0 || stats_.copies > 0;
  if (device_work) ODIN_RETURN_IF_ERROR(ctx_.submit_and_wait(commands_, fence_));
  for (const Transfer& t : outputs_)
    std::memcpy(io.output(t.value).data, staging_out_.mapped() + t.staging_offset, t.host_bytes);
  for (const auto& [v, bytes] : folded_outputs_)
    std::memcpy(io.output(v).data, bytes.data(), bytes.size());
  stats.dispatches += stats_.dispatches;
  stats.submits += device_work ? 1 : 0;
  if (!node_ms.empty()) {
    // One submit has no per-node times; share the total by estimated work.
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    double total = 0;
    for (double w : node_weight_) total += w;
    for (size_t i = 0; i < node_ms.size() && i < node_weight_.size(); ++i)
      node_ms[i] = total > 0 ? ms * node_weight_[i] / total : 0.0;
  }
  return Status();
}

}  // namespace odin::vk

// Folds nodes computed only from constants at session creation: MediaPipe
// stores weights as fp16 constants behind DEQUANTIZE (and sparse ones behind
// DENSIFY), so without this every run would convert them again, and GPU
// backends could not upload them as weights. Results come from the node's
// reference kernel (its fp16 -> fp32 is the exact SIMD conversion), so
// folded and unfolded graphs agree bit for bit. Each folded value owns its bytes,
// so a session can free them once backends have repacked them.
#include <cstring>
#include <vector>

#include "core/memory.h"
#include "core/use_def.h"
#include "ops/op_def.h"
#include "passes/passes.h"

namespace odin {
namespace {

// Folded outputs larger than this stay computed at run time.
constexpr int64_t kMaxFoldBytes = int64_t{256} << 20;

int64_t value_bytes(const Value& v) {
  return tensor_bytes(v.dtype, v.shape);
}

// `is_const`: values that are constants now or will be once folded.
bool foldable(const Graph& graph, const Node& node, const std::vector<bool>& is_const) {
  if (node.inputs.empty() || node.outputs.empty()) return false;
  for (ValueId v : node.inputs)
    if (v != kNoValue && !is_const[static_cast<size_t>(v)]) return false;
  for (ValueId v : node.outputs) {
    const Value& out = graph.value(v);
    const int64_t bytes = value_bytes(out);
    if (out.persistent || bytes < 0 || bytes > kMaxFoldBytes) return false;
  }
  return true;
}

ConstTensorView view_of(const Value& v) {
  return {v.dtype, v.shape, v.data};
}

Status compute(const Graph& graph, const Node& node, std::span<const TensorView> outs) {
  std::vector<ConstTensorView> ins;
  for (ValueId v : node.inputs)
    ins.push_back(v == kNoValue ? ConstTensorView{} : view_of(graph.value(v)));
  return run_reference(graph, node, ins, outs);
}

}  // namespace

Result<int> fold_constants(Graph& graph, size_t max_bytes,
                           const std::function<Status(Graph&, const Node&)>& folded_hook) {
  std::vector<bool> is_const(graph.num_values());
  for (size_t v = 0; v < graph.num_values(); ++v)
    is_const[v] = graph.value(static_cast<ValueId>(v)).is_constant();
  std::vector<bool> dead(graph.num_nodes(), false);
  int folded = 0;
  size_t total = 0;
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const NodeId id = static_cast<NodeId>(n);
    const Node& node = graph.node(id);
    if (!foldable(graph, node, is_const)) continue;
    size_t bytes = 0;
    for (ValueId v : node.outputs) bytes += static_cast<size_t>(value_bytes(graph.value(v)));
    if (total + bytes > max_bytes) continue;
    total += bytes;
    std::vector<std::shared_ptr<uint8_t>> buffers;
    std::vector<TensorView> outs;
    for (ValueId v : node.outputs) {
      const Value& out = graph.value(v);
      buffers.push_back(allocate_shared_buffer(static_cast<size_t>(value_bytes(out))));
      if (!buffers.back())
        return make_error(StatusCode::kOutOfRange, "folding ", graph.describe_node(id),
                          ": out of memory");
      outs.push_back({out.dtype, out.shape, buffers.back().get()});
    }
    Status s = compute(graph, node, outs);
    if (!s.ok()) return s.with_context(str_cat("folding ", graph.describe_node(id)));
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      Value& out = graph.value(node.outputs[i]);
      out.data = buffers[i].get();
      out.data_bytes = static_cast<size_t>(value_bytes(out));
      out.owner = std::move(buffers[i]);
      is_const[static_cast<size_t>(node.outputs[i])] = true;
    }
    dead[n] = true;
    ++folded;
    if (folded_hook) ODIN_RETURN_IF_ERROR(folded_hook(graph, graph.node(id)));
  }
  if (folded) remove_nodes(graph, dead);
  return folded;
}

}  // namespace odin

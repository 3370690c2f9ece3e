// Folds DEQUANTIZE (and DENSIFY, which feeds DEQUANTIZE in sparse models) of
// constants at session creation: MediaPipe stores weights as fp16 constants
// behind DEQUANTIZE, so without this every run would convert them again.
// Conversions are exact (fp16 -> fp32) or computed by the reference kernel,
// so folded and unfolded graphs agree bit for bit.
#include <cstring>
#include <vector>

#include "kernels/cpu/aligned_buffer.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/reference/reference.h"
#include "passes/pass_util.h"
#include "passes/passes.h"

namespace odin {
namespace {

// `is_const`: values that are constants now or will be once folded.
bool foldable(const Graph& graph, const Node& node, const std::vector<bool>& is_const) {
  if (node.op != OpType::kDequantize && node.op != OpType::kDensify) return false;
  if (node.inputs.size() != 1 || node.outputs.size() != 1 || node.inputs[0] == kNoValue)
    return false;
  const Value& in = graph.value(node.inputs[0]);
  const Value& out = graph.value(node.outputs[0]);
  if (!is_const[static_cast<size_t>(node.inputs[0])] || out.persistent) return false;
  if (node.op == OpType::kDensify && !in.sparsity) return false;
  return out.shape.is_static() && out.shape.num_elements() >= 0 && dtype_size(out.dtype) > 0;
}

size_t align64(size_t n) {
  return (n + 63) / 64 * 64;
}

}  // namespace

Result<int> fold_dequantize(Graph& graph) {
  // Which nodes fold, in order (DENSIFY -> DEQUANTIZE folds both: the
  // DEQUANTIZE then reads the folded DENSIFY output), and where each result
  // goes in one buffer for all of them: one allocation, backed by huge pages
  // where it is big, faults in much faster than a hundred small ones.
  std::vector<bool> is_const(graph.num_values());
  for (size_t v = 0; v < graph.num_values(); ++v)
    is_const[v] = graph.value(static_cast<ValueId>(v)).is_constant();
  std::vector<bool> dead(graph.num_nodes(), false);
  std::vector<size_t> offset(graph.num_nodes(), 0);
  size_t total = 0;
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    const Node& node = graph.node(static_cast<NodeId>(n));
    if (!foldable(graph, node, is_const)) continue;
    const Value& out = graph.value(node.outputs[0]);
    dead[n] = true;
    offset[n] = total;
    total += align64(static_cast<size_t>(out.shape.num_elements()) * dtype_size(out.dtype));
    is_const[static_cast<size_t>(node.outputs[0])] = true;
  }
  if (total == 0) return 0;
  std::vector<uint8_t> storage;
  storage.reserve(total);
  cpu::advise_huge_pages(storage.data(), total);  // before the first touch
  storage.resize(total);

  int folded = 0;
  for (size_t n = 0; n < graph.num_nodes(); ++n) {
    if (!dead[n]) continue;
    const NodeId id = static_cast<NodeId>(n);
    const Node& node = graph.node(id);
    const Value& in = graph.value(node.inputs[0]);
    Value& out = graph.value(node.outputs[0]);
    const size_t size = static_cast<size_t>(out.shape.num_elements()) * dtype_size(out.dtype);
    uint8_t* bytes = storage.data() + offset[n];
    const ConstTensorView src{in.dtype, in.shape, in.data};
    const TensorView dst{out.dtype, out.shape, bytes};
    Status s;
    if (node.op == OpType::kDequantize && in.dtype == DType::kF16 && in.data_bytes >= size / 2) {
      // The common case (fp16 weights), converted exactly with SIMD (F16C
      // on x86): model load time is dominated by it.
      cpu::f16_to_f32(in.data, reinterpret_cast<float*>(bytes), size / sizeof(float));
    } else if (node.op == OpType::kDequantize) {
      s = ref::dequantize(src, in.quant ? &*in.quant : nullptr, dst);
    } else {
      s = ref::densify(src, *in.sparsity, dst);
    }
    if (!s.ok()) return s.with_context(str_cat("folding ", graph.describe_node(id)));
    out.data_bytes = size;
    out.data = bytes;  // the buffer keeps its address when the graph takes it below
    ++folded;
  }
  graph.own_bytes(std::move(storage));
  remove_nodes(graph, dead);
  return folded;
}

}  // namespace odin

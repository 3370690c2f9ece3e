#include "quantize/quantize_graph.h"

#include <cstring>
#include <map>
#include <numeric>

#include "ops/op_def.h"
#include "quant/affine.h"
#include "quantize/graph_edit.h"

namespace odin {
namespace {

enum class Kind {
  kNone,         // no int8 form odin runs
  kWeighted,     // CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED
  kArithmetic,   // its own output table (ADD, SUB, MUL, PRELU, HARD_SWISH)
  kPassThrough,  // output keeps the input's table (pools, layout, RELU family)
  kFixedOutput,  // output table fixed by TFLite's spec (LOGISTIC, SOFTMAX, TANH)
};

Kind kind_of(OpType op) {
  switch (op) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
    case OpType::kFullyConnected:
      return Kind::kWeighted;
    case OpType::kAdd:
    case OpType::kSub:
    case OpType::kMul:
    case OpType::kPrelu:
    case OpType::kHardSwish:
      return Kind::kArithmetic;
    case OpType::kMaxPool2D:
    case OpType::kAveragePool2D:
    case OpType::kReshape:
    case OpType::kPad:
    case OpType::kResizeBilinear:
    case OpType::kResizeNearestNeighbor:
    case OpType::kConcatenation:
    case OpType::kRelu:
    case OpType::kRelu6:
    case OpType::kReluN1To1:
      return Kind::kPassThrough;
    case OpType::kLogistic:
    case OpType::kSoftmax:
    case OpType::kTanh:
      return Kind::kFixedOutput;
    default:
      return Kind::kNone;
  }
}

// TFLite's int8 spec fixes these outputs: LOGISTIC and SOFTMAX 1/256 with
// zero point -128, TANH 1/128 with 0 (tensorflow/lite/kernels/activations.cc).
QuantParams fixed_output_params(OpType op) {
  QuantParams q;
  q.scales = {op == OpType::kTanh ? 1.0f / 128 : 1.0f / 256};
  q.zero_points = {op == OpType::kTanh ? 0 : -128};
  return q;
}

// The weights' per-channel axis: CONV_2D [O,H,W,I] on 0, DEPTHWISE [1,H,W,C] on 3.
int weight_axis(OpType op, bool per_channel) {
  if (!per_channel || op == OpType::kFullyConnected) return -1;
  return op == OpType::kDepthwiseConv2D ? 3 : 0;
}

std::span<const float> floats_of(const Value& v) {
  return {reinterpret_cast<const float*>(v.data), v.data_bytes / sizeof(float)};
}

// Values that must share one table (pass-through ops), as a union-find.
struct Groups {
  std::vector<size_t> parent;
  explicit Groups(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  size_t find(size_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  }
  void join(size_t a, size_t b) { parent[find(a)] = find(b); }
};

class Quantizer {
 public:
  Quantizer(const Graph& g, std::span<const std::optional<ValueRange>> ranges,
            const QuantizeOptions& options)
      : src_(g), ranges_(ranges), options_(options), out_(g) {}

  Result<Graph> run(QuantizeReport* report) {
    choose_int8_nodes(report);
    ODIN_RETURN_IF_ERROR(choose_tables());
    std::vector<Node> nodes;
    for (size_t n = 0; n < src_.num_nodes(); ++n) {
      Node node = src_.node(static_cast<NodeId>(n));
      if (int8_[n]) {
        ODIN_RETURN_IF_ERROR(rewrite_int8(n, node, nodes));
      } else {
        for (ValueId& v : node.inputs)
          if (v != kNoValue && is_int8_[static_cast<size_t>(v)]) v = float_of(v, nodes);
      }
      nodes.push_back(std::move(node));
    }
    for (ValueId& v : out_.outputs())
      if (is_int8_[static_cast<size_t>(v)]) v = float_of(v, nodes);
    out_.mutable_nodes() = std::move(nodes);
    ODIN_RETURN_IF_ERROR(out_.validate());
    ODIN_RETURN_IF_ERROR(infer_graph(out_));
    return std::move(out_);
  }

 private:
  bool has_range(ValueId v) const {
    return static_cast<size_t>(v) < ranges_.size() && ranges_[static_cast<size_t>(v)].has_value();
  }

  void choose_int8_nodes(QuantizeReport* report) {
    int8_.assign(src_.num_nodes(), false);
    is_int8_.assign(src_.num_values(), false);
    for (size_t n = 0; n < src_.num_nodes(); ++n) {
      std::string why;
      const Node& node = src_.node(static_cast<NodeId>(n));
      bool ok = node_quantizable(src_, static_cast<NodeId>(n), &why);
      if (ok && n < options_.keep_float.size() && options_.keep_float[n]) {
        ok = false;
        why = "kept float";
      }
      for (ValueId v : node.inputs)
        if (ok && v != kNoValue && !src_.value(v).is_constant() &&
            src_.value(v).dtype == DType::kF32 && !has_range(v)) {
          ok = false;
          why = "no calibrated range for an input";
        }
      if (ok && !has_range(node.outputs[0])) {
        ok = false;
        why = "no calibrated range for its output";
      }
      int8_[n] = ok;
      if (ok) {
        is_int8_[static_cast<size_t>(node.outputs[0])] = true;
        if (report) ++report->int8_nodes;
      } else if (report) {
        report->float_nodes.push_back(
            str_cat(src_.describe_node(static_cast<NodeId>(n)), ": ", why));
      }
    }
  }

  // Every float activation an int8 node reads or writes gets a table; values
  // joined by pass-through ops share one (the union of their ranges, or the
  // fixed table of a LOGISTIC / SOFTMAX / TANH output among them).
  Status choose_tables() {
    Groups groups(src_.num_values());
    std::vector<std::optional<QuantParams>> fixed(src_.num_values());
    for (size_t n = 0; n < src_.num_nodes(); ++n) {
      if (!int8_[n]) continue;
      const Node& node = src_.node(static_cast<NodeId>(n));
      const auto out = static_cast<size_t>(node.outputs[0]);
      const Kind k = kind_of(node.op);
      if (k == Kind::kPassThrough)
        for (ValueId v : node.inputs)
          if (v != kNoValue && !src_.value(v).is_constant() && src_.value(v).dtype == DType::kF32)
            groups.join(static_cast<size_t>(v), out);
      if (k == Kind::kFixedOutput) fixed[out] = fixed_output_params(node.op);
    }
    std::vector<std::optional<ValueRange>> group_range(src_.num_values());
    std::vector<std::optional<QuantParams>> group_fixed(src_.num_values());
    for (size_t v = 0; v < src_.num_values(); ++v) {
      const size_t r = groups.find(v);
      if (fixed[v]) group_fixed[r] = fixed[v];
      if (!ranges_[v]) continue;
      ValueRange& g = group_range[r] ? *group_range[r] : group_range[r].emplace(*ranges_[v]);
      g.lo = std::min(g.lo, ranges_[v]->lo);
      g.hi = std::max(g.hi, ranges_[v]->hi);
    }
    table_.assign(src_.num_values(), std::nullopt);
    for (size_t v = 0; v < src_.num_values(); ++v) {
      const size_t r = groups.find(v);
      if (group_fixed[r])
        table_[v] = group_fixed[r];
      else if (group_range[r])
        table_[v] = asymmetric_params(group_range[r]->lo, group_range[r]->hi, DType::kI8);
    }
    return Status();
  }

  // The int8 twin of float activation v (made once, after v exists): v itself
  // when its producer runs int8, else a QUANTIZE of it.
  ValueId int8_of(ValueId v, std::vector<Node>& nodes) {
    if (is_int8_[static_cast<size_t>(v)]) return v;
    if (auto it = quantized_.find(v); it != quantized_.end()) return it->second;
    Value q = src_.value(v);
    q.name += "_int8";
    q.dtype = DType::kI8;
    q.quant = table_[static_cast<size_t>(v)];
    return quantized_[v] = add_conversion(out_, OpType::kQuantize, v, std::move(q), nodes);
  }

  // The float twin of int8 value v: a DEQUANTIZE of it, made once.
  ValueId float_of(ValueId v, std::vector<Node>& nodes) {
    if (auto it = dequantized_.find(v); it != dequantized_.end()) return it->second;
    // The float twin keeps the tensor's name (a graph output keeps its own);
    // the int8 value is renamed.
    out_.value(v).name += "_int8";
    return dequantized_[v] = add_conversion(out_, OpType::kDequantize, v, src_.value(v), nodes);
  }

  ValueId add_constant(const Value& like, std::string suffix, DType dtype, QuantParams q,
                       std::vector<uint8_t> bytes) {
    return add_owned_constant(out_, like, suffix, dtype, std::move(q), std::move(bytes));
  }

  template <typename T>
  static std::vector<uint8_t> bytes_of(const std::vector<T>& v) {
    std::vector<uint8_t> b(v.size() * sizeof(T));
    std::memcpy(b.data(), v.data(), b.size());
    return b;
  }

  // A float constant operand of an elementwise op, int8 per tensor.
  ValueId quantize_operand(ValueId v) {
    const Value& c = src_.value(v);
    const std::span<const float> xs = floats_of(c);
    float lo = 0, hi = 0;
    for (float x : xs) lo = std::min(lo, x), hi = std::max(hi, x);
    QuantParams q = asymmetric_params(lo, hi, DType::kI8);
    std::vector<int8_t> data(xs.size());
    for (size_t i = 0; i < xs.size(); ++i)
      data[i] = static_cast<int8_t>(
          quantize_value(xs[i], q.scales[0], static_cast<int32_t>(q.zero_points[0]), DType::kI8));
    return add_constant(c, "_int8", DType::kI8, std::move(q), bytes_of(data));
  }

  int weight_bits(size_t n) const {
    return n < options_.weight_bits.size() && options_.weight_bits[n] == 4 ? 4 : 8;
  }

  Status rewrite_int8(size_t n, Node& node, std::vector<Node>& nodes) {
    const bool weighted = kind_of(node.op) == Kind::kWeighted;
    const ValueId x = node.inputs[0];  // before it becomes its int8 twin
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const ValueId v = node.inputs[i];
      if (v == kNoValue || src_.value(v).dtype != DType::kF32) continue;
      if (weighted && i == 1) {
        const Value& w = src_.value(v);
        SymmetricWeights q = quantize_symmetric(
            floats_of(w), w.shape, weight_axis(node.op, options_.per_channel), weight_bits(n));
        weights_ = q.params;
        node.inputs[i] = add_constant(w, weight_bits(n) == 4 ? "_int4" : "_int8", DType::kI8,
                                      std::move(q.params), bytes_of(q.values));
      } else if (weighted && i == 2) {
        const Value& b = src_.value(v);
        const float in_scale = table_[static_cast<size_t>(x)]->scales[0];
        QuantParams q;
        std::vector<int32_t> data = quantize_bias(floats_of(b), in_scale, weights_, &q);
        node.inputs[i] = add_constant(b, "_int32", DType::kI32, std::move(q), bytes_of(data));
      } else if (src_.value(v).is_constant()) {
        node.inputs[i] = quantize_operand(v);
      } else {
        node.inputs[i] = int8_of(v, nodes);
      }
    }
    Value& y = out_.value(node.outputs[0]);
    y.dtype = DType::kI8;
    y.quant = table_[static_cast<size_t>(node.outputs[0])];
    if (!y.quant)
      return make_error(StatusCode::kInternal, src_.describe_value(node.outputs[0]),
                        " has no quantization table");
    return Status();
  }

  const Graph& src_;
  std::span<const std::optional<ValueRange>> ranges_;
  const QuantizeOptions& options_;
  Graph out_;
  std::vector<bool> int8_;     // per node of src_
  std::vector<bool> is_int8_;  // per value of src_: produced by an int8 node
  std::vector<std::optional<QuantParams>> table_;
  std::map<ValueId, ValueId> quantized_, dequantized_;
  QuantParams weights_;  // the last weights quantized (their bias follows)
};

}  // namespace

bool node_quantizable(const Graph& g, NodeId id, std::string* why) {
  const Node& node = g.node(id);
  const Kind k = kind_of(node.op);
  auto fail = [&](std::string reason) {
    *why = std::move(reason);
    return false;
  };
  if (k == Kind::kNone) return fail(str_cat(op_type_name(node.op), ": no int8 kernel"));
  if (node.outputs.size() != 1 || g.value(node.outputs[0]).dtype != DType::kF32)
    return fail("output is not one float32 tensor");
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const ValueId v = node.inputs[i];
    if (v == kNoValue) continue;
    const Value& x = g.value(v);
    const bool weight = k == Kind::kWeighted && i == 1, bias = k == Kind::kWeighted && i == 2;
    if ((weight || bias) && (!x.is_constant() || x.dtype != DType::kF32))
      return fail(weight ? "weights are not a float32 constant" : "bias is not a float32 constant");
    if (i == 0 && (x.is_constant() || x.dtype != DType::kF32))
      return fail("input is not a float32 activation");
    if (x.dtype != DType::kF32 && x.dtype != DType::kI32)
      return fail("an operand is neither float32 nor int32");
    if (k == Kind::kPassThrough && x.dtype == DType::kF32 && x.is_constant())
      return fail("a float constant operand of a table-keeping op");
  }
  return true;
}

Result<Graph> quantize_graph(const Graph& prepared,
                             std::span<const std::optional<ValueRange>> ranges,
                             const QuantizeOptions& options, QuantizeReport* report) {
  if (ranges.size() != prepared.num_values())
    return make_error(StatusCode::kInvalidArgument, "ranges for ", ranges.size(),
                      " values; the graph has ", prepared.num_values());
  return Quantizer(prepared, ranges, options).run(report);
}

}  // namespace odin

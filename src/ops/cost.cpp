#include "ops/cost.h"

#include <algorithm>

namespace odin {
namespace {

constexpr int64_t kCap = INT64_MAX / 4;

int64_t mul_sat(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  if (a != 0 && b > kCap / a) return kCap;
  return a * b;
}

int64_t elems(const Graph& g, ValueId v) {
  return v == kNoValue ? 0 : g.value(v).shape.num_elements();
}

int64_t dim(const Graph& g, ValueId v, size_t i) {
  const Shape& s = g.value(v).shape;
  return i < s.rank() ? s[i] : -1;
}

}  // namespace

int64_t node_macs(const Graph& g, const Node& n) {
  const int64_t out = elems(g, n.outputs[0]);
  switch (n.op) {
    case OpType::kConv2D:  // out * kh * kw * in_c(per group)
      return mul_sat(out, mul_sat(mul_sat(dim(g, n.inputs[1], 1), dim(g, n.inputs[1], 2)),
                                  dim(g, n.inputs[1], 3)));
    case OpType::kDepthwiseConv2D:
      return mul_sat(out, mul_sat(dim(g, n.inputs[1], 1), dim(g, n.inputs[1], 2)));
    case OpType::kTransposeConv: {  // every input pixel scatters a full filter
      const ValueId w = n.inputs[1];
      return mul_sat(elems(g, n.inputs[2]),
                     mul_sat(mul_sat(dim(g, w, 0), dim(g, w, 1)), dim(g, w, 2)));
    }
    case OpType::kConvolution2DTransposeBias: {
      const ValueId w = n.inputs[1];
      return mul_sat(elems(g, n.inputs[0]),
                     mul_sat(mul_sat(dim(g, w, 0), dim(g, w, 1)), dim(g, w, 2)));
    }
    case OpType::kFullyConnected: {
      const Shape& w = g.value(n.inputs[1]).shape;
      return mul_sat(out, w.rank() ? w[w.rank() - 1] : -1);
    }
    case OpType::kBatchMatMul: {
      const Shape& x = g.value(n.inputs[0]).shape;
      const auto& a = std::get<BatchMatMulAttrs>(n.attrs);
      const size_t r = x.rank();
      if (r < 2) return -1;
      return mul_sat(out, a.adj_x ? x[r - 2] : x[r - 1]);
    }
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D: {
      const auto& a = std::get<Pool2DAttrs>(n.attrs);
      const int64_t fh =
          std::min<int64_t>(a.filter_h, std::max<int64_t>(dim(g, n.inputs[0], 1), 0));
      const int64_t fw =
          std::min<int64_t>(a.filter_w, std::max<int64_t>(dim(g, n.inputs[0], 2), 0));
      return mul_sat(out, mul_sat(fh, fw));
    }
    default:  // elementwise, reductions and data movement: about one step per input element
      break;
  }
  int64_t total = out;
  for (ValueId v : n.inputs) total = std::min(kCap, total + std::max<int64_t>(elems(g, v), 0));
  return total;
}

int64_t graph_macs(const Graph& g) {
  int64_t total = 0;
  for (const Node& n : g.nodes()) {
    const int64_t m = node_macs(g, n);
    if (m < 0) return -1;
    total = std::min(kCap, total + m);
  }
  return total;
}

}  // namespace odin
